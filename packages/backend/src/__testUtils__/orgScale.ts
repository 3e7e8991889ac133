/*
 * Org-scale test backend: a real Backstage backend, in this process, with
 * the REAL catalog backend, the REAL permission backend (with the demo
 * policy, or one the caller gives) and the Kafka Hub backend plugin, its
 * catalog holding a whole organisation of Kafka applications and its
 * Kafka Hub database holding their applications, consumer groups and
 * schema subjects. Used by the org-scale integration tests and by
 * scripts/bench/org-scale.ts.
 *
 * API
 *
 *   const org = await startOrgScaleBackend({
 *     applications: 1500,          // Kafka application entities (Components)
 *     consumerGroups: 1500,        // rows in kafka_hub_consumer_groups (+ latest lag)
 *     subjects: 750,               // rows in kafka_hub_schemas (+ one version each)
 *     topics: 1500,                // rows in kafka_hub_topics (default: one per application)
 *     database: { client: 'sqlite' } | { client: 'pg', connection: 'postgresql://...' },
 *               // orgScaleDatabases() lists those of the test environment
 *     // optional:
 *     smallTeamApplications: 15,   // applications of each small team (default max(3, N/100))
 *     usersPerTeam: 1,             // members of each team and of the admin group
 *     environments: ['dev'],       // Kafka Hub environments (brokers 127.0.0.1:9092)
 *     policy: ({ userInfo, adminGroups }) => new MyPolicy(...), // default: the demo policy module
 *     features: [...],             // extra backend features (e.g. a catalog module adding a permission rule)
 *     config: {...},               // deep-merged over the harness's config
 *     log: line => console.log(line),
 *   });
 *
 * Teams: `org.teams` lists team-a, team-b, team-c (small) and team-big (the
 * rest of the applications), each `{ name, groupRef, users, applications }`
 * (application entity refs, sorted). `org.admins` are members of
 * group:default/kafka-platform (the demo policy's admin group);
 * `org.outsider` is a user in no group. Entity i is
 * `component:default/app-<i, 5 digits>`, slug `app-<i>`, owned by its team;
 * consumer group k is `<slug of app k % N>.consumer-<k div N>` (linked by
 * prefix), subject k is `<slug of app k % N>.events-<k div N>-value` (topic
 * `<slug>.events-<k div N>`, role value), in environment k % environments.
 * `org.applicationOf(i)` gives `{ entityRef, slug, team }`.
 *
 * Requests: `org.get(path, { as })` sends GET `path` (from the server root,
 * e.g. `/api/kafka-hub/applications`) as a user entity ref (a mock user
 * token; `as: 'service'` sends a service token) and resolves to
 * `{ status, body }` (body parsed when JSON). `org.baseUrl` and
 * `org.authorization(as)` are there for other clients.
 *
 * Identity: the userInfo service gives every user ownershipEntityRefs = the
 * user ref plus the groups of its memberOf relations, read from the catalog
 * once the catalog has processed the users (as a sign-in resolver puts them
 * in the token).
 *
 * Permission calls: `org.permissionCalls` records every call a plugin makes
 * through the permissions service (`authorize` or `authorizeConditional`,
 * with its items), marking the ones that reach the permission backend
 * (calls on behalf of users; service principals are decided locally).
 * `reset()`, then `count({ plugin: 'kafka-hub', kind: 'authorizeConditional' })`,
 * `calls` for everything.
 *
 * `org.catalogRequests` lists `METHOD /path` of each request the catalog
 * served, from any caller (empty it with `length = 0`).
 *
 * Scheduled tasks never run by themselves (the scheduler is the mock one,
 * without its run-on-startup), so the broker is never touched and the
 * seeded rows stay as written; `org.triggerTask(id)` runs one on demand.
 * `org.kafkaHubDatabase` is the Kafka Hub plugin's own Knex client.
 * `org.stop()` stops the backend and drops the scratch PostgreSQL database.
 */

import {
  AuthService,
  BackendFeature,
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
  DatabaseService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject, JsonValue } from '@backstage/config';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ServerPermissionClient } from '@backstage/plugin-permission-node';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { randomBytes } from 'crypto';
