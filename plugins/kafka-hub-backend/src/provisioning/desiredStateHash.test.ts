import { canonicalDesiredState, desiredStateHash } from './desiredStateHash';

describe('desiredStateHash', () => {
  it('is a sha256 hex digest', () => {
    expect(desiredStateHash({ environments: [], topics: [] })).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it('ignores the order of environments and topics', () => {
    const a = desiredStateHash({
      environments: ['prod', 'dev'],
      topics: [{ name: 'payments', partitions: 12 }, { name: 'orders' }],
    });
    const b = desiredStateHash({
      environments: ['dev', 'prod'],
      topics: [{ name: 'orders' }, { name: 'payments', partitions: 12 }],
    });
    expect(a).toBe(b);
  });

  it('treats an absent and an undefined partition count alike', () => {
    expect(
      desiredStateHash({ environments: ['dev'], topics: [{ name: 'orders' }] }),
    ).toBe(
      desiredStateHash({
        environments: ['dev'],
        topics: [{ name: 'orders', partitions: undefined }],
      }),
    );
  });

  it('changes with environments, topic names and partition counts', () => {
    const base = { environments: ['dev'], topics: [{ name: 'orders' }] };
    const hashes = new Set([
      desiredStateHash(base),
      desiredStateHash({ ...base, environments: ['dev', 'prod'] }),
      desiredStateHash({ ...base, topics: [{ name: 'order' }] }),
      desiredStateHash({
        ...base,
        topics: [{ name: 'orders', partitions: 3 }],
      }),
      desiredStateHash({ ...base, topics: [] }),
    ]);
    expect(hashes.size).toBe(5);
  });

  it('changes with topic configs, whatever their order; none is like before configs existed', () => {
    const state = (config?: Record<string, string>) =>
      desiredStateHash({
        environments: ['dev'],
        topics: [{ name: 'orders', ...(config ? { config } : {}) }],
      });
    expect(state({ 'retention.ms': '7d', 'cleanup.policy': 'compact' })).toBe(
      state({ 'cleanup.policy': 'compact', 'retention.ms': '7d' }),
    );
    expect(
      new Set([
        state(),
        state({ 'retention.ms': '7d' }),
        state({ 'retention.ms': '8d' }),
        state({ 'retention.bytes': '7d' }),
      ]).size,
    ).toBe(4);
    expect(state({})).toBe(state());
    expect(
      canonicalDesiredState({
        environments: ['dev'],
        topics: [
          { name: 'a', config: { 'segment.ms': '1h', 'retention.ms': '7d' } },
        ],
      }),
    ).toBe(
      '{"environments":["dev"],"topics":[{"name":"a","partitions":null,"config":[["retention.ms","7d"],["segment.ms","1h"]]}]}',
    );
  });

  it('has a canonical JSON form', () => {
    expect(
      canonicalDesiredState({
        environments: ['prod', 'dev', 'dev'],
        topics: [{ name: 'b', partitions: 2 }, { name: 'a' }],
      }),
    ).toBe(
      '{"environments":["dev","prod"],"topics":[{"name":"a","partitions":null},{"name":"b","partitions":2}]}',
    );
  });
});
