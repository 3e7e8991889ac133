import { KAFKA_HUB_ANNOTATIONS } from './constants';
import { AnnotationError, TopicSpec } from './types';

const A = KAFKA_HUB_ANNOTATIONS;

/** Milliseconds per duration unit of a `*.ms` config. */
const DURATION_UNITS: Record<string, bigint> = {
  ms: 1n,
  s: 1000n,
  m: 60_000n,
  h: 3_600_000n,
  d: 86_400_000n,
  w: 604_800_000n,
};

/** Bytes per size unit of a `*.bytes` config. */
const SIZE_UNITS: Record<string, bigint> = {
  B: 1n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: 1024n ** 3n,
  TiB: 1024n ** 4n,
};

const CLEANUP_POLICIES = new Set(['delete', 'compact']);

/** Kafka's config names: lower-case words joined by dots. */
const CONFIG_NAME_PATTERN = /^[a-z][a-z0-9]*(\.[a-z0-9]+)*$/;

/** `<n><unit>` with one of `units`, in Kafka's unit; undefined if not of that form. */
function scaled(
  text: string,
  units: Record<string, bigint>,
): string | undefined {
  const match = /^(\d+)\s*([A-Za-z]+)$/.exec(text);
  const factor = match ? units[match[2]] : undefined;
  if (!match || factor === undefined) return undefined;
  return (BigInt(match[1]) * factor).toString();
}

/**
 * Reads one topic config value as a team or the platform writes it, into
 * the value Kafka takes: `*.ms` keys accept durations (`7d`, `12h`, `30m`,
 * `45s`, `500ms`, `2w`), `*.bytes` keys sizes (`512MiB`, `1GiB`), besides
 * plain whole numbers (`-1` for no limit); `cleanup.policy` is `delete`,
 * `compact` or both. Other values are passed on for the broker to check.
 *
 * @public
 */
export function parseTopicConfigValue(
  key: string,
  text: string,
): { value: string } | { error: string } {
  const value = text.trim();
  if (value === '') {
    return { error: `${key} has no value` };
  }
  if (key.endsWith('.ms')) {
    if (/^-?\d+$/.test(value)) return { value };
    const ms = scaled(value, DURATION_UNITS);
    return ms !== undefined
      ? { value: ms }
      : {
          error: `${key} must be a whole number of milliseconds or a duration such as 7d, 12h or 30m, got "${value}"`,
        };
  }
  if (key.endsWith('.bytes')) {
    if (/^-?\d+$/.test(value)) return { value };
    const bytes = scaled(value, SIZE_UNITS);
    return bytes !== undefined
      ? { value: bytes }
      : {
          error: `${key} must be a whole number of bytes or a size such as 512MiB or 1GiB, got "${value}"`,
        };
  }
  if (key === 'cleanup.policy') {
    const policies = value.split(',').map(policy => policy.trim());
    if (
      policies.some(policy => !CLEANUP_POLICIES.has(policy)) ||
      new Set(policies).size !== policies.length
    ) {
      return {
        error: `cleanup.policy must be delete, compact or compact,delete, got "${value}"`,
      };
    }
    return { value: policies.join(',') };
  }
  if (/\s/.test(value)) {
    return { error: `${key} must be one word, got "${value}"` };
  }
  return { value };
}

/**
 * A topic's declared configs in the values Kafka takes. Throws on a value
 * that does not parse (the annotation parser lets none through).
 *
 * @public
 */
export function kafkaTopicConfig(
  config: Record<string, string> | undefined,
): Record<string, string> {
  const kafka: Record<string, string> = {};
  for (const [key, text] of Object.entries(config ?? {})) {
    const parsed = parseTopicConfigValue(key, text);
    if ('error' in parsed) throw new Error(parsed.error);
    kafka[key] = parsed.value;
  }
  return kafka;
}

/** The `<key>=<value>, ...` of one entry, as written. */
function parsePairs(
  pairs: string,
): { config: Record<string, string> } | { error: string } {
  // A piece without '=' continues the previous value: list values such as
  // cleanup.policy=compact,delete contain commas themselves.
  const assignments: Array<[string, string]> = [];
  for (const piece of pairs.split(',')) {
    const equals = piece.indexOf('=');
    if (equals < 0) {
      const last = assignments[assignments.length - 1];
      if (!last || piece.trim() === '') {
        return {
          error: `"${piece.trim()}" is not of the form <config>=<value>`,
        };
      }
      last[1] = `${last[1]},${piece.trim()}`;
      continue;
    }
    assignments.push([piece.slice(0, equals).trim(), piece.slice(equals + 1)]);
  }
  const config: Record<string, string> = {};
  for (const [key, text] of assignments) {
    if (!CONFIG_NAME_PATTERN.test(key)) {
      return {
        error: `"${key}" is not a config name (lower-case words joined by dots, e.g. retention.ms)`,
      };
    }
    if (key in config) {
      return { error: `sets ${key} twice` };
    }
    const parsed = parseTopicConfigValue(key, text);
    if ('error' in parsed) return { error: parsed.error };
    config[key] = text.trim();
  }
  return { config };
}