import knexFactory from 'knex';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import kafkaHubPlugin from '@kafka-hub/backstage-plugin-kafka-hub-backend';
import { kafkaHubDemoPolicyModule } from '../permissions/module';

/** Where the backend keeps its plugins' databases. */
export type OrgScaleDatabase =
  | { client: 'sqlite' }
  | {
      client: 'pg';
      /** Server URL; a scratch database is created on it and dropped by stop(). */
      connection: string;
    };

/**
 * The databases a test runs the harness on, for `describe.each`: SQLite
 * always, PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * names a server (required when KAFKA_HUB_REQUIRE_POSTGRES=true).
 */
export function orgScaleDatabases(): Array<[string, OrgScaleDatabase]> {
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!postgres && process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true') {
    throw new Error(
      'KAFKA_HUB_REQUIRE_POSTGRES=true but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
    );
  }
  return [
    ['SQLite', { client: 'sqlite' }],
    ...(postgres
      ? [
          ['PostgreSQL', { client: 'pg', connection: postgres }] as [
            string,
            OrgScaleDatabase,
          ],
        ]
      : []),
  ];
}

export interface OrgScaleOptions {
  /** Kafka application entities in the catalog, and their application rows. */
  applications: number;
  /** Consumer groups, spread over the applications. Default: `applications`. */
  consumerGroups?: number;
  /** Schema subjects, spread over the applications. Default: `applications / 2`. */
  subjects?: number;
  /**
   * Sampled topics, spread over the applications (`<slug>.topic-<i>`); every
   * 10th is stored as undeclared drift. Default: `applications`.
   */
  topics?: number;
  database: OrgScaleDatabase;
  /** Applications of each of the three small teams. Default: max(3, N / 100). */
  smallTeamApplications?: number;
  /** Users in each team and in the admin group. Default: 1. */
  usersPerTeam?: number;
  /** Kafka Hub environment names. Default: `['dev']`. */
  environments?: string[];
  /** Replaces the demo policy. */
  policy?: (deps: {
    userInfo: UserInfoService;
    adminGroups: string[];
  }) => PermissionPolicy;
  /** Added to the backend (e.g. a catalog module with a custom permission rule). */
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  /** Deep-merged over the harness's root config. */
  config?: JsonObject;
  /** How long to wait for the catalog to process everything. Default: 10 minutes. */
  catalogTimeoutMs?: number;
  /** Progress lines (seeding, catalog processing). */
  log?: (line: string) => void;
}

export interface OrgScaleTeam {
  name: string;
  groupRef: string;
  /** User entity refs of its members. */
  users: string[];
  /** Entity refs of the applications it owns, sorted. */
  applications: string[];
}

export interface OrgScaleApplication {
  entityRef: string;
  slug: string;
  team: string;
}

export type PermissionCallKind = 'authorize' | 'authorizeConditional';

export interface PermissionCall {
  /** Plugin that called the permissions service. */
  plugin: string;
  kind: PermissionCallKind;
  /** Permission name and resource ref of each item. */
  items: Array<{ permission: string; resourceRef?: string }>;
  /** False when decided without the permission backend (service principals). */
  reachedPermissionBackend: boolean;
}

/** Every call made through the permissions service since the last reset. */
export class PermissionCallLog {
  readonly calls: PermissionCall[] = [];

  reset(): void {
    this.calls.length = 0;
  }

  /** Calls that reached the permission backend, optionally of one plugin and kind. */
  count(filter: { plugin?: string; kind?: PermissionCallKind } = {}): number {
    return this.matching(filter).length;
  }

  /** Items of the matching calls that reached the permission backend. */
  items(filter: { plugin?: string; kind?: PermissionCallKind } = {}): number {
    return this.matching(filter).reduce((n, c) => n + c.items.length, 0);
  }

  private matching(filter: { plugin?: string; kind?: PermissionCallKind }) {
    return this.calls.filter(
      c =>
        c.reachedPermissionBackend &&
        (filter.plugin === undefined || c.plugin === filter.plugin) &&
        (filter.kind === undefined || c.kind === filter.kind),
    );
  }
}

