import {
  APPLICATION_SLUG_PATTERN,
  ENVIRONMENT_NAME_PATTERN,
  KAFKA_HUB_ANNOTATIONS,
  KafkaHubAnnotation,
  MAX_PARTITIONS,
  MAX_TOPIC_NAME_LENGTH,
  TOPIC_NAME_PATTERN,
} from './constants';
import {
  AnnotationError,
  ConsumerGroupLink,
  ParsedKafkaAnnotations,
  SchemaSubjectLink,
  TopicSpec,
} from './types';
import { parseTopicConfigAnnotation } from './topicConfig';

/**
 * Anything carrying catalog metadata annotations, usually an Entity.
 *
 * @public
 */
export interface AnnotatedEntity {
  /** The entity's metadata; only its annotations are read. */
  metadata: { annotations?: Record<string, string | undefined> };
}

const A = KAFKA_HUB_ANNOTATIONS;

class AnnotationErrors {
  readonly list: AnnotationError[] = [];
  add(annotation: KafkaHubAnnotation, value: string, message: string) {
    this.list.push({ annotation, value, message });
  }
}

/** Splits a comma-separated list; empty items (`a,,b`, trailing comma) are errors. */
function splitList(
  annotation: KafkaHubAnnotation,
  raw: string,
  errors: AnnotationErrors,
): string[] | undefined {
  const items = raw.split(',').map(item => item.trim());
  if (items.some(item => item === '')) {
    errors.add(
      annotation,
      raw,
      raw.trim() === ''
        ? 'is empty; remove the annotation or list at least one value'
        : 'has an empty item; separate values with single commas',
    );
    return undefined;
  }
  return items;
}

function parseApplication(raw: string, errors: AnnotationErrors) {
  const slug = raw.trim();
  if (!APPLICATION_SLUG_PATTERN.test(slug)) {
    errors.add(
      A.application,
      raw,
      'must be a slug: a lower-case letter followed by at most 62 lower-case letters, digits or hyphens',
    );
    return undefined;
  }
  return slug;
}

function parseEnvironments(raw: string, errors: AnnotationErrors) {
  const items = splitList(A.environments, raw, errors);
  if (!items) return undefined;
  const bad = items.filter(env => !ENVIRONMENT_NAME_PATTERN.test(env));
  if (bad.length > 0) {
    errors.add(
      A.environments,
      raw,
      `invalid environment name ${bad.map(b => `"${b}"`).join(', ')}`,
    );
    return undefined;
  }
  return [...new Set(items)];
}

