/*
 * Chaos suite (issue 12), "Exactly-once across replicas": two processes of
 * the demo backend (packages/backend) on one PostgreSQL database, both
 * running the real scheduler (provisioning every 2 s), take 50 concurrent
 * retry requests for one application, spread over both, then a retry-all
 * from both at once. Each wave must start exactly one run per application:
 * counted as run rows in the replicas' database and as CreateTopics
 * requests for the application's topic in the broker's own log (the topic
 * is deleted before each wave, so each run asks for it once; two racing
 * runs would ask twice).
 *
 * The applications' environment reaches Kafka through a gate the test
 * holds closed during each wave: the wave's run waits at its first step
 * until every request of the wave has been answered, so no request can come
 * after the run ended and rightly start another one.
 *
 * Needs PostgreSQL (5433) and the Kafka broker (9092) from
 * scripts/services/all.sh, `ss` (iproute2), and the replicas' ports free
 * (REPLICAS_BASE_PORT, 7101 and 7102 by default).
 */
import {
  BackendReplica,
  BackendReplicas,
  startBackendReplicas,
} from '../testUtils/backendReplicas';
import { recordChaosFigure } from '../testUtils/chaosFigures';
import {
  BrokerCreateTopicsLog,
  brokerCreateTopicsLog,
} from './__testUtils__/brokerCreateTopicsLog';
import { KafkaGate, startKafkaGate } from './__testUtils__/kafkaGate';
import {
  BROKER,
  brokerAdmin,
  chaosReplicaConfig,
  deleteTopics,
  deleteTopicsIfPresent,
  entityRefOf,
  eventually,
  ReplicaDatabase,
  RunRow,
  runsPerApplication,
  StepTimer,
  TestApplication,
  uniqueSlug,
  writeCatalogFile,
  removeCatalogFile,
} from './__testUtils__/provisioningReplicas';

jest.setTimeout(900_000);

const SCENARIO = 'Exactly-once across replicas';
const RETRIES = 50;

// Three applications whose runs end `failed`, so that retry-all takes them:
// `kept` is created, `refused` is refused by the broker (retention.ms below
// -1), every run.
const base = uniqueSlug('once');
const apps: TestApplication[] = ['a', 'b', 'c'].map(suffix => ({
  application: `${base}-${suffix}`,
  topics: 'kept,refused',
  topicConfig: 'refused: retention.ms=-5',
}));
const refs = apps.map(entityRefOf);
const keptTopic = (app: TestApplication) => `${app.application}.kept`;

const timer = new StepTimer('exactly-once');
const admin = brokerAdmin();
let gate: KafkaGate;
let replicas: BackendReplicas | undefined;
let db: ReplicaDatabase | undefined;
const catalogFile = writeCatalogFile(apps);
let brokerLog: BrokerCreateTopicsLog;

/** Runs per application and CreateTopics requests per kept topic, by wave. */
const waves: Array<{
  name: string;
  runs: Record<string, number>;
  creations: Record<string, string[]>;
}> = [];

/** The runs not in `before`, once none of `entityRefs` is in progress. */
async function runsOfWave(
  before: Set<string>,
  entityRefs: string[],
): Promise<RunRow[]> {
  await eventually(`the wave's runs of ${entityRefs} ended`, async () => {
    const rows = await db!.applications();
    const busy = rows.filter(
      r => entityRefs.includes(r.entity_ref) && r.status === 'in_progress',
    );
    return busy.length === 0 ? true : undefined;
  });
  return (await db!.runs()).filter(r => !before.has(r.run_id));
}

function figures(measure: (wave: (typeof waves)[number]) => number[]) {
  const perWave = waves.map(w => measure(w));
  return {
    value: waves
      .map((w, i) => `${w.name}: ${perWave[i].join(', ')}`)
      .join('; '),
    held: perWave.every(counts => counts.every(n => n === 1)),
  };
}