export interface OrgScaleResponse {
  status: number;
  body: any;
}

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

export interface OrgScaleBackend {
  baseUrl: string;
  teams: OrgScaleTeam[];
  /** Members of group:default/kafka-platform. */
  admins: string[];
  adminGroupRef: string;
  /** A user in no group. */
  outsider: string;
  applicationOf(index: number): OrgScaleApplication;
  team(name: string): OrgScaleTeam;
  permissionCalls: PermissionCallLog;
  /** `METHOD /path` of every request the catalog served (empty it to reset). */
  catalogRequests: string[];
  /** The Authorization header of a user entity ref, or of a service. */
  authorization(as: string): string;
  get(path: string, options: { as: string }): Promise<OrgScaleResponse>;
  kafkaHubDatabase: Knex;
  triggerTask(id: string): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN_GROUP_REF = 'group:default/kafka-platform';
const SMALL_TEAMS = ['team-a', 'team-b', 'team-c'];
const BIG_TEAM = 'team-big';
const LOCATION = 'org-scale-harness:generated';

const pad = (i: number) => String(i).padStart(5, '0');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Rows per INSERT: under SQLite's bound-variable limit for the widest row. */
const INSERT_CHUNK = 50;

/**
 * The userInfo service: a user owns through itself and its groups (memberOf),
 * as read from the catalog once it has processed the users, the way a
 * sign-in resolver puts them into the user's token.
 */
class MembershipDirectory implements UserInfoService {
  private readonly groupsOf = new Map<string, string[]>();

  async load(get: OrgScaleBackend['get']) {
    let cursor: string | undefined;
    do {
      const query = cursor
        ? `cursor=${encodeURIComponent(cursor)}`
        : `filter=kind=user&limit=500`;
      const res = await get(
        `/api/catalog/entities/by-query?${query}&fields=metadata.name,metadata.namespace,relations`,
        { as: 'service' },
      );
      if (res.status !== 200) {
        throw new Error(`reading users from the catalog: HTTP ${res.status}`);
      }
      for (const user of res.body.items as Entity[]) {
        const ref = `user:${user.metadata.namespace ?? 'default'}/${
          user.metadata.name
        }`.toLocaleLowerCase('en-US');
        this.groupsOf.set(
          ref,
          (user.relations ?? [])
            .filter(r => r.type === 'memberOf')
            .map(r => r.targetRef),
        );
      }
      cursor = res.body.pageInfo?.nextCursor;
    } while (cursor);
  }

  async getUserInfo(credentials: BackstageCredentials) {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) {
      throw new Error(`No user info for a ${principal.type} principal`);
    }
    const ref = principal.userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [
        ref,
        ...(this.groupsOf.get(ref.toLocaleLowerCase('en-US')) ?? []),
      ],
    };
  }
}

