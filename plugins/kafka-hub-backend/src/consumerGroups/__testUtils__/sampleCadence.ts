/**
 * Runs a task on a fixed cadence, as the chaos tests' clock: tick k is due
 * at `start + k * periodMs`, one run at a time, and a run that overruns
 * skips the ticks it covered (like the scheduler, which never overlaps a
 * task with itself). Every tick is kept, run or skipped, so a test can hold
 * the times a schedule expected against what was stored.
 */
export interface CadenceTick {
  tick: number;
  dueAt: number;
  /** Undefined when the tick passed while an earlier run was still going. */
  run?: { startedAt: number; endedAt: number; error?: string };
}

export interface Cadence {
  readonly ticks: readonly CadenceTick[];
  /**
   * Resolves after the first run whose ticks satisfy `done`; fails naming
   * `what` if none did within `timeoutMs`.
   */
  until(
    what: string,
    done: (ticks: readonly CadenceTick[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  /** Stops ticking; resolves once the run in flight ended. */
  stop(): Promise<void>;
}

interface Waiter {
  done: (ticks: readonly CadenceTick[]) => boolean;
  resolve: () => void;
}

export function startCadence(
  periodMs: number,
  run: (tick: number) => Promise<void>,
): Cadence {
  const start = Date.now();
  const ticks: CadenceTick[] = [];
  const waiters = new Set<Waiter>();
  let stopped = false;
  const sleeping: { timer?: NodeJS.Timeout; wake?: () => void } = {};
  /** Until `at`, or until stopped. */
  const sleepUntil = (at: number) =>
    new Promise<void>(resolve => {
      sleeping.wake = resolve;
      sleeping.timer = setTimeout(resolve, Math.max(0, at - Date.now()));
    });

  const loop = (async () => {
    for (let tick = 0; !stopped; ) {
      const dueAt = start + tick * periodMs;
      await sleepUntil(dueAt);
      if (stopped) break;
      const entry: CadenceTick = { tick, dueAt };
      ticks.push(entry);
      const startedAt = Date.now();
      let error: string | undefined;
      try {
        await run(tick);
      } catch (e) {
        error = String((e as Error)?.message ?? e);
      }
      entry.run = { startedAt, endedAt: Date.now(), error };
      // Ticks that fell due while this run was going are skipped.
      const next = Math.max(
        tick + 1,
        Math.ceil((Date.now() - start) / periodMs),
      );
      for (let skipped = tick + 1; skipped < next; skipped++) {
        ticks.push({ tick: skipped, dueAt: start + skipped * periodMs });
      }
      tick = next;
      for (const waiter of [...waiters]) {
        if (waiter.done(ticks)) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    }
  })();

  return {
    ticks,
    until(what, done, timeoutMs = 180_000) {
      if (done(ticks)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { done, resolve: () => {} };
        const deadline = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `Timed out after ${timeoutMs / 1000}s waiting for ${what} (${
                ticks.length
              } ticks so far)`,
            ),
          );
        }, timeoutMs);
        waiter.resolve = () => {
          clearTimeout(deadline);
          resolve();
        };
        waiters.add(waiter);
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(sleeping.timer);
      sleeping.wake?.();
      await loop;
    },
  };
}
