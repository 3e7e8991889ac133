/*
 * Chaos scenario "Registry faults" (issue 12): two real replicas of the demo
 * backend on one PostgreSQL database sync dev's Schema Registry through the
 * fault proxy process, which answers 500s, hangs, resets connections and
 * answers garbage, first on the subject listing, then on one subject's
 * reads. Per fault: no stored row is lost, no subject is marked stale, the
 * run records the error, and the first run after the registry recovers
 * stores what changed meanwhile.
 * Needs PostgreSQL (5433), Apicurio (8081) and the demo's Kafka broker.
 */
import { RegistryFixtures } from '../schemaRegistry/__testUtils__/registryFixtures';
import {
  BackendReplica,
  BackendReplicas,
  startBackendReplicas,
} from '../testUtils/backendReplicas';
import { recordChaosFigure } from '../testUtils/chaosFigures';
import {
  RegistryProxyProcess,
  RegistryProxyRule,
  startRegistryProxy,
} from '../testUtils/registryProxyProcess';
import { testServices } from '../testUtils/testServices';
import {
  eventually,
  latestSchemaSync,
  loggedSyncRuns,
  ReplicaSchemaTables,
  schemaChaosConfig,
  StepTimer,
  StoredSubject,
  versionKeys,
} from './__testUtils__/schemaSyncReplicas';

jest.setTimeout(600_000);

const SCENARIO = 'Registry faults';
const SUBJECTS = 12;
// Long enough for a loaded Apicurio, short enough that a hang fails a run.
const REGISTRY_TIMEOUT_MS = 5000;
const SCHEDULE_SECONDS = 2;

const avro = (fields: number) =>
  JSON.stringify({
    type: 'record',
    name: 'Event',
    namespace: 'com.acme.chaos',
    fields: Array.from({ length: fields }, (_, i) => ({
      name: `f${i}`,
      type: ['null', 'string'],
      default: null,
    })),
  });

/** Each kind of fault, and what the recorded error must say of it. */
const FAULT_KINDS: Array<{
  kind: string;
  rule: RegistryProxyRule;
  error: RegExp;
}> = [
  {
    kind: '500',
    rule: { fault: 'status', status: 500 },
    error: /HTTP 500 from \//,
  },
  {
    kind: 'hang',
    rule: { fault: 'hang' },
    error: new RegExp(`No answer within ${REGISTRY_TIMEOUT_MS} ms`),
  },
  { kind: 'reset', rule: { fault: 'reset' }, error: /fetch failed/ },
  {
    kind: 'garbage',
    rule: { fault: 'garbage' },
    error: /Malformed JSON from .*<html>/,
  },
];

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What one fault did, as the table prints it. */
interface PhaseOutcome {
  phase: string;
  recorded: boolean;
  rowsLost: number;
  wronglyStale: number;
  secondsToConverge: number;
  firstRunAfterwardSucceeded: boolean;
}

