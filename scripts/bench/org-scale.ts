/* eslint-disable no-console */
// Benchmark of Kafka Hub's list, summary and search routes at the size of a
// whole organisation (see issue 9). Run from the repository root:
//
//   source scripts/toolchain.sh && node --expose-gc \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/org-scale.ts
//
// It starts a real backend in this process (packages/backend's org-scale
// harness: the real catalog and permission backends with the demo policy,
// and the Kafka Hub plugin), whose catalog holds BENCH_APPLICATIONS Kafka
// application entities (default 10,000: three small teams of
// BENCH_SMALL_TEAM applications each, the rest owned by one big team) and
// whose database holds as many applications, BENCH_CONSUMER_GROUPS consumer
// groups (default 10,000), BENCH_SUBJECTS schema subjects (default
// 5,000) and BENCH_TOPICS sampled topics (default 30,000). Then, as a member of a small team, of the big team and as an
// admin, it times every list, summary and search route over HTTP:
//   - cold: the first request of a user no request was made for before, so
//     nothing of theirs is cached (BENCH_COLD_SAMPLES users per route);
//   - warm: BENCH_WARM_SAMPLES requests of one user right after a first one.
//     Warm requests reuse Kafka Hub's briefly cached readable set
//     (kafkaHub.permissions.readableEntitiesCacheTtl), cold ones build it.
// Searches look for '99.' (the groups and subjects of 1% of the
// applications, in every team). Before anything is timed, one user of each
// caller kind asks every route once, to warm the process (not the caches).
// It prints a markdown table of p50 and p95 (nearest rank) with the rows
// the answer counts (`total`), the number of requests measured, the
// permission calls the Kafka Hub plugin made per request and the requests
// the catalog served meanwhile; then the process's RSS (the backend runs in
// it), and whether the non-admin targets hold (p95 <= 150 ms warm, <= 1 s
// cold). Nothing is asserted: the numbers are for the README.
//
// Env: BENCH_APPLICATIONS, BENCH_CONSUMER_GROUPS, BENCH_SUBJECTS,
// BENCH_TOPICS (default 3 per application),
// BENCH_SMALL_TEAM (applications of each small team; default 1% of the
// applications), BENCH_COLD_SAMPLES (default 10), BENCH_WARM_SAMPLES
// (default 50), BENCH_ENVIRONMENTS (default dev,stage), BENCH_DATABASE
// (postgres or sqlite; default postgres), BENCH_POSTGRES (default: the URL
// from scripts/services/postgres.sh; a scratch database is created on it
// and dropped at the end).
// A quick run: BENCH_APPLICATIONS=500 BENCH_CONSUMER_GROUPS=500 BENCH_SUBJECTS=250.

import { execSync } from 'child_process';
import { performance } from 'perf_hooks';
import {
  OrgScaleBackend,
  OrgScaleDatabase,
  startOrgScaleBackend,
} from '../../packages/backend/src/__testUtils__/orgScale';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 10_000);
const CONSUMER_GROUPS = Number(
  process.env.BENCH_CONSUMER_GROUPS ?? APPLICATIONS,
);
const SUBJECTS = Number(
  process.env.BENCH_SUBJECTS ?? Math.floor(APPLICATIONS / 2),
);
const TOPICS = Number(process.env.BENCH_TOPICS ?? APPLICATIONS * 3);
const SMALL_TEAM = Number(
  process.env.BENCH_SMALL_TEAM ?? Math.max(3, Math.round(APPLICATIONS / 100)),
);
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 10);
const WARM_SAMPLES = Number(process.env.BENCH_WARM_SAMPLES ?? 50);
const ENVIRONMENTS = (process.env.BENCH_ENVIRONMENTS ?? 'dev,stage').split(',');
const DATABASE: OrgScaleDatabase =
  (process.env.BENCH_DATABASE ?? 'postgres') === 'sqlite'
    ? { client: 'sqlite' }
    : {
        client: 'pg',
        connection:
          process.env.BENCH_POSTGRES ??
          execSync('bash scripts/services/postgres.sh url').toString().trim(),
      };

/**
 * Matches the groups and subjects of applications whose number ends in 99
 * (`app-00099.consumer-0`): 1% of them, in every team.
 */
const SEARCH = '99.';

const WARM_TARGET_MS = 150;
const COLD_TARGET_MS = 1000;

interface Route {
  name: string;
  /** The path for a caller of this team (the owner filter names it). */
  path: (team: string) => string;
}

