/**
 * The default namespace prefix pattern: `{application}.`.
 *
 * @public
 */
export const DEFAULT_NAMESPACE_PATTERN = '{application}.';

/**
 * The prefix of an application's topics, consumer groups and transactional
 * ids in every environment.
 *
 * @public
 */
export function applicationPrefix(
  application: string,
  pattern: string = DEFAULT_NAMESPACE_PATTERN,
): string {
  return pattern.split('{application}').join(application);
}
