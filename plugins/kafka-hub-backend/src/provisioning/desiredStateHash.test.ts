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