const ROUTES: Route[] = [
  { name: 'GET /applications', path: () => '/applications' },
  {
    name: 'GET /applications?owner=',
    path: team => `/applications?owner=group:default/${team}`,
  },
  { name: 'GET /consumer-groups', path: () => '/consumer-groups' },
  {
    name: 'GET /consumer-groups?search=',
    path: () => `/consumer-groups?search=${SEARCH}`,
  },
  {
    name: 'GET /consumer-groups/summary',
    path: () => '/consumer-groups/summary',
  },
  { name: 'GET /schemas', path: () => '/schemas' },
  { name: 'GET /schemas?search=', path: () => `/schemas?search=${SEARCH}` },
  { name: 'GET /schemas/summary', path: () => '/schemas/summary' },
  { name: 'GET /topics', path: () => '/topics' },
  { name: 'GET /topics?search=', path: () => `/topics?search=${SEARCH}` },
  { name: 'GET /topics?drift=true', path: () => '/topics?drift=true' },
];

interface Role {
  name: string;
  /** The team the owner filter names. */
  team: string;
  admin: boolean;
  users: string[];
}

interface Sample {
  ms: number;
  status: number;
  /** Rows in the answer: `total` of a page, items of a list, groups of a summary. */
  rows?: number;
  /** Kafka Hub's permission calls for this request, e.g. "1 authorizeConditional". */
  permissionCalls: string;
  /** Requests the catalog served meanwhile (Kafka Hub's reads of readable entities). */
  catalogRequests: number;
}

