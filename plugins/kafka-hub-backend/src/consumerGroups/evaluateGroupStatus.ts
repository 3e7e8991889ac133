import {
  ConsumerGroupState,
  ConsumerGroupStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** What the status evaluation needs of one sample of a group. */
export interface StatusSample {
  sampledAtMs: number;
  totalLag: number;
  /** Sum of committed offsets: unchanged means nothing was committed. */
  committedSum: number;
  rewound: boolean;
  state: ConsumerGroupState;
  memberCount: number;
}

export interface StatusEvaluation {
  status: ConsumerGroupStatus;
  reason: string;
}

/** Samples a trend (growing lag, no progress) needs before it counts. */
const MIN_TREND_SAMPLES = 3;

/**
 * States in which the coordinator has members in the group, whatever member
 * count Kafka Hub holds (share and streams groups are listed without their
 * members, and a group that could not be described keeps its last ones).
 */
const LIVE_STATES: ReadonlySet<ConsumerGroupState> = new Set([
  'Stable',
  'PreparingRebalance',
  'CompletingRebalance',
  'Assigning',
  'Reconciling',
  'NotReady',
]);

/** Whether nobody consumes: the coordinator says so, or no member is known in a state that has none. */
function nobodyConsumes(sample: StatusSample): boolean {
  if (sample.state === 'Empty' || sample.state === 'Dead') return true;
  return sample.memberCount === 0 && !LIVE_STATES.has(sample.state);
}

const count = (n: number) => n.toLocaleString('en-US');

function span(window: StatusSample[]): string {
  const ms = window[window.length - 1].sampledAtMs - window[0].sampledAtMs;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.round(minutes / 60)}h`;
}

/**
 * Burrow-style status of a group from its samples in the window, oldest
 * first, the current sample last. Evaluated in order of severity:
 *
 * 1. REWIND: a committed offset went backwards in the window.
 * 2. STOP: messages wait and nobody consumes: the group is Empty or Dead
 *    (or has no members in no live state). A group in a live state (Stable,
 *    rebalancing, Assigning, Reconciling) is never STOP: its state is the
 *    coordinator's own, the KIP-848 protocol's included.
 * 3. STALL: members are there, lag stayed above zero over the window and
 *    not a single offset was committed.
 * 4. WARN: lag grew at every sample over the window, never reaching zero,
 *    while offsets were committed.
 * 5. OK otherwise.
 *
 * `rewindDetail` names the partition when the current sample rewound.
 */
export function evaluateGroupStatus(
  window: StatusSample[],
  rewindDetail?: string,
): StatusEvaluation {
  const current = window[window.length - 1];
  if (!current) {
    return { status: 'OK', reason: 'Not sampled yet' };
  }

  if (current.rewound) {
    return {
      status: 'REWIND',
      reason: `A committed offset went backwards${
        rewindDetail ? ` (${rewindDetail})` : ''
      }: the group is re-reading messages`,
    };
  }
  const rewind = window.find(s => s.rewound);
  if (rewind) {
    return {
      status: 'REWIND',
      reason: `A committed offset went backwards at ${new Date(
        rewind.sampledAtMs,
      ).toISOString()}: the group is re-reading messages`,
    };
  }

  const lag = current.totalLag;
  if (lag > 0 && nobodyConsumes(current)) {
    return {
      status: 'STOP',
      reason: `No consumer is running (group ${current.state}, ${
        current.memberCount
      } members) while ${count(lag)} messages wait`,
    };
  }

  if (window.length >= MIN_TREND_SAMPLES) {
    const first = window[0];
    const alwaysLagging = window.every(s => s.totalLag > 0);
    const noCommits = window.every(s => s.committedSum === first.committedSum);
    if (alwaysLagging && noCommits) {
      const who =
        current.memberCount > 0
          ? `${current.memberCount} member${
              current.memberCount === 1 ? ' is' : 's are'
            } connected`
          : `The group is ${current.state}`;
      return {
        status: 'STALL',
        reason: `${who} but no offset was committed in the last ${span(
          window,
        )} while ${count(lag)} messages wait`,
      };
    }
    const growing = window.every(
      (s, i) => i === 0 || s.totalLag >= window[i - 1].totalLag,
    );
    if (alwaysLagging && growing && lag > first.totalLag) {
      return {
        status: 'WARN',
        reason: `Lag grew from ${count(first.totalLag)} to ${count(
          lag,
        )} over the last ${span(window)} although the group is committing`,
      };
    }
  }

  return {
    status: 'OK',
    reason:
      lag === 0
        ? 'Caught up: no lag'
        : `Consuming: lag ${count(lag)} is not growing`,
  };
}
