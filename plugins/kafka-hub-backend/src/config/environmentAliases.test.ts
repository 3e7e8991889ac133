import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { clusterEnvironments } from './environmentAliases';
import { readKafkaHubConfig } from './readKafkaHubConfig';

const kafka = { brokers: ['127.0.0.1:9092'] };

/** Reads `kafkaHub.environments` holding `environments`. */
const read = (environments: JsonObject) =>
  readKafkaHubConfig(new ConfigReader({ kafkaHub: { environments } }))
    .environments;

describe('kafkaHub.environments.<env>.aliases', () => {
  it("reads each environment's aliases, none by default", () => {
    const environments = read({
      prod: { kafka, aliases: ['prod-eu-west.kafka', 'Legacy Cluster'] },
      dev: { kafka },
    });
    expect(environments.map(e => [e.name, e.aliases])).toEqual([
      ['prod', ['prod-eu-west.kafka', 'Legacy Cluster']],
      ['dev', []],
    ]);
  });

  it('maps a community cluster name to its environment: names first, then aliases', () => {
    const environmentOf = clusterEnvironments(
      read({
        prod: { kafka, aliases: ['prod-eu-west.kafka', 'prod'] },
        dev: { kafka, aliases: ['local'] },
      }),
    );
    expect(environmentOf('prod')).toBe('prod');
    expect(environmentOf('dev')).toBe('dev');
    expect(environmentOf('prod-eu-west.kafka')).toBe('prod');
    expect(environmentOf('local')).toBe('dev');
    // Exact, like the community plugin's own lookup of `kafka.clusters`.
    expect(environmentOf('Local')).toBeUndefined();
    expect(environmentOf('staging')).toBeUndefined();
  });

  it.each([
    [
      'another environment',
      { prod: { kafka, aliases: ['dev'] }, dev: { kafka } },
      'kafkaHub.environments.prod.aliases: "dev" is already the environment "dev"; a cluster name may stand for one environment only',
    ],
    [
      "another environment's alias",
      {
        prod: { kafka, aliases: ['main'] },
        dev: { kafka, aliases: ['main'] },
      },
      'kafkaHub.environments.dev.aliases: "main" is already an alias of the environment "prod"; a cluster name may stand for one environment only',
    ],
  ])(
    'refuses an alias that is %s, naming the key',
    (_, environments, message) => {
      expect(() => read(environments)).toThrow(message);
    },
  );

  it.each([
    ['a list of strings', 'prod-cluster', 'kafkaHub.environments.prod.aliases'],
    ['a list of strings', [3], 'kafkaHub.environments.prod.aliases'],
    [
      'free of commas',
      ['a,b'],
      'kafkaHub.environments.prod.aliases: "a,b" is not a cluster name an annotation can name',
    ],
    [
      'free of slashes',
      ['eu/prod'],
      'kafkaHub.environments.prod.aliases: "eu/prod" is not a cluster name an annotation can name',
    ],
    [
      'free of blanks at the ends',
      [' prod-cluster'],
      'kafkaHub.environments.prod.aliases: " prod-cluster" is not a cluster name an annotation can name',
    ],
  ])('refuses aliases that are not %s: %j', (_, aliases, message) => {
    expect(() => read({ prod: { kafka, aliases } })).toThrow(message);
  });
});
