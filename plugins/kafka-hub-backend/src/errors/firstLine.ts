/**
 * The first line of an error text: what callers without admin read get,
 * and what one-line summaries show.
 */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}
