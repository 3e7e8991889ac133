/* eslint-disable no-console */
// Benchmark of the schema sync against the local Apicurio and PostgreSQL
// (issue 4). Run from the repository root:
//
//   source scripts/toolchain.sh && node --expose-gc \
//     --require @backstage/cli/config/nodeTransform.cjs \
//     plugins/kafka-hub-backend/src/schemas/bench/schemaSyncBenchmark.ts
//
// It registers BENCH_SUBJECTS subjects of BENCH_VERSIONS Avro versions each
// (default 1,000 x 3) under a unique prefix, syncs the whole registry into a
// scratch PostgreSQL database twice and prints, for the initial sync and for
// the re-sync without changes: wall time, HTTP calls (and how many fetched a
// schema body), and how much RSS and heap grew above the idle process.
// Everything it creates (subjects, database) is deleted at the end.
//
// Apicurio lists at most 1,000 subjects (apicurio.ccompat.max-subjects): with
// other subjects in the registry the benchmark stops before registering
// anything unless BENCH_SUBJECTS leaves room for them.
//
// Env: BENCH_SUBJECTS, BENCH_VERSIONS, BENCH_CONCURRENCY (default 8, the
// sync's registry calls in flight), BENCH_REGISTRY (default the local
// Apicurio), BENCH_POSTGRES (default: the URL from scripts/services/postgres.sh),
// BENCH_LISTING_LIMIT (default 1000).

import { execSync } from 'child_process';
import { randomBytes } from 'crypto';
import knexFactory from 'knex';
import { ClaimSet } from '../../claims';
import { mapWithConcurrency } from '../../concurrency/mapWithConcurrency';
import { migrationsDir } from '../../database/migrations';
import { SchemaStore } from '../../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../../schemaRegistry';
import { SchemaSync } from '../SchemaSync';

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 1000);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LISTING_LIMIT = Number(process.env.BENCH_LISTING_LIMIT ?? 1000);
const REGISTRY =
  process.env.BENCH_REGISTRY ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const POSTGRES =
  process.env.BENCH_POSTGRES ??
  execSync('bash scripts/services/postgres.sh url').toString().trim();

const suffix = randomBytes(3).toString('hex');
const subjectOf = (i: number) =>
  `khbench-${suffix}.t${String(i).padStart(4, '0')}-value`;

const silentLogger: any = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const log = (line: string) => console.log(`[bench] ${line}`);

async function registry(method: string, path: string, body?: unknown) {
  const response = await fetch(`${REGISTRY}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 404) {
    throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

function schemaOf(i: number, version: number): string {
  const fields = [{ name: 'id', type: 'string' }];
  for (let v = 2; v <= version; v++) {
    fields.push({
      name: `field${v}`,
      type: ['null', 'string'],
      default: null,
    } as any);
  }
  return JSON.stringify({
    type: 'record',
    name: `Bench${i}`,
    namespace: `com.acme.bench${suffix}`,
    fields,
  });
}

/** Samples RSS and heap every 20 ms; returns the peaks above the baseline. */
function memoryPeaks() {
  (global as any).gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 20);
  return () => {
    clearInterval(timer);
    return { rss: rss - base.rss, heap: heap - base.heapUsed };
  };
}

async function main() {
  const existing: string[] = await registry('GET', '/subjects?deleted=true');
  if (existing.length + SUBJECTS > LISTING_LIMIT) {
    log(
      `the registry holds ${
        existing.length
      } subjects; with ${SUBJECTS} more its listing of at most ${LISTING_LIMIT} would be cut off. Set BENCH_SUBJECTS=${Math.max(
        0,
        LISTING_LIMIT - existing.length,
      )} or raise apicurio.ccompat.max-subjects.`,
    );
    process.exitCode = 2;
    return;
  }

  const database = `khbench_schemas_${suffix}`;
  const root = knexFactory({ client: 'pg', connection: POSTGRES });
  await root.raw(`CREATE DATABASE ${database}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 5 },
  });
  const subjects = Array.from({ length: SUBJECTS }, (_, i) => subjectOf(i));
  try {
    await knex.migrate.latest({ directory: migrationsDir });

    let t0 = Date.now();
    await mapWithConcurrency(subjects, 16, async (subject, i) => {
      for (let v = 1; v <= VERSIONS; v++) {
        await registry(
          'POST',
          `/subjects/${encodeURIComponent(subject)}/versions`,
          { schema: schemaOf(i, v) },
        );
      }
    });
    log(
      `registered ${SUBJECTS} subjects x ${VERSIONS} versions in ${seconds(
        Date.now() - t0,
      )} (registry had ${existing.length} other subjects)`,
    );

    const calls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      calls.push(String(input).slice(REGISTRY.length));
      return fetch(input, init);
    };
    const store = new SchemaStore(knex);
    const sync = new SchemaSync({
      environment: 'bench',
      client: new SchemaRegistryClient(
        { url: REGISTRY, timeoutMs: 10_000 },
        { fetch: countingFetch, retries: 2 },
      ),
      store,
      claims: async () => new ClaimSet([], []),
      logger: silentLogger,
      concurrency: CONCURRENCY,
      subjectListingLimit: LISTING_LIMIT,
    });

    for (const label of ['initial sync', 'no-change re-sync']) {
      calls.length = 0;
      const peaks = memoryPeaks();
      t0 = Date.now();
      const run = await sync.run();
      const wall = Date.now() - t0;
      const peak = peaks();
      const bodies = calls.filter(c =>
        /^\/subjects\/[^/?]+\/versions\/\d+/.test(c),
      ).length;
      log(
        `${label}: ${seconds(wall)}, status ${run.status}, ${
          run.subjects
        } subjects, ${run.fetchedVersions} versions fetched, ${
          calls.length
        } HTTP calls (${bodies} schema bodies), RSS +${mb(
          peak.rss,
        )}, heap +${mb(peak.heap)}${run.error ? `, error: ${run.error}` : ''}`,
      );
    }
    const [{ n }] = await knex('kafka_hub_schema_versions').count({ n: '*' });
    log(`stored versions: ${n}`);
  } finally {
    const t0 = Date.now();
    await mapWithConcurrency(subjects, 16, async subject => {
      const path = `/subjects/${encodeURIComponent(subject)}`;
      await registry('DELETE', path);
      await registry('DELETE', `${path}?permanent=true`);
    });
    log(`deleted the benchmark's subjects in ${seconds(Date.now() - t0)}`);
    await knex.destroy();
    await root.raw(`DROP DATABASE IF EXISTS ${database}`);
    await root.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
