import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { kafkaHubEntityReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ReadableEntities } from './ReadableEntities';

const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

function entity(
  name: string,
  owner: string,
  annotations: Record<string, string>,
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { owner, type: 'service', lifecycle: 'production' },
  };
}

const ENTITIES: Entity[] = [
  entity('orders', TEAM_A, { 'kafka-hub.io/application': 'orders' }),
  entity('fraud', TEAM_A, { 'kafka-hub.io/consumer-groups': 'dev/fraud' }),
  entity('billing', TEAM_A, {
    'kafka-hub.io/schema-subjects': 'dev/billing-value',
  }),
  entity('legacy', TEAM_A, {
    'kafka.apache.org/consumer-groups': 'dev/legacy',
  }),
  // Owned by team-a but not a Kafka entity: never part of the set.
  entity('website', TEAM_A, { 'backstage.io/techdocs-ref': 'dir:.' }),
  entity('payments', TEAM_B, { 'kafka-hub.io/application': 'payments' }),
  entity(
    'ledger',
    TEAM_B,
    { 'kafka-hub.io/application': 'ledger' },
    'Resource',
  ),
];

/** Conditions the in-memory catalog can evaluate (it has no relations index). */
function ownedBy(owner: string): PermissionCriteria<PermissionCondition> {
  return {
    resourceType: 'catalog-entity',
    rule: 'HAS_SPEC',
    params: { key: 'owner', value: owner },
  };
}

function conditional(
  conditions: PermissionCriteria<PermissionCondition>,
): PolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions,
  };
}