/** Starts the backend, seeds the catalog and the database, waits for the catalog. */
export async function startOrgScaleBackend(
  options: OrgScaleOptions,
): Promise<OrgScaleBackend> {
  const log = options.log ?? (() => {});
  const n = options.applications;
  const environments = options.environments ?? ['dev'];
  const groupCount = options.consumerGroups ?? n;
  const subjectCount = options.subjects ?? Math.floor(n / 2);
  const topicCount = options.topics ?? n;
  const small =
    options.smallTeamApplications ?? Math.max(3, Math.round(n / 100));
  const usersPerTeam = options.usersPerTeam ?? 1;
  if (!Number.isInteger(n) || n < SMALL_TEAMS.length * small + 1) {
    throw new Error(
      `applications must be a whole number above ${
        SMALL_TEAMS.length * small
      } (three small teams of ${small} plus the big team), got ${n}`,
    );
  }

  // Applications 0 .. 3*small-1 belong to the small teams, in turn; the rest to the big team.
  const teamOfIndex = (i: number) =>
    i < SMALL_TEAMS.length * small
      ? SMALL_TEAMS[i % SMALL_TEAMS.length]
      : BIG_TEAM;
  const applicationOf = (i: number): OrgScaleApplication => {
    const slug = `app-${pad(i)}`;
    return {
      entityRef: `component:default/${slug}`,
      slug,
      team: teamOfIndex(i),
    };
  };
  const users = (group: string) =>
    Array.from(
      { length: usersPerTeam },
      (_, k) => `user:default/${group}-member-${k}`,
    );
  const teams: OrgScaleTeam[] = [...SMALL_TEAMS, BIG_TEAM].map(name => ({
    name,
    groupRef: `group:default/${name}`,
    users: users(name),
    applications: [],
  }));
  const teamByName = new Map(teams.map(t => [t.name, t]));
  for (let i = 0; i < n; i++) {
    const app = applicationOf(i);
    teamByName.get(app.team)!.applications.push(app.entityRef);
  }
  for (const team of teams) team.applications.sort();
  const admins = users('kafka-platform');
  const outsider = 'user:default/outsider';

  const entities = catalogEntities({
    n,
    applicationOf,
    teams,
    admins,
    outsider,
    environments,
  });

  const database = await scratchDatabase(options.database);
  const permissionCalls = new PermissionCallLog();
  const catalogRequests: string[] = [];
  const directory = new MembershipDirectory();
  let kafkaHubDatabase: DatabaseService | undefined;
  let catalogDatabase: DatabaseService | undefined;
  let kafkaHubScheduler: SchedulerService | undefined;

  const baseConfig: JsonObject = {
    backend: { database: database.config },
    permission: { enabled: true },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'System',
            'API',
            'Resource',
            'Location',
            'User',
            'Group',
          ],
        },
      ],
      // Nothing is reprocessed while requests are measured.
      processingInterval: { hours: 1 },
    },
    kafkaHubDemo: { adminGroups: [ADMIN_GROUP_REF] },
    kafkaHub: {
      environments: Object.fromEntries(
        environments.map(name => [
          name,
          { kafka: { brokers: ['127.0.0.1:9092'] } },
        ]),
      ),
    },
  };

  const t0 = Date.now();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  try {
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: deepMerge(baseConfig, options.config ?? {}) as JsonObject,
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        countingPermissionsFactory(permissionCalls),
        actorRecordingAuthFactory(),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => directory,
        }),
        catalogPlugin,
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'org-scale-entities',
          register(reg) {
            reg.registerInit({
              deps: {
                catalog: catalogProcessingExtensionPoint,
                database: coreServices.database,
                httpRouter: coreServices.httpRouter,
              },
              async init({ catalog, database: catalogDb, httpRouter }) {
                catalogDatabase = catalogDb;
                httpRouter.use((req, _res, next) => {
                  catalogRequests.push(`${req.method} ${req.path}`);
                  next();
                });
                catalog.addEntityProvider({
                  getProviderName: () => 'org-scale-harness',
                  connect: connection =>
                    connection.applyMutation({
                      type: 'full',
                      entities: entities.map(entity => ({
                        entity,
                        locationKey: LOCATION,
                      })),
                    }),
                });
              },
            });
          },
        }),
        permissionPlugin,
        options.policy
          ? policyModule(options.policy)
          : kafkaHubDemoPolicyModule,
        kafkaHubPlugin,
        createBackendModule({
          pluginId: 'kafka-hub',
          moduleId: 'org-scale-database',
          register(reg) {
            reg.registerInit({
              deps: {
                database: coreServices.database,
                scheduler: coreServices.scheduler,
              },
              async init(deps) {
                kafkaHubDatabase = deps.database;
                kafkaHubScheduler = deps.scheduler;
              },
            });
          },
        }),
        ...(options.features ?? []),
      ],
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const baseUrl = `http://localhost:${backend.server.port()}`;
  log(`backend started in ${seconds(Date.now() - t0)}`);

  const authorization = (as: string) =>
    as === 'service'
      ? mockCredentials.service.header()
      : mockCredentials.user.header(as);
  const get = async (
    path: string,
    { as }: { as: string },
  ): Promise<OrgScaleResponse> => {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: { authorization: authorization(as) },
    });
    const text = await res.text();
    let body: any = text;
    if (res.headers.get('content-type')?.includes('application/json')) {
      body = JSON.parse(text);
    }
    return { status: res.status, body };
  };

  const stop = async () => {
    await backend.stop();
    // backend.stop() leaves the plugins' database clients open (SQLite
    // ones on purpose); their pools' timers would keep a script alive.
    for (const service of [catalogDatabase, kafkaHubDatabase]) {
      await (await service?.getClient())?.destroy();
    }
    await database.drop();
  };

  try {
    const db = await kafkaHubDatabase!.getClient();
    const seeded = Date.now();
    await seedKafkaHub(db, {
      n,
      applicationOf,
      environments,
      groupCount,
      subjectCount,
      topicCount,
    });
    log(
      `Kafka Hub tables seeded in ${seconds(
        Date.now() - seeded,
      )}: ${n} applications, ${groupCount} consumer groups, ${subjectCount} subjects, ${topicCount} topics`,
    );

    const waited = Date.now();
    await waitForCatalog({
      get,
      teams,
      admins,
      timeoutMs: options.catalogTimeoutMs ?? 600_000,
      log,
    });
    await directory.load(get);
    log(
      `catalog processed ${entities.length} entities in ${seconds(
        Date.now() - waited,
      )}`,
    );

    return {
      baseUrl,
      teams,
      admins,
      adminGroupRef: ADMIN_GROUP_REF,
      outsider,
      applicationOf,
      team: name => {
        const team = teamByName.get(name);
        if (!team) throw new Error(`No team ${name}`);
        return team;
      },
      permissionCalls,
      catalogRequests,
      authorization,
      get,
      kafkaHubDatabase: db,
      triggerTask: id => kafkaHubScheduler!.triggerTask(id),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function catalogEntities(options: {
  n: number;
  applicationOf: (i: number) => OrgScaleApplication;
  teams: OrgScaleTeam[];
  admins: string[];
  outsider: string;
  environments: string[];
}): Entity[] {
  const annotations = {
    'backstage.io/managed-by-location': LOCATION,
    'backstage.io/managed-by-origin-location': LOCATION,
  };
  const name = (ref: string) => ref.split('/')[1];
  const group = (groupName: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: groupName, annotations },
    spec: { type: 'team', children: [] },
  });
  const user = (ref: string, memberOf: string[]): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: name(ref), annotations },
    spec: { memberOf },
  });
  const entities: Entity[] = [];
  for (const team of options.teams) {
    entities.push(group(team.name));
    for (const ref of team.users) entities.push(user(ref, [team.groupRef]));
  }
  entities.push(group(name(ADMIN_GROUP_REF)));
  for (const ref of options.admins) entities.push(user(ref, [ADMIN_GROUP_REF]));
  entities.push(user(options.outsider, []));
  for (let i = 0; i < options.n; i++) {
    const app = options.applicationOf(i);
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: app.slug,
        annotations: {
          ...annotations,
          'kafka-hub.io/application': app.slug,
          'kafka-hub.io/topics': 'events',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/${app.team}`,
      },
    });
  }
  return entities;
}

/** Seeds the Kafka Hub tables directly, in multi-row INSERTs. */
async function seedKafkaHub(
  db: Knex,
  options: {
    n: number;
    applicationOf: (i: number) => OrgScaleApplication;
    environments: string[];
    groupCount: number;
    subjectCount: number;
    topicCount: number;
  },
) {
  const { n, applicationOf, environments } = options;
  const now = new Date();
  const nowMs = now.getTime();
  const finishedAt = now.toISOString();
  const insert = async (table: string, rows: object[]) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await db(table).insert(rows.slice(i, i + INSERT_CHUNK));
    }
  };

  await insert(
    'kafka_hub_applications',
    Array.from({ length: n }, (_, i) => {
      const app = applicationOf(i);
      // Every 10th failed, so admin views have something to show.
      const failed = i % 10 === 9;
      const status = failed ? 'failed' : 'completed';
      const error = failed
        ? 'Kafka dev: broker refused CreateTopics\n  at createTopics'
        : null;
      return {
        entity_ref: app.entityRef,
        application: app.slug,
        owner_ref: `group:default/${app.team}`,
        status,
        error,
        environments: JSON.stringify(
          Object.fromEntries(
            environments.map(env => [
              env,
              failed
                ? { status: 'failed', error, finishedAt }
                : { status: 'success', finishedAt },
            ]),
          ),
        ),
        desired_state_hash: `org-scale-${app.slug}`,
        desired_state: JSON.stringify({
          environments,
          topics: [{ name: 'events' }],
        }),
        current_run_id: null,
        attempt_count: 1,
        last_attempt_at: now,
        next_attempt_at: failed ? new Date(nowMs + 3_600_000) : null,
        lease_expires_at: null,
        annotation_errors: null,
        created_at: now,
        updated_at: now,
      };
    }),
  );

  // Each application holds its slug's namespace (once the claims table exists).
  if (await db.schema.hasTable('kafka_hub_namespace_claims')) {
    await insert(
      'kafka_hub_namespace_claims',
      Array.from({ length: n }, (_, i) => {
        const app = applicationOf(i);
        return {
          application: app.slug,
          prefix: `${app.slug}.`,
          entity_ref: app.entityRef,
          owner_ref: `group:default/${app.team}`,
          claimed_at: now,
          holder_missing_since: null,
        };
      }),
    );
  }

  const groups = Array.from({ length: options.groupCount }, (_, k) => {
    const app = applicationOf(k % n);
    const environment = environments[k % environments.length];
    const groupId = `${app.slug}.consumer-${Math.floor(k / n)}`;
    const stable = k % 4 !== 3;
    return { k, app, environment, groupId, stable };
  });
  await insert(
    'kafka_hub_consumer_groups',
    groups.map(({ app, environment, groupId, stable }) => ({
      environment,
      group_id: groupId,
      entity_ref: app.entityRef,
      linked_by: 'prefix',
      state: stable ? 'Stable' : 'Empty',
      member_count: stable ? 1 : 0,
      members: JSON.stringify(
        stable
          ? [
              {
                memberId: `${groupId}-member`,
                clientId: app.slug,
                host: '/127.0.0.1',
                assignments: [
                  { topic: `${app.slug}.events`, partitions: [0, 1, 2] },
                ],
              },
            ]
          : [],
      ),
      protocol_type: 'consumer',
      assignment_strategy: stable ? 'range' : null,
      coordinator: '1 (127.0.0.1:9092)',
      subscribed_topics: JSON.stringify([`${app.slug}.events`]),
      lifecycle: 'active',
      empty_since: stable ? null : now,
      first_seen_at: now,
      last_seen_at: now,
      updated_at: now,
    })),
  );
  await insert(
    'kafka_hub_consumer_group_lag',
    groups.map(({ k, environment, groupId }) => {
      const lag = (k * 37) % 1000;
      return {
        environment,
        group_id: groupId,
        sampled_at_ms: nowMs,
        total_lag: lag,
        max_partition_lag: Math.ceil(lag / 3),
        time_lag_seconds: lag / 10,
        partitions_without_commit: 0,
        status: lag > 900 ? 'WARN' : 'OK',
        status_reason: lag > 900 ? 'Lag grew over the window' : 'Lag is steady',
        trend: JSON.stringify([lag, lag, lag]),
      };
    }),
  );

  const subjects = Array.from({ length: options.subjectCount }, (_, k) => {
    const app = applicationOf(k % n);
    const topic = `${app.slug}.events-${Math.floor(k / n)}`;
    return {
      k,
      app,
      topic,
      environment: environments[k % environments.length],
      subject: `${topic}-value`,
    };
  });
  await insert(
    'kafka_hub_schemas',
    subjects.map(({ k, app, topic, environment, subject }) => ({
      environment,
      subject,
      entity_ref: app.entityRef,
      topic,
      role: 'value',
      format: 'AVRO',
      latest_version: 1,
      latest_global_id: k + 1,
      version_count: 1,
      compatibility: 'BACKWARD',
      compatibility_source: 'global',
      status: 'registered',
      first_seen_at: now,
      last_seen_at: now,
      updated_at: now,
    })),
  );
  await insert(
    'kafka_hub_schema_versions',
    subjects.map(({ k, environment, subject }) => ({
      environment,
      subject,
      version: 1,
      global_id: k + 1,
      format: 'AVRO',
      schema_text: JSON.stringify({
        type: 'record',
        name: 'Event',
        fields: [{ name: 'id', type: 'string' }],
      }),
      schema_references: '[]',
      fingerprint: `org-scale-${k}`,
      deleted: false,
      first_seen_at: now,
      synced_at: now,
    })),
  );

  // Topics as a topic sample stores them (once the drift column exists).
  if (await db.schema.hasColumn('kafka_hub_topics', 'drift')) {
    await insert(
      'kafka_hub_topics',
      Array.from({ length: options.topicCount }, (_, k) => {
        const app = applicationOf(k % n);
        const undeclared = k % 10 === 9;
        return {
          environment: environments[k % environments.length],
          topic: `${app.slug}.topic-${Math.floor(k / n)}`,
          entity_ref: app.entityRef,
          partitions: 3,
          replication_factor: 1,
          under_replicated_partitions: k % 50 === 7 ? 1 : 0,
          offline_partitions: 0,
          min_in_sync_replicas: 1,
          partition_detail: JSON.stringify(
            [0, 1, 2].map(p => [p, 1, [1], [1]]),
          ),
          size_bytes: (k * 7919) % 10_000_000,
          disk_bytes: (k * 7919) % 10_000_000,
          message_estimate: (k * 104_729) % 1_000_000,
          retention_ms: 604_800_000,
          retention_bytes: -1,
          cleanup_policy: 'delete',
          config_overrides: '{}',
          consumer_groups: JSON.stringify([`${app.slug}.consumer-0`]),
          sampled_at_ms: nowMs,
          drift: undeclared ? 'undeclared' : null,
          declared_partitions: undeclared ? null : 3,
        };
      }),
    );
  }
}

/** Polls the catalog until every application is owned and every user is a member. */
async function waitForCatalog(options: {
  get: OrgScaleBackend['get'];
  teams: OrgScaleTeam[];
  admins: string[];
  timeoutMs: number;
  log: (line: string) => void;
}) {
  const expected = [
    ...options.teams.flatMap(team => [
      {
        filter: `kind=component,relations.ownedBy=${team.groupRef}`,
        count: team.applications.length,
      },
      {
        filter: `kind=user,relations.memberOf=${team.groupRef}`,
        count: team.users.length,
      },
    ]),
    {
      filter: `kind=user,relations.memberOf=${ADMIN_GROUP_REF}`,
      count: options.admins.length,
    },
  ];
  const total = expected.reduce((sum, e) => sum + e.count, 0);
  const deadline = Date.now() + options.timeoutMs;
  let lastLog = 0;
  for (;;) {
    let found = 0;
    for (const { filter, count } of expected) {
      const res = await options.get(
        `/api/catalog/entities/by-query?filter=${encodeURIComponent(
          filter,
        )}&limit=1&fields=metadata.name`,
        { as: 'service' },
      );
      if (res.status !== 200) {
        throw new Error(`catalog query ${filter}: HTTP ${res.status}`);
      }
      found += Math.min(count, res.body.totalItems);
    }
    if (found === total) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the catalog has ${found} of ${total} owned applications and team members after ${options.timeoutMs} ms`,
      );
    }
    if (Date.now() - lastLog > 10_000) {
      options.log(`catalog: ${found} of ${total} processed`);
      lastLog = Date.now();
    }
    // The catalog processes in the background and tells no one when it is done.
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * names the plugin as the actor, as the real auth service's tokens do: the
 * catalog's apply-conditions endpoint refuses users without an actor, so
 * the permission backend's per-entity checks need it.
 */
