import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ClaimSet } from '../claims';
import { migrationsDir } from '../database/migrations';
import {
  MAX_SUBJECT_BYTES,
  SchemaStore,
} from '../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../schemaRegistry';
import {
  gate,
  RegistryFault,
  registryFaultProxy,
  RegistryFaultProxy,
  requestsTo,
} from '../schemaRegistry/__testUtils__/registryFaultProxy';
import { RegistryFixtures } from '../schemaRegistry/__testUtils__/registryFixtures';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { SchemaSync } from './SchemaSync';

jest.setTimeout(180_000);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const avro = (name: string, fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.acme',
    fields: fields.map(f => ({
      name: f,
      type: ['null', 'string'],
      default: null,
    })),
  });

/** Every stored row, keyed, to tell which ones a run lost or changed. */
async function storedRows(knex: Knex) {
  const schemas: Array<{ subject: string; status: string }> = await knex(
    'kafka_hub_schemas',
  ).select('subject', 'status');
  const versions: Array<{ subject: string; version: number | string }> =
    await knex('kafka_hub_schema_versions').select('subject', 'version');
  return {
    statuses: Object.fromEntries(schemas.map(r => [r.subject, r.status])),
    versions: versions.map(r => `${r.subject}@${Number(r.version)}`).sort(),
  };
}

/** The registry's faults, each with what the recorded error must say. */
const FAULTS: Array<[name: string, fault: RegistryFault, error: RegExp]> = [
  [
    'a 500',
    { kind: 'error', status: 500 },
    /HTTP 500 from .*Internal Server Error/,
  ],
  ['a hang past the timeout', { kind: 'hang' }, /No answer within 1500 ms/],
  ['a reset connection', { kind: 'reset' }, /fetch failed/],
  [
    'an HTML page',
    {
      kind: 'garbage',
      contentType: 'text/html',
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    },
    /Malformed JSON from .*<html>/,
  ],
  [
    'truncated JSON',
    { kind: 'garbage', body: '["orders-value", "paym' },
    /Malformed JSON from /,
  ],
  [
    'JSON of the wrong types',
    { kind: 'garbage', body: '{"subjects":["1","2"]}' },
    /Malformed answer from .*expected an array/,
  ],
  [
    "a proxy's 404 page",
    { kind: 'error', status: 404, body: '<html>Not Found</html>' },
    /HTTP 404 from /,
  ],
];

