import { SchemaVersionCompatibility } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** A version's compatibility for the timeline: a short label and what it means. */
export interface VersionCompatibilityText {
  label: string;
  detail: string;
  /** Worth the reader's attention: not compatible, or nothing was checked. */
  notable: boolean;
}

/** `v2`, `v1–v4` for consecutive versions, `v1, v3` otherwise. */
export function versionsText(versions: number[]): string {
  const sorted = [...versions].sort((a, b) => a - b);
  const consecutive = sorted.every(
    (v, i) => i === 0 || v === sorted[i - 1] + 1,
  );
  if (sorted.length > 2 && consecutive) {
    return `v${sorted[0]}–v${sorted[sorted.length - 1]}`;
  }
  return sorted.map(v => `v${v}`).join(', ');
}

export function versionCompatibilityText(
  compatibility: SchemaVersionCompatibility,
): VersionCompatibilityText {
  const { status, level, against = [] } = compatibility;
  switch (status) {
    case 'compatible':
      return {
        label: 'Compatible',
        detail: `with ${versionsText(against)} under ${level}`,
        notable: false,
      };
    case 'incompatible':
      return {
        label: 'Not compatible',
        detail: `with ${versionsText(against)} under ${level}`,
        notable: true,
      };
    case 'first':
      return {
        label: 'First version',
        detail: level
          ? `nothing before it to check; seen under ${level}`
          : 'nothing before it to check',
        notable: false,
      };
    case 'unchecked':
      return {
        label: 'Not checked',
        detail: `seen under ${level}, which checks nothing`,
        notable: true,
      };
    case 'pending':
      return {
        label: 'Not known yet',
        detail: `seen under ${level}; the registry did not answer, asked again at the next sync`,
        notable: false,
      };
    default:
      return {
        label: 'Unknown',
        detail: level
          ? `seen under ${level}; the registry could not answer under it`
          : 'already registered when Kafka Hub first synced the subject; level unknown',
        notable: false,
      };
  }
}
