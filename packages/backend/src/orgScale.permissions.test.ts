import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  createCatalogConditionalDecision,
  createCatalogPermissionRule,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubProvisioningRetryPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  OrgScaleBackend,
  OrgScaleResponse,
  orgScaleDatabases,
  startOrgScaleBackend,
} from './__testUtils__/orgScale';

/*
 * Kafka Hub's lists on a whole organisation, through the REAL catalog and
 * permission backends: 1,500 application entities (three teams of 499 and
 * a big team of 3), 1,500 consumer groups and 1,500 topics (one per
 * application) and 750 subjects (applications 0..749). A team-a member must get exactly team-a's
 * rows from every list, summary and search, with one authorizeConditional
 * per request; with a policy the catalog-query conversion cannot read (a
 * custom rule), the same rows through chunked per-entity checks, none of
 * which the permission backend refuses as too large.
 */

jest.setTimeout(900_000);

const APPLICATIONS = 1_500;
const SMALL_TEAM = 499;
const SUBJECTS = 750;

/** The index of `component:default/app-00042`. */
const indexOf = (entityRef: string) => Number(entityRef.slice(-5));

/** Fails with the answer's body, so an error names its cause. */
function expectOk(res: OrgScaleResponse) {
  if (res.status !== 200) {
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

const refsOf = (body: { items: Array<{ entityRef?: string }> }) =>
  body.items.map(item => item.entityRef);

interface ExpectedRows {
  path: string;
  /** The entity refs the rows must belong to, exactly (as a set). */
  entityRefs?: string[];
  total: number;
}

/** Every list, summary and search route, and what a team-a member must get. */
function teamARoutes(org: OrgScaleBackend): ExpectedRows[] {
  const teamA = org.team('team-a');
  const withSubject = teamA.applications.filter(ref => indexOf(ref) < SUBJECTS);
  const first = teamA.applications[0];
  const slug = first.split('/')[1];
  const teamB = org.team('team-b');
  const foreignSlug = teamB.applications[0].split('/')[1];
  return [
    {
      path: '/api/kafka-hub/applications?limit=500',
      entityRefs: teamA.applications,
      total: SMALL_TEAM,
    },
    {
      path: `/api/kafka-hub/applications?owner=${teamA.groupRef}&limit=500`,
      entityRefs: teamA.applications,
      total: SMALL_TEAM,
    },
    {
      path: `/api/kafka-hub/applications?owner=${teamB.groupRef}`,
      entityRefs: [],
      total: 0,
    },
    {
      path: '/api/kafka-hub/consumer-groups?limit=500',
      entityRefs: teamA.applications,
      total: SMALL_TEAM,
    },
    { path: '/api/kafka-hub/consumer-groups/summary', total: SMALL_TEAM },
    {
      path: `/api/kafka-hub/consumer-groups?search=${slug}.`,
      entityRefs: [first],
      total: 1,
    },
    {
      path: `/api/kafka-hub/consumer-groups?search=${foreignSlug}.`,
      entityRefs: [],
      total: 0,
    },
    {
      path: `/api/kafka-hub/consumer-groups?owner=${teamA.groupRef}&limit=500`,
      entityRefs: teamA.applications,
      total: SMALL_TEAM,
    },
    {
      path: '/api/kafka-hub/schemas?limit=500',
      entityRefs: withSubject,
      total: withSubject.length,
    },
    { path: '/api/kafka-hub/schemas/summary', total: withSubject.length },
    {
      path: `/api/kafka-hub/schemas?search=${slug}.`,
      entityRefs: [first],
      total: 1,
    },
    {
      path: `/api/kafka-hub/schemas?search=${foreignSlug}.`,
      entityRefs: [],
      total: 0,
    },
    {
      path: `/api/kafka-hub/schemas/summary?owner=${teamB.groupRef}`,
      total: 0,
    },
    // One topic per application (every 10th undeclared drift).
    { path: '/api/kafka-hub/topics?limit=200', total: SMALL_TEAM },
    {
      path: `/api/kafka-hub/topics?search=${slug}.`,
      entityRefs: [first],
      total: 1,
    },
    {
      path: `/api/kafka-hub/topics?search=${foreignSlug}.`,
      entityRefs: [],
      total: 0,
    },
    {
      path: `/api/kafka-hub/topics?drift=true&sort=size&limit=200`,
      entityRefs: teamA.applications.filter(ref => indexOf(ref) % 10 === 9),
      total: teamA.applications.filter(ref => indexOf(ref) % 10 === 9).length,
    },
    {
      path: `/api/kafka-hub/topics?owner=${teamB.groupRef}`,
      entityRefs: [],
      total: 0,
    },
  ];
}

/** Asks `path` as the user and checks the rows against `expected`. */
async function expectRows(
  org: OrgScaleBackend,
  user: string,
  { path, entityRefs, total }: ExpectedRows,
) {
  const res = await org.get(path, { as: user });
  expectOk(res);
  expect({ path, total: res.body.total }).toEqual({ path, total });
  if (entityRefs) {
    expect({ path, refs: [...new Set(refsOf(res.body))].sort() }).toEqual({
      path,
      refs: [...entityRefs].sort(),
    });
  }
}

describe.each(orgScaleDatabases())(
  'Kafka Hub lists with the demo policy on an organisation of 1,500 applications, %s',
  (_, database) => {
    let org: OrgScaleBackend;

    beforeAll(async () => {
      org = await startOrgScaleBackend({
        applications: APPLICATIONS,
        smallTeamApplications: SMALL_TEAM,
        consumerGroups: APPLICATIONS,
        subjects: SUBJECTS,
        database,
      });
    });

    afterAll(async () => {
      await org?.stop();
    });

    it("answers a team member with exactly the team's rows, in one authorizeConditional per request", async () => {
      const [user] = org.team('team-a').users;
      for (const route of teamARoutes(org)) {
        org.permissionCalls.reset();
        await expectRows(org, user, route);
        const calls = org.permissionCalls.calls.filter(
          c => c.plugin === 'kafka-hub' && c.reachedPermissionBackend,
        );
        // One conditional decision for kafka-hub.entity.read, and admin
        // read (one item) asked at the same time: nothing per entity.
        expect({
          path: route.path,
          calls: calls.map(c => [
            c.kind,
            c.items.map(i => `${i.permission} ${i.resourceRef ?? ''}`.trim()),
          ]),
        }).toEqual({
          path: route.path,
          calls: expect.arrayContaining([
            ['authorizeConditional', ['kafka-hub.entity.read']],
            ['authorize', ['kafka-hub.admin.read']],
          ]),
        });
        expect({ path: route.path, n: calls.length }).toEqual({
          path: route.path,
          n: 2,
        });
      }
    });

    it('answers an admin with every row, and an outsider with none', async () => {
      const all = await org.get('/api/kafka-hub/applications?limit=1', {
        as: org.admins[0],
      });
      expectOk(all);
      expect(all.body.total).toBe(APPLICATIONS);
      const groups = await org.get('/api/kafka-hub/consumer-groups/summary', {
        as: org.admins[0],
      });
      expect(groups.body.total).toBe(APPLICATIONS);

      const topics = await org.get('/api/kafka-hub/topics?limit=1', {
        as: org.admins[0],
      });
      expect(topics.body.total).toBe(APPLICATIONS);

      for (const path of [
        '/api/kafka-hub/applications',
        '/api/kafka-hub/consumer-groups',
        '/api/kafka-hub/schemas',
        '/api/kafka-hub/topics',
      ]) {
        const none = await org.get(path, { as: org.outsider });
        expectOk(none);
        expect({ path, total: none.body.total }).toEqual({ path, total: 0 });
      }
    });

    it("answers another team's application, group or subject exactly like a missing one", async () => {
      const [alice] = org.team('team-a').users;
      const teamB = org.team('team-b');
      // One of team-b's applications that has a subject too.
      const foreign = teamB.applications.find(ref => indexOf(ref) < SUBJECTS)!;
      const slug = foreign.split('/')[1];
      const db = org.kafkaHubDatabase;
      const subject: { environment: string; subject: string } = await db(
        'kafka_hub_schemas',
      )
        .where({ entity_ref: foreign })
        .first(['environment', 'subject']);
      const paths = [
        `/api/kafka-hub/applications/${encodeURIComponent(foreign)}`,
        `/api/kafka-hub/consumer-groups/dev/${slug}.consumer-0`,
        `/api/kafka-hub/schemas/${subject.environment}/${encodeURIComponent(
          subject.subject,
        )}`,
        `/api/kafka-hub/schemas/${subject.environment}/${encodeURIComponent(
          subject.subject,
        )}/versions`,
      ];
      const own = org.team('team-a').applications[0];
      expectOk(
        await org.get(
          `/api/kafka-hub/applications/${encodeURIComponent(own)}`,
          {
            as: alice,
          },
        ),
      );
      const forbidden = await Promise.all(
        paths.map(path => org.get(path, { as: alice })),
      );
      // Each exists: its own team reads it.
      for (const path of paths) {
        expectOk(await org.get(path, { as: teamB.users[0] }));
      }
      // Make them missing, then ask as their own team.
      await db('kafka_hub_schema_versions').where(subject).delete();
      await db('kafka_hub_schemas').where(subject).delete();
      await db('kafka_hub_consumer_groups')
        .where({ group_id: `${slug}.consumer-0` })
        .delete();
      await db('kafka_hub_applications')
        .where({ entity_ref: foreign })
        .delete();
      for (const [i, path] of paths.entries()) {
        const missing = await org.get(path, { as: teamB.users[0] });
        expect({ path, status: forbidden[i].status }).toEqual({
          path,
          status: 404,
        });
        expect({ path, body: forbidden[i].body }).toEqual({
          path,
          body: missing.body,
        });
      }
    });
  },
);

/**
 * A catalog rule the conversion does not know: the entity's spec.owner is
 * one of the claims. The catalog evaluates it per entity (apply-conditions).
 */
const hasOwnerSpec = createCatalogPermissionRule<{ claims: string[] }>({
  name: 'HAS_OWNER_SPEC',
  description: 'Allow entities whose spec.owner is one of the claims',
  resourceType: 'catalog-entity',
  apply: (entity: Entity, { claims }) =>
    claims.includes(String(entity.spec?.owner ?? '')),
  toQuery: ({ claims }) => ({ key: 'spec.owner', values: claims }),
});

const hasOwnerSpecModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'org-scale-custom-rule',
  register(reg) {
    reg.registerInit({
      deps: { permissionsRegistry: coreServices.permissionsRegistry },
      async init({ permissionsRegistry }) {
        permissionsRegistry.addPermissionRules([hasOwnerSpec]);
      },
    });
  },
});

