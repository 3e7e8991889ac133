import { formatBytes, formatEstimate, formatRetention } from './format';

describe('topic formats', () => {
  it('writes sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 ** 3)).toBe('20 GiB');
    expect(formatBytes(150 * 1024 ** 2)).toBe('150 MiB');
  });

  it('writes retentions in the largest whole unit', () => {
    expect(formatRetention(-1)).toBe('forever');
    expect(formatRetention(604_800_000)).toBe('7 days');
    expect(formatRetention(3_600_000)).toBe('1 hour');
    expect(formatRetention(90_000)).toBe('90 seconds');
    expect(formatRetention(1500)).toBe('1500 ms');
  });

  it('marks message counts as estimates', () => {
    expect(formatEstimate(1234567)).toBe('~1,234,567');
  });
});