describe('Exactly-once across replicas', () => {
  beforeAll(async () => {
    gate = await startKafkaGate(BROKER, { closed: false });
    brokerLog = brokerCreateTopicsLog();
  });

  afterAll(async () => {
    try {
      await timer.step('stop both replicas and drop the database', async () => {
        await db?.close();
        await replicas?.stop();
      });
    } finally {
      await gate.stop();
      removeCatalogFile(catalogFile);
      await deleteTopicsIfPresent(
        admin,
        apps.flatMap(app => [keptTopic(app)]),
      ).catch(() => undefined);
      await admin.close();
      timer.print();
    }
  });

  it('starts two replicas whose first runs provision the applications once each', async () => {
    replicas = await timer.step('start two replicas until both are ready', () =>
      startBackendReplicas({
        count: 2,
        config: chaosReplicaConfig({
          catalogFile,
          gateAddress: gate.address,
          scheduleSeconds: 2,
          leaseSeconds: 30,
        }),
      }),
    );
    db = new ReplicaDatabase(replicas.databaseUrl);
    const firstRuns = await timer.step(
      "wait for each application's first run to end",
      () =>
        eventually(
          'every application failed once (its refused topic)',
          async () => {
            const rows = (await db!.applications()).filter(r =>
              refs.includes(r.entity_ref),
            );
            const runs = await db!.runs(refs);
            return rows.length === refs.length &&
              rows.every(r => r.status === 'failed') &&
              runs.every(r => r.finished_at !== null)
              ? runs
              : undefined;
          },
        ),
    );
    // The schedule ran each new application once; none is due again.
    expect(runsPerApplication(firstRuns, refs)).toEqual(
      Object.fromEntries(refs.map(ref => [ref, 1])),
    );
    expect(firstRuns.map(r => r.trigger)).toEqual(refs.map(() => 'schedule'));
    const listed = new Set(await admin.listTopics());
    for (const app of apps) {
      expect(listed.has(keptTopic(app))).toBe(true);
      expect(listed.has(`${app.application}.refused`)).toBe(false);
    }
  });

  it(`starts one run for ${RETRIES} concurrent retries spread over both replicas`, async () => {
    const [app] = apps;
    const [ref] = refs;
    await deleteTopics(admin, [keptTopic(app)]);
    const before = new Set((await db!.runs()).map(r => r.run_id));
    gate.close();
    brokerLog.mark();

    const statuses = await timer.step(
      `${RETRIES} concurrent retries, alternating replicas`,
      () =>
        Promise.all(
          Array.from({ length: RETRIES }, async (_, i) => {
            const replica: BackendReplica = replicas!.replicas[i % 2];
            const res = await replica.fetch(
              `/api/kafka-hub/applications/${encodeURIComponent(ref)}/retry`,
              { method: 'POST' },
            );
            return res.status;
          }),
        ),
    );
    // Every request has been answered while the run waits at the gate.
    expect((await db!.application(ref))!.status).toBe('in_progress');
    await eventually('the run waits at the gate', async () =>
      gate.waiting() > 0 ? true : undefined,
    );
    gate.open();
    const runs = await timer.step('the run ends after the gate opens', () =>
      runsOfWave(before, [ref]),
    );

    const started = statuses.filter(s => s === 202).length;
    const conflicts = statuses.filter(s => s === 409).length;
    const creations = brokerLog.createTopicsOutcomes(keptTopic(app));
    waves.push({
      name: `${RETRIES} retries`,
      runs: runsPerApplication(runs, [ref]),
      creations: { [keptTopic(app)]: creations },
    });
    // eslint-disable-next-line no-console
    console.log(
      `[exactly-once] ${RETRIES} retries: ${started} answered 202, ${conflicts} 409; runs ${JSON.stringify(
        runs.map(r => [r.entity_ref, r.trigger, r.result]),
      )}; CreateTopics of ${keptTopic(app)}: ${creations.join(', ')}`,
    );

    expect({ started, conflicts }).toEqual({
      started: 1,
      conflicts: RETRIES - 1,
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      entity_ref: ref,
      trigger: 'retry',
      requested_by: 'kafka-hub-replicas',
      result: 'failed',
    });
    expect(creations).toEqual(['SUCCESS']);
  });

  it('starts one run per failed application for a retry-all from both replicas at once', async () => {
    await deleteTopics(admin, apps.map(keptTopic));
    const before = new Set((await db!.runs()).map(r => r.run_id));
    gate.close();
    brokerLog.mark();

    const answers = await timer.step(
      'retry-all from both replicas at once',
      () =>
        Promise.all(
          replicas!.replicas.map(replica =>
            replica.json<{ total: number; started: number; skipped: number }>(
              '/api/kafka-hub/admin/retry-failed',
              { method: 'POST' },
            ),
          ),
        ),
    );
    const rows = await db!.applications();
    expect(
      rows.filter(r => refs.includes(r.entity_ref)).map(r => r.status),
    ).toEqual(refs.map(() => 'in_progress'));
    await eventually("the wave's runs wait at the gate", async () =>
      gate.waiting() >= apps.length ? true : undefined,
    );
    gate.open();
    const runs = await timer.step('the runs end after the gate opens', () =>
      runsOfWave(before, refs),
    );

    const creations = Object.fromEntries(
      apps.map(app => [
        keptTopic(app),
        brokerLog.createTopicsOutcomes(keptTopic(app)),
      ]),
    );
    waves.push({
      name: 'retry-all x2',
      runs: runsPerApplication(runs, refs),
      creations,
    });
    // eslint-disable-next-line no-console
    console.log(
      `[exactly-once] retry-all answers ${JSON.stringify(
        answers,
      )}; runs ${JSON.stringify(
        runs.map(r => [r.entity_ref, r.trigger, r.result]),
      )}; CreateTopics ${JSON.stringify(creations)}`,
    );

    expect(answers.reduce((sum, a) => sum + a.started, 0)).toBe(apps.length);
    expect(runsPerApplication(runs, refs)).toEqual(
      Object.fromEntries(refs.map(ref => [ref, 1])),
    );
    expect(runs.every(r => r.trigger === 'retry-all')).toBe(true);
    expect(creations).toEqual(
      Object.fromEntries(apps.map(app => [keptTopic(app), ['SUCCESS']])),
    );
  });

  it('records its figures', () => {
    const runs = figures(w => Object.values(w.runs));
    const creations = figures(w =>
      Object.values(w.creations).map(outcomes => outcomes.length),
    );
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'runs per application per wave',
      value: runs.value,
      guarantee: '1 run per application per wave',
      held: runs.held && waves.length === 2,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'broker-side creations per wave',
      value: creations.value,
      guarantee: '1 CreateTopics of the deleted topic per application',
      held: creations.held && waves.length === 2,
    });
    expect(waves).toHaveLength(2);
    expect(runs.held).toBe(true);
    expect(creations.held).toBe(true);
  });
});
