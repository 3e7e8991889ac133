import { ConsumerGroupState } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * Group states from the healthiest to the least healthy: a bucket of
 * samples shows the least healthy state it saw, so a rebalance or an
 * Empty spell between Stable samples stays visible on a coarse chart.
 */
const BY_SEVERITY: readonly ConsumerGroupState[] = [
  'Stable',
  'Assigning',
  'Reconciling',
  'CompletingRebalance',
  'PreparingRebalance',
  'NotReady',
  'Unknown',
  'Empty',
  'Dead',
];

/**
 * SQL for the severity rank of a state column, for `MAX(...)` over a
 * bucket: null where no state was recorded (rollups from before), which
 * `MAX` skips. The names are this module's constants, never input.
 */
export function stateSeveritySql(column: 'state'): string {
  const whens = BY_SEVERITY.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ');
  return `CASE ${column} ${whens} END`;
}

/** The state of a rank `stateSeveritySql` gave; undefined for none. */
export function stateOfSeverity(
  rank: number | string | null | undefined,
): ConsumerGroupState | undefined {
  if (rank === null || rank === undefined) return undefined;
  return BY_SEVERITY[Number(rank)];
}

/** The less healthy of two states (either may be unknown). */
export function lessHealthyState(
  a: ConsumerGroupState | undefined,
  b: ConsumerGroupState | undefined,
): ConsumerGroupState | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return BY_SEVERITY.indexOf(a) >= BY_SEVERITY.indexOf(b) ? a : b;
}
