import { randomUUID } from 'crypto';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import { kafkaHubEntityReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  authorizeChunks,
  authorizeInChunks,
  PERMISSION_BODY_LIMIT_BYTES,
} from './authorizeInChunks';

function customDecision(claims: string[]): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      allOf: [
        {
          resourceType: 'catalog-entity',
          rule: 'IS_IN_COST_CENTER',
          params: { claims },
        },
      ],
    },
  };
}

/** The body PermissionClient posts to the permission backend's /authorize. */
function authorizeBody(refs: string[]): string {
  return JSON.stringify({
    items: refs.map(resourceRef => ({
      id: randomUUID(),
      permission: kafkaHubEntityReadPermission,
      resourceRef,
    })),
  });
}

/** The body the permission backend posts to the catalog's apply-conditions. */
function applyConditionsBody(
  refs: string[],
  decision: ConditionalPolicyDecision,
): string {
  return JSON.stringify({
    items: refs.map(resourceRef => ({
      id: randomUUID(),
      resourceRef,
      ...decision,
    })),
  });
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('authorizeChunks', () => {
  it('keeps both hops of every call well under the body limit, with long refs and many claims', () => {
    const refs = Array.from(
      { length: 3_000 },
      (_, i) =>
        `component:some-long-namespace-name/${'very-long-application-name-'.repeat(
          3,
        )}${i}`,
    );
    const decision = customDecision(
      Array.from({ length: 40 }, (_, i) => `group:default/team-number-${i}`),
    );
    const chunks = authorizeChunks(
      refs,
      kafkaHubEntityReadPermission,
      decision,
    );

    expect(chunks.flat()).toEqual(refs);
    for (const chunk of chunks) {
      expect(bytes(authorizeBody(chunk))).toBeLessThan(
        PERMISSION_BODY_LIMIT_BYTES * 0.75,
      );
      expect(bytes(applyConditionsBody(chunk, decision))).toBeLessThan(
        PERMISSION_BODY_LIMIT_BYTES * 0.75,
      );
    }
    // The same refs in one call would be far over the limit.
    expect(bytes(authorizeBody(refs))).toBeGreaterThan(
      PERMISSION_BODY_LIMIT_BYTES,
    );
  });

  it('puts at most 250 short refs in one call', () => {
    const refs = Array.from(
      { length: 1_001 },
      (_, i) => `component:default/a${i}`,
    );
    const chunks = authorizeChunks(refs, kafkaHubEntityReadPermission, {
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: { resourceType: 'catalog-entity', rule: 'CUSTOM' },
    });
    expect(chunks.map(c => c.length)).toEqual([250, 250, 250, 250, 1]);
  });

  it('makes no call for no refs', () => {
    expect(
      authorizeChunks([], kafkaHubEntityReadPermission, customDecision([])),
    ).toEqual([]);
  });
});

describe('authorizeInChunks', () => {
  it('returns the granted refs of every chunk, one resource item per ref', async () => {
    const refs = Array.from(
      { length: 600 },
      (_, i) => `component:default/e${i}`,
    );
    const granted = new Set(refs.filter((_, i) => i % 7 === 0));
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result: granted.has((r as { resourceRef: string }).resourceRef)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        })),
    });
    const credentials = mockCredentials.user('user:default/alice');

    const result = await authorizeInChunks({
      permissions,
      credentials,
      permission: kafkaHubEntityReadPermission,
      decision: customDecision(['user:default/alice']),
      entityRefs: refs,
    });

    expect(result.sort()).toEqual([...granted].sort());
    const calls = permissions.authorize.mock.calls;
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const [requests, options] of calls) {
      expect(requests.length).toBeLessThanOrEqual(250);
      expect(options).toEqual({ credentials });
      for (const r of requests) {
        expect(r.permission).toBe(kafkaHubEntityReadPermission);
      }
    }
    expect(
      calls.flatMap(([requests]) =>
        requests.map(r => (r as { resourceRef: string }).resourceRef),
      ),
    ).toEqual(refs);
  });
});
