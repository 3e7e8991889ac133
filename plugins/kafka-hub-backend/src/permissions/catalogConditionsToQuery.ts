import { QueryEntitiesInitialRequest } from '@backstage/catalog-client';
import {
  ConditionalPolicyDecision,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';

/** A catalog query predicate (`query` of queryEntities and streamEntities). */
export type CatalogQuery = NonNullable<QueryEntitiesInitialRequest['query']>;

/** Matches no entity: the catalog reads an empty `$any` as false. */
export const MATCH_NOTHING: CatalogQuery = { $any: [] };

const CATALOG_PLUGIN_ID = 'catalog';
const CATALOG_ENTITY = 'catalog-entity';

type JsonValue = unknown;

/**
 * The catalog's own rules, each as the `{ key, values }` search filter its
 * `toQuery` returns (see @backstage/plugin-catalog-backend permissions/rules),
 * or undefined when the params are not what the rule expects.
 */
const CATALOG_RULES: Record<
  string,
  (params: Record<string, JsonValue>) => SearchFilter | undefined
> = {
  IS_ENTITY_OWNER: ({ claims }) =>
    stringArray(claims)
      ? { key: 'relations.ownedBy', values: claims }
      : undefined,
  IS_ENTITY_KIND: ({ kinds }) =>
    stringArray(kinds)
      ? { key: 'kind', values: kinds.map(kind => kind.toLowerCase()) }
      : undefined,
  HAS_ANNOTATION: ({ annotation, value }) =>
    keyAndValue(`metadata.annotations.`, annotation, value),
  HAS_LABEL: ({ label, value }) =>
    keyAndValue(`metadata.labels.`, label, value),
  HAS_METADATA: ({ key, value }) => keyAndValue(`metadata.`, key, value),
  HAS_SPEC: ({ key, value }) => keyAndValue(`spec.`, key, value),
};

interface SearchFilter {
  key: string;
  values?: string[];
}

/**
 * Turns the conditions of a conditional decision on `catalog-entity` into
 * the catalog query that selects the same entities, the way the catalog's
 * AuthorizedEntitiesCatalog does for its own lists (rule `toQuery`, then
 * allOf/anyOf/not as `$all`/`$any`/`$not`). Undefined when any condition
 * is not one of the catalog's rules with valid params (a custom rule, or
 * another plugin's resource), so the caller must ask per entity instead.
 */
export function catalogConditionsToQuery(
  decision: Pick<
    ConditionalPolicyDecision,
    'pluginId' | 'resourceType' | 'conditions'
  >,
): CatalogQuery | undefined {
  if (
    decision.pluginId !== CATALOG_PLUGIN_ID ||
    decision.resourceType !== CATALOG_ENTITY
  ) {
    return undefined;
  }
  return criteriaToQuery(decision.conditions);
}

function criteriaToQuery(
  criteria: PermissionCriteria<PermissionCondition>,
): CatalogQuery | undefined {
  if (typeof criteria !== 'object' || criteria === null) return undefined;
  if ('allOf' in criteria) {
    const parts = convertAll(criteria.allOf);
    return parts && { $all: parts };
  }
  if ('anyOf' in criteria) {
    const parts = convertAll(criteria.anyOf);
    return parts && { $any: parts };
  }
  if ('not' in criteria) {
    const inner = criteriaToQuery(criteria.not);
    return inner && { $not: inner };
  }
  return conditionToQuery(criteria);
}

function convertAll(list: unknown): CatalogQuery[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const parts: CatalogQuery[] = [];
  for (const item of list) {
    const part = criteriaToQuery(item);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts;
}

function conditionToQuery(
  condition: PermissionCondition,
): CatalogQuery | undefined {
  if (condition.resourceType !== CATALOG_ENTITY) return undefined;
  const rule = Object.hasOwn(CATALOG_RULES, condition.rule)
    ? CATALOG_RULES[condition.rule]
    : undefined;
  const params = condition.params ?? {};
  if (!rule || typeof params !== 'object' || Array.isArray(params)) {
    return undefined;
  }
  const filter = rule(params as Record<string, JsonValue>);
  return filter && searchFilterToQuery(filter);
}

/** The catalog's entityFilterToFilterPredicate for one search filter. */
function searchFilterToQuery({ key, values }: SearchFilter): CatalogQuery {
  if (values === undefined) return fieldQuery(key, { $exists: true });
  // `$in: []` is no valid SQL on every database; nothing matches anyway.
  if (values.length === 0) return MATCH_NOTHING;
  if (values.length === 1) return fieldQuery(key, values[0]);
  return fieldQuery(key, { $in: values });
}

/**
 * `{ [key]: value }`: the predicate type cannot tell a computed key from
 * an operator (`$all`, ...); keys here never start with `$`.
 */
export function fieldQuery(
  key: string,
  value: string | { $exists: true } | { $in: string[] },
): CatalogQuery {
  return { [key]: value } as CatalogQuery;
}

function keyAndValue(
  prefix: string,
  name: JsonValue,
  value: JsonValue,
): SearchFilter | undefined {
  // The catalog refuses query keys that start with `$` or hold line breaks.
  if (typeof name !== 'string' || name === '' || /[\r\n]/.test(name)) {
    return undefined;
  }
  if (value !== undefined && typeof value !== 'string') return undefined;
  return value === undefined
    ? { key: `${prefix}${name}` }
    : { key: `${prefix}${name}`, values: [value] };
}

function stringArray(value: JsonValue): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}