function parseTopics(
  raw: string,
  application: string | undefined,
  errors: AnnotationErrors,
): TopicSpec[] {
  const items = splitList(A.topics, raw, errors);
  if (!items) return [];
  const topics: TopicSpec[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  // The prefix `<application>.` counts against Kafka's topic name length.
  const prefixLength = application ? application.length + 1 : 0;
  for (const item of items) {
    const [name, partitionsText, ...rest] = item.split(':').map(s => s.trim());
    if (rest.length > 0) {
      problems.push(`"${item}" has more than one ':'`);
      continue;
    }
    if (!TOPIC_NAME_PATTERN.test(name) || name === '.' || name === '..') {
      problems.push(
        `"${name}" is not a legal topic name (letters, digits, '.', '_' and '-' only)`,
      );
      continue;
    }
    if (name.length + prefixLength > MAX_TOPIC_NAME_LENGTH) {
      problems.push(
        `"${name}" is too long: with its prefix it exceeds ${MAX_TOPIC_NAME_LENGTH} characters`,
      );
      continue;
    }
    if (seen.has(name)) {
      problems.push(`"${name}" is listed twice`);
      continue;
    }
    seen.add(name);
    if (partitionsText === undefined) {
      topics.push({ name });
      continue;
    }
    const partitions = /^\d+$/.test(partitionsText)
      ? Number(partitionsText)
      : NaN;
    if (
      !Number.isInteger(partitions) ||
      partitions < 1 ||
      partitions > MAX_PARTITIONS
    ) {
      problems.push(
        `"${item}" has an invalid partition count; use a whole number from 1 to ${MAX_PARTITIONS}`,
      );
      continue;
    }
    topics.push({ name, partitions });
  }
  if (problems.length > 0) {
    // One bad topic invalidates the list: provisioning a subset would
    // silently drop what the team declared.
    errors.add(A.topics, raw, problems.join('; '));
    return [];
  }
  return topics;
}

/**
 * Parses `<env>/<rest>` pairs; the first `/` separates, so `<rest>` may
 * contain more. The community annotation names a cluster instead: any name
 * the community plugin's config could hold, mapped to an environment by
 * the backend (environment names, then `aliases`).
 */
function parseEnvironmentPairs(
  annotation: KafkaHubAnnotation,
  raw: string,
  what: string,
  errors: AnnotationErrors,
): Array<{ environment: string; name: string }> {
  const items = splitList(annotation, raw, errors);
  if (!items) return [];
  const cluster = annotation === A.communityConsumerGroups;
  const pairs: Array<{ environment: string; name: string }> = [];
  const problems: string[] = [];
  for (const item of items) {
    const slash = item.indexOf('/');
    const environment = slash > 0 ? item.slice(0, slash).trim() : '';
    const name = slash > 0 ? item.slice(slash + 1).trim() : '';
    if (!environment || !name) {
      problems.push(
        `"${item}" is not of the form <${
          cluster ? 'cluster' : 'environment'
        }>/<${what}>`,
      );
    } else if (!cluster && !ENVIRONMENT_NAME_PATTERN.test(environment)) {
      problems.push(
        `"${item}" has an invalid environment name "${environment}"`,
      );
    } else {
      pairs.push({ environment, name });
    }
  }
  if (problems.length > 0) {
    errors.add(annotation, raw, problems.join('; '));
    return [];
  }
  return pairs;
}

/**
 * Reads every Kafka Hub annotation of an entity. Never throws: each malformed
 * annotation becomes an {@link AnnotationError} naming the annotation and the
 * bad value.
 *
 * @public
 */
export function parseKafkaAnnotations(
  entity: AnnotatedEntity,
): ParsedKafkaAnnotations {
  const annotations = entity.metadata.annotations ?? {};
  const errors = new AnnotationErrors();
  const read = (key: KafkaHubAnnotation) => {
    const value = annotations[key];
    return typeof value === 'string' ? value : undefined;
  };

  const rawApplication = read(A.application);
  const application =
    rawApplication === undefined
      ? undefined
      : parseApplication(rawApplication, errors);

  const rawEnvironments = read(A.environments);
  const environments =
    rawEnvironments === undefined
      ? undefined
      : parseEnvironments(rawEnvironments, errors);

  const rawTopics = read(A.topics);
  const errorsBeforeTopics = errors.list.length;
  let topics =
    rawTopics === undefined ? [] : parseTopics(rawTopics, application, errors);
  const topicsValid = errors.list.length === errorsBeforeTopics;

  const rawTopicConfig = read(A.topicConfig);
  if (rawTopicConfig !== undefined) {
    const configs = parseTopicConfigAnnotation(
      rawTopicConfig,
      topicsValid ? topics : undefined,
      errors.list,
    );
    if (configs) {
      topics = topics.map(topic => {
        const config = configs.get(topic.name);
        return config ? { ...topic, config } : topic;
      });
    }
  }

  const consumerGroups: ConsumerGroupLink[] = [];
  const seenGroups = new Set<string>();
  for (const source of [A.consumerGroups, A.communityConsumerGroups]) {
    const raw = read(source);
    if (raw === undefined) continue;
    for (const pair of parseEnvironmentPairs(source, raw, 'group', errors)) {
      const key = `${pair.environment}/${pair.name}`;
      if (seenGroups.has(key)) continue;
      seenGroups.add(key);
      consumerGroups.push({
        environment: pair.environment,
        groupId: pair.name,
        source,
      });
    }
  }

  const rawSubjects = read(A.schemaSubjects);
  const schemaSubjects: SchemaSubjectLink[] =
    rawSubjects === undefined
      ? []
      : parseEnvironmentPairs(
          A.schemaSubjects,
          rawSubjects,
          'subject',
          errors,
        ).map(pair => ({ environment: pair.environment, subject: pair.name }));

  if (application === undefined && rawApplication === undefined) {
    // Provisioning annotations mean nothing without an application.
    for (const key of [A.environments, A.topics, A.topicConfig]) {
      const raw = read(key);
      if (raw !== undefined) {
        errors.add(key, raw, `has no effect without ${A.application}`);
      }
    }
  }

  return {
    value: {
      application,
      environments,
      topics,
      consumerGroups,
      schemaSubjects,
    },
    errors: errors.list,
  };
}

/**
 * True when the entity declares itself a Kafka application, whether or not
 * the declaration is valid (an invalid one is shown as an error, not hidden).
 *
 * @public
 */
export function isKafkaApplication(entity: AnnotatedEntity): boolean {
  return Boolean(entity.metadata.annotations?.[A.application]);
}

/**
 * True when consumer groups may be linked to the entity: it declares a
 * Kafka application, or names groups in `kafka-hub.io/consumer-groups` or
 * the community plugin's `kafka.apache.org/consumer-groups`. Decides where
 * the `Consumer groups` tab shows.
 *
 * @public
 */
export function hasKafkaConsumerGroups(entity: AnnotatedEntity): boolean {
  const annotations = entity.metadata.annotations;
  return (
    isKafkaApplication(entity) ||
    Boolean(annotations?.[A.consumerGroups]) ||
    Boolean(annotations?.[A.communityConsumerGroups])
  );
}

/**
 * Formats an annotation error as one line, naming the annotation and the value.
 *
 * @public
 */
export function formatAnnotationError(error: AnnotationError): string {
  return `Annotation ${error.annotation}: "${error.value}" ${error.message}`;
}
