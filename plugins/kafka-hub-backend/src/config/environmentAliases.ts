import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

// `kafkaHub.environments.<env>.aliases`: the cluster names of the community
// Kafka plugin (`kafka.clusters[].name`) that stand for an environment in
// its `kafka.apache.org/consumer-groups` annotation.

/**
 * Reads the aliases of one environment. The community annotation splits
 * items at `,` and cluster from group at the first `/`, and trims each
 * part, so an alias holding either, or blanks at its ends, could never
 * match.
 */
export function readEnvironmentAliases(config: Config, path: string): string[] {
  const aliases = config.getOptionalStringArray('aliases') ?? [];
  for (const alias of aliases) {
    if (alias.trim() !== alias || alias === '' || /[,/]/.test(alias)) {
      throw new InputError(
        `${path}.aliases: "${alias}" is not a cluster name an annotation can name (no ',' or '/', no blanks at either end)`,
      );
    }
  }
  return [...new Set(aliases)];
}

/**
 * Throws when an alias is another environment's name or alias: the
 * cluster name would stand for two environments.
 */
export function assertDistinctAliases(
  environments: ReadonlyArray<{ name: string; aliases?: string[] }>,
): void {
  const holders = new Map<string, string>(
    environments.map(e => [e.name, `the environment "${e.name}"`]),
  );
  for (const { name, aliases = [] } of environments) {
    for (const alias of aliases) {
      const holder = holders.get(alias);
      if (holder !== undefined && alias !== name) {
        throw new InputError(
          `kafkaHub.environments.${name}.aliases: "${alias}" is already ${holder}; a cluster name may stand for one environment only`,
        );
      }
      holders.set(alias, `an alias of the environment "${name}"`);
    }
  }
}

/**
 * The environment a community cluster name stands for: the environment of
 * that name, else the one listing it in `aliases`; undefined when none.
 */
export function clusterEnvironments(
  environments: ReadonlyArray<{ name: string; aliases?: string[] }>,
): (cluster: string) => string | undefined {
  const byCluster = new Map<string, string>();
  for (const { name, aliases = [] } of environments) {
    for (const alias of aliases) byCluster.set(alias, name);
  }
  // Names last, so they win (assertDistinctAliases forbids a clash anyway).
  for (const { name } of environments) byCluster.set(name, name);
  return cluster => byCluster.get(cluster);
}
