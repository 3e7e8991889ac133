/**
 * The path of a consumer group's detail page, relative to where a group
 * list is mounted: `[prefix/]<environment>/<groupId>`, each segment
 * URL-encoded (group ids may contain `/`, `:`, spaces or any unicode).
 *
 * @public
 */
export function consumerGroupDetailPath(
  environment: string,
  groupId: string,
  prefix?: string,
): string {
  return [prefix, encodeURIComponent(environment), encodeURIComponent(groupId)]
    .filter(Boolean)
    .join('/');
}

/**
 * Navigation state a list passes to a group's detail page, so "Back to
 * consumer groups" returns to the same filters and page.
 */
export interface ConsumerGroupListLocationState {
  listSearch?: string;
}
