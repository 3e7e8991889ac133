/**
 * The path of a subject's detail page, relative to where a schema list is
 * mounted: `[prefix/]<environment>/<subject>`, each segment URL-encoded
 * (subjects may contain `/`, `:`, spaces or any unicode).
 *
 * @public
 */
export function schemaDetailPath(
  environment: string,
  subject: string,
  prefix?: string,
): string {
  return [prefix, encodeURIComponent(environment), encodeURIComponent(subject)]
    .filter(Boolean)
    .join('/');
}

/**
 * Navigation state a list passes to the detail page, so "Back to schemas"
 * returns to the same filters and page.
 */
export interface SchemaListLocationState {
  listSearch?: string;
}
