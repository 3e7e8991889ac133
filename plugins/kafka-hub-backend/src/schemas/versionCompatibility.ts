import { VersionCompatibilityRecord } from '../database/schemas/types';
import {
  CompatibilityCheck,
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';

/** The question asked of the registry once for each version Kafka Hub sees arrive. */
export interface CompatibilityQuestion {
  subject: string;
  version: number;
  /** The version's own schema. */
  schema: CompatibilityCheck;
  /** The subject's level in force (or the global one) when the version was first seen. */
  level: string;
  /** The versions below `version` the registry holds, live or soft-deleted. */
  earlier: number[];
}

/** The answer, and why the registry could not give one. */
export interface CompatibilityOutcome {
  compatibility: VersionCompatibilityRecord;
  /** Whether the registry was asked (nothing is asked under NONE or of a first version). */
  asked: boolean;
  /** Why the registry did not answer: pending (asked again) or unknown (final). */
  error?: string;
}

/**
 * Asks the registry whether a version is compatible with the versions
 * before it under the level in force, one
 * `POST /compatibility/subjects/{subject}/versions/{earlier}` per earlier
 * version the level covers: the one before for BACKWARD, FORWARD and FULL,
 * each one before (newest first, stopping at the first incompatible) for
 * the `*_TRANSITIVE` levels. Not the versionless
 * `POST /compatibility/subjects/{subject}/versions`: Apicurio 3 checks it
 * against every version whatever the level (later ones too, and BACKWARD
 * as if it were BACKWARD_TRANSITIVE) and needs write permission for it.
 *
 * Under NONE the registry checks nothing and answers "compatible" for any
 * schema, and neither API can ask under another level without changing the
 * subject's level (a write that would change what producers may register):
 * the version is recorded `unchecked`, never `compatible`.
 */
export async function askCompatibility(
  client: SchemaRegistryClient,
  question: CompatibilityQuestion,
  now: () => Date,
  signal?: AbortSignal,
): Promise<CompatibilityOutcome> {
  const { subject, version, schema, level } = question;
  const earlier = question.earlier
    .filter(v => v < version)
    .sort((a, b) => b - a);
  if (earlier.length === 0) {
    return { compatibility: { status: 'first', level }, asked: false };
  }
  if (level === 'NONE') {
    return { compatibility: { status: 'unchecked', level }, asked: false };
  }
  const targets = level.endsWith('_TRANSITIVE') ? earlier : [earlier[0]];
  const compatibleWith: number[] = [];
  try {
    for (const target of targets) {
      const answer = await client.checkCompatibilityWithVersion(
        subject,
        target,
        schema,
        { signal },
      );
      if (!answer.compatible) {
        return {
          compatibility: {
            status: 'incompatible',
            level,
            against: [target],
            checkedAt: now(),
          },
          asked: true,
        };
      }
      compatibleWith.push(target);
    }
  } catch (error) {
    if (signal?.aborted) {
      throw error;
    }
    if (cannotBeAnswered(error)) {
      // Asking again would get the same answer: known to be unknown.
      return {
        compatibility: { status: 'unknown', level },
        asked: true,
        error: registryErrorText(error),
      };
    }
    return {
      compatibility: { status: 'pending', level },
      asked: true,
      error: registryErrorText(error),
    };
  }
  return {
    compatibility: {
      status: 'compatible',
      level,
      against: compatibleWith.sort((a, b) => a - b),
      checkedAt: now(),
    },
    asked: true,
  };
}

/**
 * Final, unlike a failure of the registry (5xx, garbage, no answer), after
 * which the question is asked again: the registry's own 404 (a version gone
 * since the listing) or 422 (a schema it cannot process), and 401 or 403
 * (Confluent files the check under SUBJECT_WRITE, which a read-only
 * identity lacks: asking every version again at every sync would only
 * pile up refusals).
 */
function cannotBeAnswered(error: unknown): boolean {
  if (!(error instanceof SchemaRegistryError)) return false;
  if (error.status === 401 || error.status === 403) return true;
  return (
    error.errorCode !== undefined &&
    (error.status === 404 || error.status === 422)
  );
}