/** The demo policy's decisions, with the custom rule for entity permissions. */
class CustomRulePolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
    const admin = claims.some(ref => this.adminGroups.includes(ref));
    if (
      isPermission(permission, kafkaHubAdminReadPermission) ||
      isPermission(permission, kafkaHubAdminRetryPermission)
    ) {
      return { result: admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, kafkaHubEntityReadPermission) ||
      isPermission(permission, kafkaHubProvisioningRetryPermission)
    ) {
      if (!user) return { result: AuthorizeResult.DENY };
      if (admin) return { result: AuthorizeResult.ALLOW };
      return createCatalogConditionalDecision(permission, {
        rule: 'HAS_OWNER_SPEC',
        resourceType: 'catalog-entity',
        params: { claims },
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

describe.each(orgScaleDatabases())(
  'Kafka Hub lists with a custom-rule policy (per-entity fallback), %s',
  (_, database) => {
    let org: OrgScaleBackend;

    beforeAll(async () => {
      org = await startOrgScaleBackend({
        applications: APPLICATIONS,
        smallTeamApplications: SMALL_TEAM,
        consumerGroups: APPLICATIONS,
        subjects: SUBJECTS,
        database,
        features: [hasOwnerSpecModule],
        policy: ({ userInfo, adminGroups }) =>
          new CustomRulePolicy(userInfo, adminGroups),
      });
    });

    afterAll(async () => {
      await org?.stop();
    });

    it("answers a team member with exactly the team's rows through chunked checks, none too large", async () => {
      const [user] = org.team('team-a').users;
      for (const route of teamARoutes(org)) {
        org.permissionCalls.reset();
        await expectRows(org, user, route);
        const calls = org.permissionCalls.calls.filter(
          c => c.plugin === 'kafka-hub' && c.reachedPermissionBackend,
        );
        const conditional = calls.filter(
          c => c.kind === 'authorizeConditional',
        );
        expect({ path: route.path, n: conditional.length }).toEqual({
          path: route.path,
          n: 1,
        });
        // The first request of equal conditions checks every Kafka entity
        // in chunks; later ones reuse the resolved set for a while.
        const perEntity = calls.filter(c =>
          c.items.some(i => i.resourceRef !== undefined),
        );
        for (const call of perEntity) {
          expect(call.items.length).toBeLessThanOrEqual(250);
        }
      }
    });

    it('checks all 1,500 entities in several calls when nothing is cached', async () => {
      // A user whose conditions nobody asked for yet: team-c.
      const [user] = org.team('team-c').users;
      org.permissionCalls.reset();
      const res = await org.get('/api/kafka-hub/applications?limit=500', {
        as: user,
      });
      expectOk(res);
      expect([...refsOf(res.body)].sort()).toEqual(
        org.team('team-c').applications,
      );
      const perEntity = org.permissionCalls.calls.filter(
        c =>
          c.plugin === 'kafka-hub' &&
          c.kind === 'authorize' &&
          c.items.some(i => i.resourceRef !== undefined),
      );
      expect(perEntity.length).toBeGreaterThanOrEqual(6);
      expect(perEntity.reduce((n, c) => n + c.items.length, 0)).toBe(
        APPLICATIONS,
      );
      expect(Math.max(...perEntity.map(c => c.items.length))).toBeLessThan(251);
    });
  },
);