function actorRecordingAuthFactory() {
  return createServiceFactory({
    service: coreServices.auth,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }): AuthService {
      const pluginId = plugin.getId();
      const mock = mockServices.auth({ pluginId });
      return {
        authenticate: (token, options) => mock.authenticate(token, options),
        getNoneCredentials: () => mock.getNoneCredentials(),
        getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
        isPrincipal: mock.isPrincipal.bind(mock) as AuthService['isPrincipal'],
        getLimitedUserToken: credentials =>
          mock.getLimitedUserToken(credentials),
        listPublicServiceKeys: () => mock.listPublicServiceKeys(),
        async getPluginRequestToken(options) {
          const principal = options.onBehalfOf.principal as {
            type: string;
            userEntityRef?: string;
          };
          if (principal.type === 'user' && principal.userEntityRef) {
            return {
              token: mockCredentials.user.token(principal.userEntityRef, {
                actor: { subject: `plugin:${pluginId}` },
              }),
            };
          }
          return mock.getPluginRequestToken(options);
        },
      };
    },
  });
}

/** The real permissions client (as backend-defaults makes it), recording each call. */
function countingPermissionsFactory(log: PermissionCallLog) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {
      auth: coreServices.auth,
      config: coreServices.rootConfig,
      discovery: coreServices.discovery,
      plugin: coreServices.pluginMetadata,
    },
    async factory({
      auth,
      config,
      discovery,
      plugin,
    }): Promise<PermissionsService> {
      const client = ServerPermissionClient.fromConfig(config, {
        auth,
        discovery,
      });
      const enabled = config.getOptionalBoolean('permission.enabled') ?? false;
      const record = (
        kind: PermissionCallKind,
        items: Array<{ permission: { name: string }; resourceRef?: string }>,
        options?: { credentials?: BackstageCredentials },
      ) =>
        log.calls.push({
          plugin: plugin.getId(),
          kind,
          items: items.map(item => ({
            permission: item.permission.name,
            resourceRef: item.resourceRef,
          })),
          reachedPermissionBackend:
            enabled &&
            !(
              options?.credentials &&
              auth.isPrincipal(options.credentials, 'service')
            ),
        });
      return {
        authorize: async (requests, options) => {
          record('authorize', requests as any, options as any);
          return client.authorize(requests, options);
        },
        authorizeConditional: async (queries, options) => {
          record('authorizeConditional', queries, options as any);
          return client.authorizeConditional(queries, options);
        },
      };
    },
  });
}

