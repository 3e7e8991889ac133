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
  const earlier = question.earlier.filter(v => v < version);
  if (earlier.length === 0) {
    return { compatibility: { status: 'first', level }, asked: false };
  }
  if (level === 'NONE') {
    return { compatibility: { status: 'unchecked', level }, asked: false };
  }
  let verdict: VersionsVerdict;
  try {
    verdict = await checkAgainstVersions(
      client,
      subject,
      schema,
      level,
      earlier,
      signal,
    );
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
    compatibility: verdict.compatible
      ? {
          status: 'compatible',
          level,
          against: [...verdict.against].sort((a, b) => a - b),
          checkedAt: now(),
        }
      : {
          status: 'incompatible',
          level,
          against: verdict.against,
          checkedAt: now(),
        },
    asked: true,
  };
}

/** The registry's verdict on a schema against the versions a level covers. */
export interface VersionsVerdict {
  compatible: boolean;
  /**
   * When compatible, every version asked about (newest first); when not,
   * the one version the schema breaks.
   */
  against: number[];
  /** The registry's reasons for an incompatible answer. */
  messages: string[];
}

/**
 * Asks the registry whether a schema is compatible with a subject's
 * versions under a level other than NONE, one
 * `POST /compatibility/subjects/{subject}/versions/{version}` per version
 * the level covers: the newest of `versions` for BACKWARD, FORWARD and
 * FULL, each of them for the `*_TRANSITIVE` levels, newest first and
 * stopping at the first incompatible one. The registry applies the
 * subject's level in force to each pair. Registry failures are thrown.
 */
async function checkAgainstVersions(
  client: SchemaRegistryClient,
  subject: string,
  schema: CompatibilityCheck,
  level: string,
  versions: number[],
  signal?: AbortSignal,
): Promise<VersionsVerdict> {
  const newestFirst = [...versions].sort((a, b) => b - a);
  const targets = level.endsWith('_TRANSITIVE')
    ? newestFirst
    : newestFirst.slice(0, 1);
  const against: number[] = [];
  for (const target of targets) {
    const answer = await client.checkCompatibilityWithVersion(
      subject,
      target,
      schema,
      { signal },
    );
    if (!answer.compatible) {
      return {
        compatible: false,
        against: [target],
        messages: answer.messages,
      };
    }
    against.push(target);
  }
  return { compatible: true, against, messages: [] };
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

/** The registry's answer to "would it accept this schema as the next version?". */
export interface ProposalVerdict extends VersionsVerdict {
  /** The subject's level in force (or the global one) that the check followed. */
  level: string;
}

/**
 * Checks a proposed next version of a subject the way registration would:
 * against the live versions the subject's level in force covers (see
 * `checkAgainstVersions`). Under NONE, or for a subject without live
 * versions, the registry accepts any schema and nothing is asked: the
 * verdict is compatible with `against` empty.
 */
export async function checkProposal(
  client: SchemaRegistryClient,
  subject: string,
  proposal: CompatibilityCheck,
  signal?: AbortSignal,
): Promise<ProposalVerdict> {
  const versions = await client.listVersions(subject, { signal });
  const level =
    (await client.getSubjectCompatibility(subject, { signal })) ??
    (await client.getGlobalCompatibility({ signal }));
  if (level === 'NONE' || versions.length === 0) {
    return { level, compatible: true, against: [], messages: [] };
  }
  const verdict = await checkAgainstVersions(
    client,
    subject,
    proposal,
    level,
    versions,
    signal,
  );
  return { level, ...verdict };
}