describe('Registry faults: two replicas sync dev through a misbehaving registry', () => {
  const timer = new StepTimer('registry faults');
  const fixtures = new RegistryFixtures(testServices.registryUrl);
  const subjects = Array.from({ length: SUBJECTS }, (_, i) =>
    fixtures.name(
      `chaos-registry-{suffix}-s${String(i).padStart(2, '0')}-value`,
    ),
  );
  /** The versions the registry holds of each subject, as the test wrote them. */
  const registered = new Map<string, number>();
  let proxy: RegistryProxyProcess | undefined;
  let replicas: BackendReplicas | undefined;
  let tables: ReplicaSchemaTables | undefined;
  const outcomes: PhaseOutcome[] = [];

  async function addVersion(subject: string) {
    const next = (registered.get(subject) ?? 0) + 1;
    await fixtures.register(subject, avro(next));
    registered.set(subject, next);
  }

  /** Subject rows the test's subjects should have: every version it registered. */
  function expectedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const [subject, count] of registered) {
      for (let v = 1; v <= count; v++) keys.add(`${subject}@${v}`);
    }
    return keys;
  }

  const stored = () => tables!.subjects('dev', subjects);

  /** Whether the database holds exactly what the registry holds of the test's subjects. */
  function converged(rows: Map<string, StoredSubject>): boolean {
    const keys = versionKeys(rows);
    const expected = expectedKeys();
    return (
      rows.size === subjects.length &&
      [...rows.values()].every(r => r.status === 'registered') &&
      keys.size === expected.size &&
      [...expected].every(k => keys.has(k))
    );
  }

  beforeAll(async () => {
    await timer.step(
      `register ${SUBJECTS} subjects of 2 versions`,
      async () => {
        for (const subject of subjects) {
          await addVersion(subject);
          await addVersion(subject);
        }
      },
    );
    proxy = await timer.step('start the registry fault proxy', () =>
      startRegistryProxy(),
    );
    replicas = await timer.step('start two replicas', () =>
      startBackendReplicas({
        count: 2,
        config: schemaChaosConfig({
          registryUrl: proxy!.url,
          registryTimeoutMs: REGISTRY_TIMEOUT_MS,
          frequencySeconds: SCHEDULE_SECONDS,
          timeoutSeconds: 60,
        }),
      }),
    );
    tables = new ReplicaSchemaTables(replicas.databaseUrl);
  });

  afterAll(async () => {
    try {
      await tables?.close();
      await timer.step('stop the replicas', async () => {
        await replicas?.stop();
      });
      await proxy?.stop();
    } finally {
      await fixtures.cleanUp();
      timer.print();
    }
  });

  it('syncs every subject once cleanly through the proxy', async () => {
    const one = replicas!.replica(1);
    await timer.step('first clean sync', () =>
      eventually('a dev sync stored every subject and succeeded', async () => {
        const run = await latestSchemaSync(one, 'dev');
        return run && !run.error && converged(await stored()) ? run : undefined;
      }),
    );
    expect(versionKeys(await stored())).toEqual(expectedKeys());
    const requests = await proxy!.requests();
    expect(requests.items.some(r => r.subject === subjects[0])).toBe(true);
  });

  /**
   * Each kind of fault on the listing (the run fails, nothing can be marked
   * stale from it) and on one subject's reads (the run reads the others,
   * and must not mark stale what it could not read), each with a subject of
   * its own that gets a new version while the registry misbehaves.
   */
  const phases = FAULT_KINDS.flatMap(({ kind, rule, error }, k) => {
    const [listed, read] = [subjects[2 * k], subjects[2 * k + 1]];
    return [
      {
        phase: `${kind} on the subject listing`,
        rule: { ...rule, path: '^/subjects(\\?|$)' },
        status: 'failed',
        victim: listed,
        recordedError: new RegExp(`^Listing failed: [\\s\\S]*${error.source}`),
      },
      {
        phase: `${kind} on one subject's reads`,
        rule: { ...rule, path: `^/subjects/${escapeRegExp(read)}/` },
        status: 'partial',
        victim: read,
        recordedError: new RegExp(
          `^\\d+ of \\d+ subjects could not be read, nothing was marked stale: "${escapeRegExp(
            read,
          )}": [\\s\\S]*${error.source}`,
        ),
      },
    ];
  });

  it.each(phases.map(p => [p.phase, p] as const))(
    'keeps every row through a %s, records it, and converges on the next good run',
    async (phase, p) => {
      const replica: BackendReplica = replicas!.replica(1);
      const victim = p.victim;
      const before = versionKeys(await stored());
      expect(before).toEqual(expectedKeys());

      await proxy!.fault(p.rule);
      const faultAt = Date.now();
      // The registry changes while it misbehaves: the next good run must
      // bring the change in.
      await addVersion(victim);

      const failed = await timer.step(`${phase}: a run records it`, () =>
        eventually(`a dev sync started after the ${phase} failed`, async () => {
          const run = await tables!.latestSyncRun('dev');
          return run && run.startedAt.getTime() > faultAt && run.error
            ? run
            : undefined;
        }),
      );
      const recorded =
        failed.status === p.status && p.recordedError.test(failed.error!);
      expect(failed).toMatchObject({
        status: p.status,
        staleMarked: 0,
        error: expect.stringMatching(p.recordedError),
      });
      // What admins see on either replica, while the fault lasts.
      for (const each of replicas!.replicas) {
        const shown = await latestSchemaSync(each, 'dev');
        expect(Date.parse(shown!.lastRunAt)).toBeGreaterThan(faultAt);
        expect(shown!.error).toMatch(p.recordedError);
      }

      const duringFault = await stored();
      const lostDuring = [...before].filter(
        k => !versionKeys(duringFault).has(k),
      );
      const staleDuring = [...duringFault].filter(
        ([, s]) => s.status !== 'registered',
      );

      await proxy!.reset();
      const resetAt = Date.now();
      await timer.step(`${phase}: converges`, () =>
        eventually('the stored subjects match the registry again', async () => {
          const run = await latestSchemaSync(replica, 'dev');
          return run &&
            Date.parse(run.lastRunAt) > resetAt &&
            !run.error &&
            converged(await stored())
            ? run
            : undefined;
        }),
      );
      const after = await stored();
      const lostAfter = [...before].filter(k => !versionKeys(after).has(k));

      // Runs under the fault: none marked anything stale. The first run
      // started after the reset is the one that converged.
      const devRuns = () =>
        replicas!.replicas
          .flatMap(r => loggedSyncRuns(r))
          .filter(r => r.environment === 'dev');
      // The run's record is written just before its last log lines.
      const firstAfter = await eventually(
        'the first run after the reset logged its end',
        async () => {
          const [first] = devRuns()
            .filter(r => r.start > resetAt)
            .sort((a, b) => a.start - b.start);
          return first?.end === undefined ? undefined : first;
        },
      );
      const underFault = devRuns().filter(
        r => r.start > faultAt && r.end !== undefined && r.end < resetAt,
      );
      const staleMarkedUnderFault = underFault.reduce(
        (sum, r) => sum + (r.staleMarked ?? 0),
        0,
      );

      const outcome: PhaseOutcome = {
        phase,
        recorded,
        rowsLost: lostDuring.length + lostAfter.length,
        wronglyStale: staleDuring.length + staleMarkedUnderFault,
        secondsToConverge: (firstAfter.end! - resetAt) / 1000,
        firstRunAfterwardSucceeded: firstAfter.status === 'succeeded',
      };
      outcomes.push(outcome);
      // eslint-disable-next-line no-console
      console.log(`[registry faults] ${JSON.stringify(outcome)}`);

      expect(lostDuring).toEqual([]);
      expect(lostAfter).toEqual([]);
      expect(staleDuring).toEqual([]);
      expect(underFault.length).toBeGreaterThan(0);
      expect(underFault.map(r => r.status)).toEqual(
        underFault.map(() => p.status),
      );
      expect(staleMarkedUnderFault).toBe(0);
      expect(firstAfter).toMatchObject({ status: 'succeeded' });
      expect(after.get(victim)?.versions).toEqual(
        Array.from({ length: registered.get(victim)! }, (_, i) => i + 1),
      );
    },
  );

  it('records its figures', () => {
    // A phase that failed has no outcome: the figures say so.
    const complete = outcomes.length === phases.length;
    const rowsLost = outcomes.reduce((sum, o) => sum + o.rowsLost, 0);
    const wronglyStale = outcomes.reduce((sum, o) => sum + o.wronglyStale, 0);
    const recorded = outcomes.filter(o => o.recorded).length;
    const converging = outcomes.filter(o => o.firstRunAfterwardSucceeded);
    const seconds = Math.max(...outcomes.map(o => o.secondsToConverge));
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'rows lost',
      value: complete ? rowsLost : `${rowsLost} in ${outcomes.length} phases`,
      guarantee: '0',
      held: complete && rowsLost === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'subjects wrongly marked stale',
      value: complete
        ? wronglyStale
        : `${wronglyStale} in ${outcomes.length} phases`,
      guarantee: '0',
      held: complete && wronglyStale === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: `faults recorded (of ${phases.length})`,
      value: recorded,
      guarantee: `${phases.length}: 500, hang, reset, garbage on the listing and on a subject`,
      held: recorded === phases.length,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'seconds to converge (max)',
      value: complete
        ? Number(seconds.toFixed(1))
        : `${converging.length} of ${phases.length} phases converged`,
      guarantee: `the first run after recovery converges (every ${SCHEDULE_SECONDS} s)`,
      held: converging.length === phases.length,
    });
    expect(outcomes).toHaveLength(phases.length);
    expect(rowsLost).toBe(0);
    expect(wronglyStale).toBe(0);
    expect(recorded).toBe(phases.length);
    expect(converging).toHaveLength(phases.length);
  });
});