function setup(
  options: {
    entities?: Entity[];
    decision?: PolicyDecision;
    allowed?: Set<string>;
    pageSize?: number;
  } = {},
) {
  let now = 0;
  const catalog = catalogServiceMock({
    entities: options.entities ?? ENTITIES,
  });
  const streamEntities = jest.spyOn(catalog, 'streamEntities');
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async requests =>
      requests.map(() => options.decision ?? conditional(ownedBy(TEAM_A))),
    authorize: async requests =>
      requests.map(r => ({
        result: options.allowed?.has((r as { resourceRef: string }).resourceRef)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
  });
  const logger = mockServices.logger.mock();
  const auth = mockServices.auth({ pluginId: 'kafka-hub' });
  const readable = new ReadableEntities({
    permissions,
    catalog,
    auth,
    logger,
    cacheTtlMs: 10_000,
    pageSize: options.pageSize,
    now: () => now,
  });
  return {
    readable,
    permissions,
    streamEntities,
    logger,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const alice = mockCredentials.user('user:default/alice');

/** The readable set of one list request: its decision, resolved. */
async function readableOf(
  readable: ReadableEntities,
  credentials: BackstageCredentials,
) {
  return readable.resolve(await readable.decide(credentials), credentials);
}

describe('ReadableEntities', () => {
  it('asks authorizeConditional once for kafka-hub.entity.read', async () => {
    const { readable, permissions } = setup();
    await readableOf(readable, alice);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [{ permission: kafkaHubEntityReadPermission }],
      { credentials: alice },
    );
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('ALLOW is every entity, without reading the catalog', async () => {
    const { readable, streamEntities } = setup({
      decision: { result: AuthorizeResult.ALLOW },
    });
    expect(await readableOf(readable, alice)).toEqual({ all: true });
    expect(streamEntities).not.toHaveBeenCalled();
  });

  it('DENY is no entity, without reading the catalog', async () => {
    const { readable, streamEntities } = setup({
      decision: { result: AuthorizeResult.DENY },
    });
    expect(await readableOf(readable, alice)).toEqual({
      all: false,
      entityRefs: [],
    });
    expect(streamEntities).not.toHaveBeenCalled();
  });

  it("CONDITIONAL reads the matching Kafka entities' refs from the catalog, with the plugin's credentials, page by page", async () => {
    const { readable, streamEntities, permissions } = setup({ pageSize: 2 });
    expect(await readableOf(readable, alice)).toEqual({
      all: false,
      entityRefs: [
        'component:default/billing',
        'component:default/fraud',
        'component:default/legacy',
        'component:default/orders',
      ],
    });
    expect(streamEntities).toHaveBeenCalledTimes(1);
    const [request, options] = streamEntities.mock.calls[0];
    expect(request).toMatchObject({
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
      pageSize: 2,
      query: {
        $all: [
          { 'spec.owner': TEAM_A },
          {
            $any: [
              {
                'metadata.annotations.kafka-hub.io/application': {
                  $exists: true,
                },
              },
              {
                'metadata.annotations.kafka-hub.io/consumer-groups': {
                  $exists: true,
                },
              },
              {
                'metadata.annotations.kafka-hub.io/schema-subjects': {
                  $exists: true,
                },
              },
              {
                'metadata.annotations.kafka.apache.org/consumer-groups': {
                  $exists: true,
                },
              },
            ],
          },
        ],
      },
    });
    expect(
      (options as { credentials: BackstageCredentials }).credentials.principal,
    ).toEqual({
      type: 'service',
      subject: 'plugin:kafka-hub',
    });
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('combines the conditions as the catalog does (anyOf, not)', async () => {
    const { readable } = setup({
      decision: conditional({
        anyOf: [
          ownedBy(TEAM_B),
          {
            allOf: [
              ownedBy(TEAM_A),
              {
                not: {
                  resourceType: 'catalog-entity',
                  rule: 'HAS_ANNOTATION',
                  params: { annotation: 'kafka-hub.io/application' },
                },
              },
            ],
          },
        ],
      }),
    });
    expect(await readableOf(readable, alice)).toEqual({
      all: false,
      entityRefs: [
        'component:default/billing',
        'component:default/fraud',
        'component:default/legacy',
        'component:default/payments',
        'resource:default/ledger',
      ],
    });
  });

  describe('cache', () => {
    it('reuses the set for the same conditions, whoever asks, until the TTL passes', async () => {
      const { readable, streamEntities, advance } = setup();
      const bob = mockCredentials.user('user:default/bob');
      const first = await readableOf(readable, alice);
      advance(9_000);
      expect(await readableOf(readable, bob)).toEqual(first);
      expect(streamEntities).toHaveBeenCalledTimes(1);
      advance(1_001);
      expect(await readableOf(readable, alice)).toEqual(first);
      expect(streamEntities).toHaveBeenCalledTimes(2);
    });

    it('keys the set by the conditions: other claims, other set', async () => {
      let owner = TEAM_A;
      const catalog = catalogServiceMock({ entities: ENTITIES });
      const streamEntities = jest.spyOn(catalog, 'streamEntities');
      const readable = new ReadableEntities({
        permissions: mockServices.permissions.mock({
          authorizeConditional: async requests =>
            requests.map(() => conditional(ownedBy(owner))),
        }),
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      });
      const a = await readableOf(readable, alice);
      owner = TEAM_B;
      const b = await readableOf(readable, alice);
      expect(a).toEqual({
        all: false,
        entityRefs: expect.arrayContaining(['component:default/orders']),
      });
      expect(b).toEqual({
        all: false,
        entityRefs: ['component:default/payments', 'resource:default/ledger'],
      });
      expect(streamEntities).toHaveBeenCalledTimes(2);
    });

    it('reads the catalog once for concurrent requests with the same conditions', async () => {
      const { readable, streamEntities } = setup();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => readableOf(readable, alice)),
      );
      expect(new Set(results.map(r => JSON.stringify(r))).size).toBe(1);
      expect(streamEntities).toHaveBeenCalledTimes(1);
    });
  });

  describe('conditions that are not catalog rules', () => {
    const custom = conditional({
      anyOf: [
        ownedBy(TEAM_A),
        {
          resourceType: 'catalog-entity',
          rule: 'IS_ON_CALL',
          params: { rotation: 'payments' },
        },
      ],
    });

    it('ask the permission backend per Kafka entity, in chunks, and warn once', async () => {
      const entities = Array.from({ length: 520 }, (_, i) =>
        entity(`app-${String(i).padStart(3, '0')}`, TEAM_B, {
          'kafka-hub.io/application': `app-${i}`,
        }),
      );
      entities.push(entity('website', TEAM_A, {}));
      const allowed = new Set([
        'component:default/app-007',
        'component:default/app-513',
        'component:default/website', // not a Kafka entity: never asked
      ]);
      const { readable, permissions, logger, advance } = setup({
        entities,
        decision: custom,
        allowed,
      });

      expect(await readableOf(readable, alice)).toEqual({
        all: false,
        entityRefs: ['component:default/app-007', 'component:default/app-513'],
      });
      const calls = [...permissions.authorize.mock.calls];
      expect(calls.length).toBeGreaterThanOrEqual(3);
      const asked = calls.flatMap(([requests]) =>
        requests.map(r => (r as { resourceRef: string }).resourceRef),
      );
      expect(asked).toHaveLength(520);
      expect(asked).not.toContain('component:default/website');
      for (const [requests, options] of calls) {
        expect(requests.length).toBeLessThanOrEqual(250);
        expect(options).toEqual({ credentials: alice });
        expect(
          requests.every(r => r.permission === kafkaHubEntityReadPermission),
        ).toBe(true);
      }

      advance(60_000);
      await readableOf(readable, alice);
      expect(permissions.authorize).toHaveBeenCalledTimes(2 * calls.length);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toContain(
        'rules HAS_SPEC, IS_ON_CALL',
      );
    });

    it('are cached like converted ones', async () => {
      const { readable, permissions } = setup({
        decision: custom,
        allowed: new Set(['component:default/orders']),
      });
      await readableOf(readable, alice);
      await readableOf(readable, alice);
      expect(permissions.authorize).toHaveBeenCalledTimes(1);
    });
  });

  it('does not keep a failed catalog read', async () => {
    const { readable, streamEntities } = setup();
    streamEntities.mockImplementationOnce(() => {
      throw new Error('catalog unavailable');
    });
    await expect(readableOf(readable, alice)).rejects.toThrow(
      'catalog unavailable',
    );
    expect(await readableOf(readable, alice)).toMatchObject({ all: false });
    expect(streamEntities).toHaveBeenCalledTimes(2);
  });
});