describe('SchemaSync against a misbehaving registry (real Apicurio behind a fault proxy)', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const cleanUps: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      timeoutMs?: number;
      retries?: number;
      concurrency?: number;
      batchSize?: number;
      extraSubjects?: () => string[];
    } = {},
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    cleanUps.push(() => knex.destroy());
    const fixtures = new RegistryFixtures(testServices.registryUrl);
    cleanUps.push(() => fixtures.cleanUp());
    const proxy: RegistryFaultProxy = await registryFaultProxy(
      testServices.registryUrl,
      {
        onlySubjects: s => fixtures.owns(s),
        extraSubjects: options.extraSubjects,
      },
    );
    cleanUps.push(() => proxy.close());
    const store = new SchemaStore(knex);
    const s = fixtures.suffix;
    const subjects = [
      `faults-${s}.a-value`,
      `faults-${s}.b-value`,
      `faults-${s}.c-value`,
      `faults-${s}.d-value`,
      `faults-${s}.gone-value`,
    ];
    for (const subject of subjects) {
      await fixtures.register(subject, avro('R', ['one']));
    }
    const sync = (signal?: AbortSignal) =>
      new SchemaSync({
        environment: 'dev',
        client: new SchemaRegistryClient(
          { url: proxy.url, timeoutMs: options.timeoutMs ?? 1500 },
          { retries: options.retries ?? 1, retryDelayMs: 10 },
        ),
        store,
        claims: async () => new ClaimSet([], []),
        logger: mockServices.logger.mock(),
        concurrency: options.concurrency ?? 2,
        subjectListingLimit: 1000,
        batchSize: options.batchSize ?? 2,
      }).run(signal);
    return { knex, fixtures, proxy, store, subjects, sync };
  }

  it.each(databases.eachSupportedId())(
    'loses no row, marks nothing stale wrongly, records what failed and converges on %p',
    async databaseId => {
      const { knex, fixtures, proxy, store, subjects, sync } = await setup(
        databaseId,
      );
      const [a, b, , , gone] = subjects;
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      const before = await storedRows(knex);
      expect(before.versions).toHaveLength(subjects.length);

      // Since then: a new version of b, and one subject really gone.
      await fixtures.register(b, avro('R', ['one', 'two']));
      await fixtures.deleteSubject(gone);
      await fixtures.deleteSubject(gone, true);

      const report: string[] = [];
      for (const [name, fault, error] of FAULTS) {
        for (const [target, matches] of [
          ['the listing', requestsTo.listing],
          [`${a}'s versions`, requestsTo.versionsOf(a)],
        ] as const) {
          proxy.reset();
          proxy.on(matches, fault);
          const run = await sync();
          const after = await storedRows(knex);
          const lost = before.versions.filter(v => !after.versions.includes(v));
          const wronglyStale = Object.entries(after.statuses)
            .filter(([, status]) => status === 'stale')
            .map(([subject]) => subject);
          report.push(`${name} on ${target}: ${run.status}`);
          // The error names what failed (the call's path) and how.
          const names = (start: string, path: string) =>
            expect.stringMatching(
              new RegExp(
                `^(?=${escape(start)})(?=.*${escape(path)})(?=.*${
                  error.source
                })`,
                's',
              ),
            );
          const expected =
            target === 'the listing'
              ? {
                  status: 'failed',
                  error: names('Listing failed: ', '/subjects'),
                  fetchedVersions: 0,
                }
              : {
                  status: 'partial',
                  failedSubjects: 1,
                  error: names(
                    `1 of 4 subjects could not be read, nothing was marked stale: "${a}": `,
                    `/subjects/${encodeURIComponent(a)}/versions`,
                  ),
                };
          expect({ fault: name, target, run, lost, wronglyStale }).toEqual({
            fault: name,
            target,
            run: expect.objectContaining({ ...expected, staleMarked: 0 }),
            lost: [],
            wronglyStale: [],
          });
          expect((await store.getSyncRuns())[0].error).toBe(run.error);
        }
      }
      expect(report).toHaveLength(FAULTS.length * 2);

      // The registry behaves again: the next run converges.
      proxy.reset();
      const good = await sync();
      expect(good).toMatchObject({
        status: 'succeeded',
        subjects: 4,
        staleMarked: 1,
      });
      const converged = await storedRows(knex);
      expect(converged.versions).toEqual([...before.versions, `${b}@2`].sort());
      expect(converged.statuses).toEqual({
        ...Object.fromEntries(subjects.map(s => [s, 'registered'])),
        [gone]: 'stale',
      });
      expect((await store.getSyncRuns())[0]).toMatchObject({
        status: 'succeeded',
        lastSuccessAt: good.startedAt.toISOString(),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'stops at the abort signal mid-run: the call in flight is cancelled, no call follows, nothing is marked stale on %p',
    async databaseId => {
      const { knex, fixtures, proxy, store, subjects, sync } = await setup(
        databaseId,
        // Only the signal can end the held call: no timeout, one at a time.
        { timeoutMs: 600_000, retries: 3, concurrency: 1, batchSize: 2 },
      );
      const [a, b, c, d, gone] = subjects;
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      for (const subject of [a, b, c, d]) {
        await fixtures.register(subject, avro('R', ['one', 'two']));
      }
      await fixtures.deleteSubject(gone);
      await fixtures.deleteSubject(gone, true);
      const before = await storedRows(knex);

      // The run reads a and b (the first batch), then c is held.
      const held = gate();
      cleanUps.push(() => held.release());
      proxy.on(requestsTo.versionsOf(c), { kind: 'hold', gate: held }, 1);
      const controller = new AbortController();
      const running = sync(controller.signal);
      await held.arrived;
      const sentBeforeAbort = proxy.requests.length;
      controller.abort();
      const run = await running;

      expect(proxy.requests.length).toBe(sentBeforeAbort);
      expect(run).toMatchObject({
        status: 'partial',
        staleMarked: 0,
        failedSubjects: 0,
        fetchedVersions: 2,
      });
      expect(run.error).toMatch(
        /^Aborted after 2 of 4 subjects were read: the scheduler cancelled the run .* nothing was marked stale$/,
      );
      expect((await store.getSyncRuns())[0]).toMatchObject({
        status: 'partial',
        error: run.error,
      });
      // a and b were read whole and are written whole; c and d untouched;
      // the gone subject is not marked stale by a run that stopped early.
      const after = await storedRows(knex);
      expect(after.versions).toEqual(
        [...before.versions, `${a}@2`, `${b}@2`].sort(),
      );
      expect(after.statuses[gone]).toBe('registered');

      // The next run converges.
      held.release();
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 2,
        staleMarked: 1,
      });
      expect((await storedRows(knex)).versions).toEqual(
        [...before.versions, `${a}@2`, `${b}@2`, `${c}@2`, `${d}@2`].sort(),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'stores a 600-character subject and refuses a 3000-character one by itself on %p',
    async databaseId => {
      // Apicurio refuses subjects over 512 characters: the proxy serves
      // these two as a Confluent registry would.
      const long: string[] = [];
      const { knex, fixtures, proxy, store, subjects, sync } = await setup(
        databaseId,
        { extraSubjects: () => long },
      );
      const [, , , , gone] = subjects;
      const s = fixtures.suffix;
      const ofLength = (length: number, fill: string) => {
        const prefix = `long-${s}.`;
        return `${prefix}${fill.repeat(length - prefix.length - 6)}-value`;
      };
      const long600 = ofLength(600, 'x');
      const long3000 = ofLength(3000, 'y');
      expect([long600.length, long3000.length]).toEqual([600, 3000]);
      long.push(long600, long3000);
      for (const subject of long) {
        const at = (path: string) => (r: { path: string; subject?: string }) =>
          r.subject === subject && r.path.includes(path);
        proxy.on(at('/versions/1'), {
          kind: 'json',
          body: { subject, version: 1, id: 424242, schema: '"string"' },
        });
        proxy.on(at('/versions?'), { kind: 'json', body: [1] });
        proxy.on(r => r.subject === subject && r.path.endsWith('/versions'), {
          kind: 'json',
          body: [1],
        });
        proxy.on(at('/config/'), {
          kind: 'json',
          body: { compatibilityLevel: 'BACKWARD' },
        });
      }
      await fixtures.deleteSubject(gone);
      await fixtures.deleteSubject(gone, true);

      const run = await sync();
      expect(run).toMatchObject({
        status: 'partial',
        subjects: 6,
        failedSubjects: 1,
        // The gone subject was never stored: nothing to mark.
        staleMarked: 0,
      });
      expect(run.error).toBe(
        `1 subject not synced, longer than the ${MAX_SUBJECT_BYTES} bytes (UTF-8) Kafka Hub stores: "${long3000.slice(
          0,
          60,
        )}…${long3000.slice(-20)}" (${long3000.length} characters, ${
          long3000.length
        } bytes)`,
      );
      // Refused before any call: the registry was never asked about it.
      expect(proxy.requests.filter(r => r.subject === long3000)).toEqual([]);
      expect(await store.getSubject('dev', long600)).toMatchObject({
        subject: long600,
        status: 'registered',
        latestVersion: 1,
        latestGlobalId: 424242,
        compatibility: 'BACKWARD',
        // Longer than any Kafka topic name: no topic.
        topic: undefined,
      });
      expect(await store.getSubject('dev', long3000)).toBeUndefined();
      const rows = await storedRows(knex);
      expect(Object.keys(rows.statuses).sort()).toEqual(
        [...subjects.slice(0, 4), long600].sort(),
      );
      expect(Object.values(rows.statuses)).toEqual(Array(5).fill('registered'));

      // The others go on syncing normally: a subject gone since is marked
      // stale, the refusal is recorded again, the long subject is kept.
      const [a] = subjects;
      await fixtures.deleteSubject(a);
      await fixtures.deleteSubject(a, true);
      const next = await sync();
      expect(next).toMatchObject({
        status: 'partial',
        failedSubjects: 1,
        staleMarked: 1,
        fetchedVersions: 0,
      });
      expect(next.error).toBe(run.error);
      const after = await storedRows(knex);
      expect(after.statuses[a]).toBe('stale');
      expect(after.statuses[long600]).toBe('registered');
      expect(after.versions).toContain(`${long600}@1`);
    },
  );
});
