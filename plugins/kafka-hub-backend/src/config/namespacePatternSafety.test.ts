import { ConfigReader } from '@backstage/config';
import { applicationPrefix } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { readKafkaHubConfig } from './readKafkaHubConfig';

const read = (kafkaHub: object) =>
  readKafkaHubConfig(new ConfigReader({ kafkaHub }));

describe('kafkaHub.namespacePattern at start-up', () => {
  it.each([
    ['{application}', 'a', 'ab'],
    ['{application}-x', 'a', 'a-x'],
    ['team-{application}', 'a', 'ab'],
    ['{application}-', 'a', 'a-'],
    ['{application}-a-', 'a', 'a-a'],
    ['{application}ab', 'a', 'aab'],
  ])(
    'rejects %p, naming two applications whose prefixes overlap',
    (pattern, a, b) => {
      const [prefixA, prefixB] = [a, b].map(s => applicationPrefix(s, pattern));
      // The example in the error is a real overlap.
      expect(prefixB.startsWith(prefixA)).toBe(true);
      expect(() => read({ namespacePattern: pattern })).toThrow(
        `kafkaHub.namespacePattern "${pattern}" is unsafe: one application's prefix can be a prefix of another's (application "${a}" gets "${prefixA}", which starts "${prefixB}" of application "${b}"). Follow {application} with a character that cannot occur in an application slug (anything but a-z, 0-9 and '-'), e.g. "{application}." or "team.{application}_"`,
      );
    },
  );

  it('rejects {application} more than once', () => {
    expect(() =>
      read({ namespacePattern: '{application}.{application}.' }),
    ).toThrow(
      'kafkaHub.namespacePattern "{application}.{application}." must contain {application} exactly once',
    );
  });

  it.each([
    '{application}.',
    'team.{application}_',
    'x-{application}.y',
    '{application}A',
    // Slug characters first, but no slug can continue into them.
    '{application}-.',
    '{application}9.',
  ])('accepts %p', pattern => {
    expect(read({ namespacePattern: pattern }).namespacePattern).toBe(pattern);
    // Spot check: no prefix of these slugs starts another's.
    const slugs = ['a', 'a-', 'a9', 'a-9', 'a--', 'ab', 'a99'];
    for (const s of slugs) {
      for (const t of slugs) {
        if (s === t) continue;
        expect(
          applicationPrefix(t, pattern).startsWith(
            applicationPrefix(s, pattern),
          ),
        ).toBe(false);
      }
    }
  });

  it('reads kafkaHub.claims.releaseAfter, 7 days by default', () => {
    expect(read({}).claims).toEqual({ releaseAfterMs: 7 * 86_400_000 });
    expect(read({ claims: { releaseAfter: '2h' } }).claims).toEqual({
      releaseAfterMs: 7_200_000,
    });
    expect(() => read({ claims: { releaseAfter: 'soon' } })).toThrow(
      'kafkaHub.claims.releaseAfter is not a valid duration',
    );
  });
});