/**
 * Reads `kafka-hub.io/topic-config`: one line (or `;`-separated entry) per
 * topic, `orders: retention.ms=7d, cleanup.policy=compact`. Each bad entry
 * is an error of its own, naming the entry; a topic that
 * `kafka-hub.io/topics` does not declare is one too. The configs are kept
 * as written; {@link kafkaTopicConfig} gives Kafka's values.
 *
 * @param declared - the topics of `kafka-hub.io/topics`, or undefined when
 *   that annotation is malformed (no entry is then called undeclared).
 * @returns the configs by topic name, or undefined when any entry is bad.
 */
export function parseTopicConfigAnnotation(
  raw: string,
  declared: TopicSpec[] | undefined,
  errors: AnnotationError[],
): Map<string, Record<string, string>> | undefined {
  const annotation = A.topicConfig;
  const entries = raw
    .split(/[\n;]/)
    .map(entry => entry.trim())
    .filter(entry => entry !== '');
  if (entries.length === 0) {
    errors.push({
      annotation,
      value: raw,
      message:
        'is empty; remove the annotation or configure at least one topic',
    });
    return undefined;
  }
  const names = declared && new Set(declared.map(topic => topic.name));
  const seen = new Set<string>();
  const configs = new Map<string, Record<string, string>>();
  let valid = true;
  const problem = (entry: string): string | undefined => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      return 'is not of the form <topic>: <config>=<value>, ...';
    }
    const topic = entry.slice(0, colon).trim();
    const pairs = entry.slice(colon + 1).trim();
    if (seen.has(topic)) {
      return `configures topic "${topic}" a second time`;
    }
    seen.add(topic);
    if (names && !names.has(topic)) {
      return `configures topic "${topic}", which ${A.topics} does not declare`;
    }
    if (pairs === '') {
      return `sets no config for topic "${topic}"`;
    }
    const parsed = parsePairs(pairs);
    if ('error' in parsed) return parsed.error;
    configs.set(topic, parsed.config);
    return undefined;
  };
  for (const entry of entries) {
    const message = problem(entry);
    if (message) {
      errors.push({ annotation, value: entry, message });
      valid = false;
    }
  }
  return valid ? configs : undefined;
}

/**
 * What a platform permits topics to declare, from Kafka Hub's configuration.
 *
 * @public
 */
export interface TopicDeclarationRules {
  /** Configs a team may set in `kafka-hub.io/topic-config`. */
  allowedConfigs: readonly string[];
  /** The fewest partitions any of the application's environments allows, and which one. */
  maxPartitions?: { limit: number; environment: string };
}

/**
 * The errors of topics that parse but ask for more than the platform
 * permits: a config outside the allow-list (one error per config, naming
 * it) or more partitions than an environment allows.
 *
 * @public
 */
export function topicDeclarationErrors(
  topics: TopicSpec[],
  rules: TopicDeclarationRules,
): AnnotationError[] {
  const allowed = new Set(rules.allowedConfigs);
  const errors: AnnotationError[] = [];
  for (const topic of topics) {
    const { maxPartitions } = rules;
    if (
      maxPartitions &&
      topic.partitions !== undefined &&
      topic.partitions > maxPartitions.limit
    ) {
      errors.push({
        annotation: A.topics,
        value: `${topic.name}:${topic.partitions}`,
        message: `asks for ${topic.partitions} partitions; environment ${maxPartitions.environment} allows at most ${maxPartitions.limit}`,
      });
    }
    for (const [key, value] of Object.entries(topic.config ?? {})) {
      if (!allowed.has(key)) {
        errors.push({
          annotation: A.topicConfig,
          value: `${topic.name}: ${key}=${value}`,
          message: `sets ${key}, which is not a topic config teams may set here (allowed: ${
            rules.allowedConfigs.join(', ') || 'none'
          })`,
        });
      }
    }
  }
  return errors;
}
