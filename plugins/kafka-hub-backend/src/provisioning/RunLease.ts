import { LoggerService } from '@backstage/backend-plugin-api';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { errorMessage } from '../errors/errorMessage';

/** Why a provisioning run stopped before its end. */
export class RunStopped extends Error {
  constructor(
    /** `claim-lost`: another replica took the run over; nothing is recorded. */
    readonly why: 'claim-lost' | 'task-time-ran-out',
    message: string,
  ) {
    super(message);
    this.name = 'RunStopped';
  }
}

/** The error recorded for a run (or reconcile) its task's abort stopped. */
export const TASK_TIME_RAN_OUT = "stopped: the task's time ran out";

/**
 * Keeps one claimed run's lease alive from its claim to its end: renews it
 * every `everyMs` (one renewal at a time), so that other replicas never
 * take a run that is still working for one whose process died. When a
 * renewal finds the claim gone, `signal` aborts and renewals end; a
 * renewal that errors is tried again at the next beat, while the lease
 * still runs.
 */
export class RunLease {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> | undefined;
  private ended = false;

  constructor(
    private readonly options: {
      store: Pick<ProvisioningStore, 'renewLease'>;
      entityRef: string;
      runId: string;
      leaseMs: number;
      everyMs: number;
      now: () => Date;
      logger: LoggerService;
    },
  ) {
    this.schedule();
  }

  /** Aborted, with a `claim-lost` RunStopped, once the claim is gone. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing; waits for a renewal under way. */
  async end(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    await this.renewal;
  }

  private schedule() {
    if (this.ended || this.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.renewal = this.renew().finally(() => {
        this.renewal = undefined;
        this.schedule();
      });
    }, this.options.everyMs);
    // A pending renewal never keeps the process alive on its own.
    this.timer.unref?.();
  }

  private async renew(): Promise<void> {
    const { store, entityRef, runId, leaseMs, now, logger } = this.options;
    let ours: boolean;
    try {
      ours = await store.renewLease({ entityRef, runId, now: now(), leaseMs });
    } catch (error) {
      logger.warn(
        `Could not renew the lease of provisioning run ${runId} of ${entityRef}; trying again: ${errorMessage(
          error,
        )}`,
      );
      return;
    }
    if (!ours && !this.ended) {
      this.controller.abort(
        new RunStopped(
          'claim-lost',
          `Provisioning run ${runId} of ${entityRef} lost its claim (its lease expired and another replica may have taken it over)`,
        ),
      );
    }
  }
}