function policyModule(policy: NonNullable<OrgScaleOptions['policy']>) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'org-scale-policy',
    register(reg) {
      reg.registerInit({
        deps: {
          userInfo: coreServices.userInfo,
          extension: policyExtensionPoint,
        },
        async init({ userInfo, extension }) {
          extension.setPolicy(
            policy({ userInfo, adminGroups: [ADMIN_GROUP_REF] }),
          );
        },
      });
    },
  });
}

/** SQLite: in memory, one per plugin. PostgreSQL: a scratch database, one schema per plugin. */
async function scratchDatabase(database: OrgScaleDatabase): Promise<{
  config: JsonObject;
  drop: () => Promise<void>;
}> {
  if (database.client === 'sqlite') {
    return {
      config: { client: 'better-sqlite3', connection: ':memory:' },
      drop: async () => {},
    };
  }
  const name = `kafka_hub_org_${randomBytes(4).toString('hex')}`;
  const root = knexFactory({ client: 'pg', connection: database.connection });
  try {
    await root.raw(`CREATE DATABASE ${name}`);
  } finally {
    await root.destroy();
  }
  const url = new URL(database.connection);
  url.pathname = `/${name}`;
  return {
    config: {
      client: 'pg',
      connection: url.toString(),
      pluginDivisionMode: 'schema',
      ensureSchemaExists: true,
    },
    drop: async () => {
      const admin = knexFactory({
        client: 'pg',
        connection: database.connection,
      });
      try {
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.destroy();
      }
    },
  };
}

function deepMerge(base: JsonValue, override: JsonValue): JsonValue {
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof override !== 'object' ||
    override === null ||
    Array.isArray(override)
  ) {
    return override;
  }
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] =
      key in merged && value !== undefined
        ? deepMerge(merged[key]!, value)
        : value!;
  }
  return merged;
}
