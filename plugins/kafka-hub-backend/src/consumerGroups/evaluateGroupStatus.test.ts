import { evaluateGroupStatus, StatusSample } from './evaluateGroupStatus';

const samples = (
  values: Array<[lag: number, committed: number]>,
  overrides: Partial<StatusSample> = {},
): StatusSample[] =>
  values.map(([totalLag, committedSum], i) => ({
    sampledAtMs: i * 30_000,
    totalLag,
    committedSum,
    rewound: false,
    state: 'Stable',
    memberCount: 2,
    ...overrides,
  }));

describe('evaluateGroupStatus', () => {
  it('is OK when caught up or when lag is not growing', () => {
    expect(
      evaluateGroupStatus(
        samples([
          [0, 10],
          [0, 12],
          [0, 15],
        ]),
      ),
    ).toEqual({
      status: 'OK',
      reason: 'Caught up: no lag',
    });
    expect(
      evaluateGroupStatus(
        samples([
          [50, 10],
          [80, 40],
          [60, 90],
        ]),
      ).status,
    ).toBe('OK');
  });

  it('warns when lag grows at every sample while the group commits', () => {
    expect(
      evaluateGroupStatus(
        samples([
          [10, 100],
          [10, 150],
          [1200, 200],
        ]),
      ),
    ).toEqual({
      status: 'WARN',
      reason:
        'Lag grew from 10 to 1,200 over the last 60s although the group is committing',
    });
    // Growing once is not a trend yet.
    expect(
      evaluateGroupStatus(
        samples([
          [10, 100],
          [20, 150],
        ]),
      ).status,
    ).toBe('OK');
  });

  it('stalls when members commit nothing while lag stays above zero', () => {
    expect(
      evaluateGroupStatus(
        samples([
          [5, 100],
          [9, 100],
          [12, 100],
        ]),
      ),
    ).toEqual({
      status: 'STALL',
      reason:
        '2 members are connected but no offset was committed in the last 60s while 12 messages wait',
    });
    // Lag at zero in the window: nothing was waiting.
    expect(
      evaluateGroupStatus(
        samples([
          [0, 100],
          [9, 100],
          [12, 100],
        ]),
      ).status,
    ).toBe('OK');
  });

  it('stops when nobody consumes and messages wait', () => {
    expect(
      evaluateGroupStatus(
        samples([[7, 1]], { state: 'Empty', memberCount: 0 }),
      ),
    ).toEqual({
      status: 'STOP',
      reason:
        'No consumer is running (group Empty, 0 members) while 7 messages wait',
    });
    expect(
      evaluateGroupStatus(samples([[0, 1]], { state: 'Empty', memberCount: 0 }))
        .status,
    ).toBe('OK');
  });

  it('never stops a group in a live state, KIP-848 states included', () => {
    // A KIP-848 group as ConsumerGroupDescribe reports it: Stable, 1 member.
    const kip848 = evaluateGroupStatus(
      samples(
        [
          [40, 100],
          [30, 130],
          [35, 160],
        ],
        { state: 'Stable', memberCount: 1 },
      ),
    );
    expect(kip848).toEqual({
      status: 'OK',
      reason: 'Consuming: lag 35 is not growing',
    });
    for (const state of [
      'Assigning',
      'Reconciling',
      'PreparingRebalance',
      'CompletingRebalance',
    ] as const) {
      expect(
        evaluateGroupStatus(samples([[12, 5]], { state, memberCount: 1 })),
      ).toEqual({ status: 'OK', reason: 'Consuming: lag 12 is not growing' });
    }
    // Members not known (a share group, or one that could not be
    // described): its live state still says someone consumes.
    const unknownMembers = evaluateGroupStatus(
      samples([[9, 1]], { state: 'Stable', memberCount: 0 }),
    );
    expect(unknownMembers.status).toBe('OK');
    expect(unknownMembers.reason).not.toContain('Dead');
    // Stalled with its members unknown: said without a member count.
    expect(
      evaluateGroupStatus(
        samples(
          [
            [5, 100],
            [9, 100],
            [12, 100],
          ],
          { state: 'Stable', memberCount: 0 },
        ),
      ),
    ).toEqual({
      status: 'STALL',
      reason:
        'The group is Stable but no offset was committed in the last 60s while 12 messages wait',
    });
  });

  it('stops a group the coordinator reports without consumers', () => {
    expect(
      evaluateGroupStatus(samples([[7, 1]], { state: 'Dead', memberCount: 0 })),
    ).toEqual({
      status: 'STOP',
      reason:
        'No consumer is running (group Dead, 0 members) while 7 messages wait',
    });
    // No member and no state to tell otherwise.
    expect(
      evaluateGroupStatus(
        samples([[7, 1]], { state: 'Unknown', memberCount: 0 }),
      ).status,
    ).toBe('STOP');
  });

  it('reports a rewind for as long as it is in the window, before anything else', () => {
    const window = samples(
      [
        [5, 100],
        [90, 10],
        [95, 10],
      ],
      {
        state: 'Empty',
        memberCount: 0,
      },
    );
    window[2].rewound = true;
    expect(evaluateGroupStatus(window, 'orders[0] from 100 to 10')).toEqual({
      status: 'REWIND',
      reason:
        'A committed offset went backwards (orders[0] from 100 to 10): the group is re-reading messages',
    });
    window[2].rewound = false;
    window[1].rewound = true;
    expect(evaluateGroupStatus(window).reason).toBe(
      'A committed offset went backwards at 1970-01-01T00:00:30.000Z: the group is re-reading messages',
    );
  });
});
