import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  catalogConditionsToQuery,
  MATCH_NOTHING,
} from './catalogConditionsToQuery';

function decision(
  conditions: PermissionCriteria<PermissionCondition>,
  overrides: Partial<ConditionalPolicyDecision> = {},
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions,
    ...overrides,
  };
}

function rule(name: string, params: Record<string, unknown>) {
  return {
    resourceType: 'catalog-entity',
    rule: name,
    params,
  } as PermissionCondition;
}

describe('catalogConditionsToQuery', () => {
  describe("the catalog's rules, as their toQuery and the catalog's predicate conversion", () => {
    it.each([
      [
        'IS_ENTITY_OWNER, several claims',
        rule('IS_ENTITY_OWNER', {
          claims: ['user:default/alice', 'group:default/team-a'],
        }),
        {
          'relations.ownedBy': {
            $in: ['user:default/alice', 'group:default/team-a'],
          },
        },
      ],
      [
        'IS_ENTITY_OWNER, one claim',
        rule('IS_ENTITY_OWNER', { claims: ['group:default/team-a'] }),
        { 'relations.ownedBy': 'group:default/team-a' },
      ],
      [
        'IS_ENTITY_OWNER, no claim',
        rule('IS_ENTITY_OWNER', { claims: [] }),
        MATCH_NOTHING,
      ],
      [
        'IS_ENTITY_KIND (kinds lower-cased, as the rule does)',
        rule('IS_ENTITY_KIND', { kinds: ['Component', 'Resource'] }),
        { kind: { $in: ['component', 'resource'] } },
      ],
      [
        'HAS_ANNOTATION without a value',
        rule('HAS_ANNOTATION', { annotation: 'kafka-hub.io/application' }),
        {
          'metadata.annotations.kafka-hub.io/application': { $exists: true },
        },
      ],
      [
        'HAS_ANNOTATION with a value',
        rule('HAS_ANNOTATION', {
          annotation: 'backstage.io/source-location',
          value: 'url:x',
        }),
        { 'metadata.annotations.backstage.io/source-location': 'url:x' },
      ],
      [
        'HAS_LABEL',
        rule('HAS_LABEL', { label: 'tier' }),
        { 'metadata.labels.tier': { $exists: true } },
      ],
      [
        'HAS_LABEL with a value',
        rule('HAS_LABEL', { label: 'tier', value: 'gold' }),
        { 'metadata.labels.tier': 'gold' },
      ],
      [
        'HAS_METADATA',
        rule('HAS_METADATA', { key: 'title', value: 'Orders' }),
        { 'metadata.title': 'Orders' },
      ],
      [
        'HAS_SPEC',
        rule('HAS_SPEC', { key: 'lifecycle', value: 'production' }),
        { 'spec.lifecycle': 'production' },
      ],
      [
        'HAS_SPEC without a value',
        rule('HAS_SPEC', { key: 'system' }),
        { 'spec.system': { $exists: true } },
      ],
    ])('%s', (_, condition, expected) => {
      expect(catalogConditionsToQuery(decision(condition))).toEqual(expected);
    });
  });

  it('nests allOf, anyOf and not as $all, $any and $not', () => {
    const conditions: PermissionCriteria<PermissionCondition> = {
      anyOf: [
        rule('IS_ENTITY_OWNER', { claims: ['group:default/team-a'] }),
        {
          allOf: [
            rule('IS_ENTITY_KIND', { kinds: ['component'] }),
            { not: rule('HAS_LABEL', { label: 'secret' }) },
            {
              anyOf: [
                rule('HAS_SPEC', { key: 'lifecycle', value: 'experimental' }),
                { not: { not: rule('HAS_METADATA', { key: 'title' }) } },
              ],
            },
          ],
        },
      ],
    };
    expect(catalogConditionsToQuery(decision(conditions))).toEqual({
      $any: [
        { 'relations.ownedBy': 'group:default/team-a' },
        {
          $all: [
            { kind: 'component' },
            { $not: { 'metadata.labels.secret': { $exists: true } } },
            {
              $any: [
                { 'spec.lifecycle': 'experimental' },
                { $not: { $not: { 'metadata.title': { $exists: true } } } },
              ],
            },
          ],
        },
      ],
    });
  });

  describe('is undefined (fall back to per-entity checks) for', () => {
    it.each([
      [
        'a custom rule',
        decision(rule('IS_IN_SYSTEM', { systemRef: 'system:default/x' })),
      ],
      [
        'a custom rule deep inside catalog rules',
        decision({
          allOf: [
            rule('IS_ENTITY_OWNER', { claims: ['group:default/team-a'] }),
            {
              anyOf: [
                rule('HAS_LABEL', { label: 'x' }),
                { not: rule('IS_IN_SYSTEM', { systemRef: 'x' }) },
              ],
            },
          ],
        }),
      ],
      [
        "another plugin's conditions",
        decision(rule('IS_ENTITY_OWNER', { claims: ['group:default/a'] }), {
          pluginId: 'scaffolder',
        }),
      ],
      [
        'another resource type',
        decision(
          {
            resourceType: 'scaffolder-template',
            rule: 'HAS_TAG',
            params: { tag: 'x' },
          },
          { resourceType: 'scaffolder-template' },
        ),
      ],
      [
        'a condition of another resource type inside',
        decision({
          anyOf: [
            rule('IS_ENTITY_KIND', { kinds: ['component'] }),
            { resourceType: 'other', rule: 'IS_ENTITY_KIND', params: {} },
          ],
        }),
      ],
      [
        'claims that are not a list of strings',
        decision(rule('IS_ENTITY_OWNER', { claims: 'group:default/a' })),
      ],
      [
        'an annotation param that is not a string',
        decision(rule('HAS_ANNOTATION', { annotation: 3 })),
      ],
      [
        'a value that is not a string',
        decision(rule('HAS_SPEC', { key: 'replicas', value: 3 })),
      ],
      [
        'a key the catalog would refuse',
        decision(rule('HAS_METADATA', { key: 'a\nb' })),
      ],
      ['a rule named like an Object property', decision(rule('toString', {}))],
    ])('%s', (_, d) => {
      expect(catalogConditionsToQuery(d)).toBeUndefined();
    });
  });
});
