/** BIGINT and aggregate columns come back as strings from PostgreSQL. */
export function toNumber(value: number | string | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function toOptionalNumber(
  value: number | string | null | undefined,
): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