const log = (line: string) => console.log(`[bench] ${line}`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Nearest-rank percentile. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function rowsOf(body: any): number | undefined {
  if (Array.isArray(body)) return body.length;
  if (typeof body?.total === 'number') return body.total;
  if (Array.isArray(body?.items)) return body.items.length;
  return undefined;
}

function describeCalls(org: OrgScaleBackend): string {
  const parts: string[] = [];
  for (const kind of ['authorize', 'authorizeConditional'] as const) {
    const calls = org.permissionCalls.count({ plugin: 'kafka-hub', kind });
    if (calls > 0) {
      const items = org.permissionCalls.items({ plugin: 'kafka-hub', kind });
      parts.push(
        `${calls} ${kind}${items !== calls ? ` (${items} items)` : ''}`,
      );
    }
  }
  return parts.join(' + ') || 'none';
}

async function timed(
  org: OrgScaleBackend,
  path: string,
  as: string,
): Promise<Sample> {
  org.permissionCalls.reset();
  org.catalogRequests.length = 0;
  const start = performance.now();
  const res = await org.get(`/api/kafka-hub${path}`, { as });
  const ms = performance.now() - start;
  return {
    ms,
    status: res.status,
    rows: res.status === 200 ? rowsOf(res.body) : undefined,
    permissionCalls: describeCalls(org),
    catalogRequests: org.catalogRequests.length,
  };
}

interface Result {
  route: string;
  role: string;
  admin: boolean;
  cold: Sample[];
  warm: Sample[];
}

async function measure(org: OrgScaleBackend, roles: Role[]) {
  const results: Result[] = [];
  let peakRss = process.memoryUsage().rss;
  // Warms the process (JIT, connection pools, query plans), not the caches
  // measured: each caller kind's last user asks every route once, untimed.
  for (const role of roles) {
    for (const route of ROUTES) {
      await timed(
        org,
        route.path(role.team),
        role.users[role.users.length - 1],
      );
    }
  }
  for (const role of roles) {
    // Users never used before, one per cold sample of each route; the last
    // one of these makes the warm requests.
    const fresh = role.users.slice(0, -1);
    const nextUser = () => {
      const user = fresh.shift();
      if (!user) throw new Error(`${role.name}: out of fresh users`);
      return user;
    };
    for (const route of ROUTES) {
      const path = route.path(role.team);
      const cold: Sample[] = [];
      for (let i = 0; i < COLD_SAMPLES; i++) {
        cold.push(await timed(org, path, nextUser()));
      }
      const warmUser = nextUser();
      await timed(org, path, warmUser);
      const warm: Sample[] = [];
      for (let i = 0; i < WARM_SAMPLES; i++) {
        warm.push(await timed(org, path, warmUser));
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      results.push({
        route: route.name,
        role: role.name,
        admin: role.admin,
        cold,
        warm,
      });
      log(
        `${role.name} ${route.name}: cold p95 ${percentile(
          cold.map(s => s.ms),
          0.95,
        ).toFixed(0)} ms, warm p95 ${percentile(
          warm.map(s => s.ms),
          0.95,
        ).toFixed(0)} ms, HTTP ${[
          ...new Set([...cold, ...warm].map(s => s.status)),
        ].join('/')}`,
      );
    }
  }
  return { results, peakRss };
}

function table(results: Result[]): string {
  const ms = (samples: Sample[], q: number) =>
    percentile(
      samples.map(s => s.ms),
      q,
    ).toFixed(0);
  const lines = [
    '| route | caller | rows | cold p50 | cold p95 | warm p50 | warm p95 | requests (cold + warm) | HTTP | permission calls per request | catalog requests (cold / warm) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  for (const r of results) {
    const all = [...r.cold, ...r.warm];
    const statuses = [...new Set(all.map(s => s.status))].join('/');
    const calls = [...new Set(all.map(s => s.permissionCalls))].join('; ');
    const rows = [...new Set(all.map(s => s.rows ?? '-'))].join('/');
    const catalog = (samples: Sample[]) =>
      [...new Set(samples.map(s => s.catalogRequests))].join('/');
    lines.push(
      `| ${r.route} | ${r.role} | ${rows} | ${ms(r.cold, 0.5)} ms | ${ms(
        r.cold,
        0.95,
      )} ms | ${ms(r.warm, 0.5)} ms | ${ms(r.warm, 0.95)} ms | ${
        r.cold.length
      } + ${r.warm.length} | ${statuses} | ${calls} | ${catalog(
        r.cold,
      )} / ${catalog(r.warm)} |`,
    );
  }
  return lines.join('\n');
}

function verdict(results: Result[]): string[] {
  const misses: string[] = [];
  for (const r of results.filter(x => !x.admin)) {
    const warm = percentile(
      r.warm.map(s => s.ms),
      0.95,
    );
    const cold = percentile(
      r.cold.map(s => s.ms),
      0.95,
    );
    const failed = [...r.cold, ...r.warm].filter(s => s.status !== 200);
    if (failed.length > 0) {
      misses.push(
        `${r.role} ${r.route}: ${failed.length} answers were not 200`,
      );
    }
    if (warm > WARM_TARGET_MS) {
      misses.push(
        `${r.role} ${r.route}: warm p95 ${warm.toFixed(
          0,
        )} ms > ${WARM_TARGET_MS} ms`,
      );
    }
    if (cold > COLD_TARGET_MS) {
      misses.push(
        `${r.role} ${r.route}: cold p95 ${cold.toFixed(
          0,
        )} ms > ${COLD_TARGET_MS} ms`,
      );
    }
  }
  return misses;
}

async function main() {
  const usersPerTeam = ROUTES.length * (COLD_SAMPLES + 1) + 1;
  log(
    `starting: ${APPLICATIONS} applications (small teams ${SMALL_TEAM} each), ${CONSUMER_GROUPS} consumer groups, ${SUBJECTS} subjects, ${TOPICS} topics, environments ${ENVIRONMENTS.join(
      ',',
    )}, ${usersPerTeam} users per team, database ${DATABASE.client}`,
  );
  const org = await startOrgScaleBackend({
    applications: APPLICATIONS,
    consumerGroups: CONSUMER_GROUPS,
    subjects: SUBJECTS,
    topics: TOPICS,
    smallTeamApplications: SMALL_TEAM,
    usersPerTeam,
    environments: ENVIRONMENTS,
    database: DATABASE,
    log,
  });
  try {
    (global as any).gc?.();
    const seededRss = process.memoryUsage().rss;
    log(`RSS after start-up and seeding: ${mb(seededRss)}`);
    const small = org.team('team-a');
    const big = org.team('team-big');
    const roles: Role[] = [
      {
        name: `small team (${small.applications.length} apps)`,
        team: small.name,
        admin: false,
        users: small.users,
      },
      {
        name: `big team (${big.applications.length} apps)`,
        team: big.name,
        admin: false,
        users: big.users,
      },
      { name: 'admin', team: big.name, admin: true, users: org.admins },
    ];
    const { results, peakRss } = await measure(org, roles);
    (global as any).gc?.();
    const after = process.memoryUsage();

    console.log();
    console.log(
      `Org scale: ${APPLICATIONS.toLocaleString(
        'en-US',
      )} Kafka application entities, ${CONSUMER_GROUPS.toLocaleString(
        'en-US',
      )} consumer groups, ${SUBJECTS.toLocaleString('en-US')} subjects, ${
        ENVIRONMENTS.length
      } environments, ${
        DATABASE.client === 'pg' ? 'PostgreSQL' : 'SQLite'
      }, Node ${process.version}`,
    );
    console.log();
    console.log(table(results));
    console.log();
    console.log(
      `Backend process RSS: ${mb(seededRss)} after start-up and seeding, ${mb(
        peakRss,
      )} peak during the requests, ${mb(after.rss)} at the end (heap used ${mb(
        after.heapUsed,
      )} after GC).`,
    );
    const misses = verdict(results);
    console.log(
      misses.length === 0
        ? `Targets met: non-admin p95 <= ${WARM_TARGET_MS} ms warm and <= ${COLD_TARGET_MS} ms cold on every route.`
        : `Targets missed:\n${misses.map(m => `- ${m}`).join('\n')}`,
    );
  } finally {
    const t0 = Date.now();
    await org.stop();
    log(
      `stopped the backend and dropped its databases in ${Date.now() - t0} ms`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
