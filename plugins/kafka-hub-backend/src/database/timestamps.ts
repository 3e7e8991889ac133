/** A timestamp column as a driver returns it. */
export type StoredTimestamp = Date | string | number;

const SQLITE_UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;

/**
 * Reads a timestamp column. PostgreSQL returns Dates; SQLite returns what was
 * stored: milliseconds for bound Dates, or `YYYY-MM-DD HH:MM:SS` (UTC) from
 * CURRENT_TIMESTAMP.
 */
export function readTimestamp(value: StoredTimestamp): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value));
  }
  return new Date(
    SQLITE_UTC.test(value) ? `${value.replace(' ', 'T')}Z` : value,
  );
}

/** Reads a nullable timestamp column; undefined for NULL. */
export function readOptionalTimestamp(
  value: StoredTimestamp | null | undefined,
): Date | undefined {
  return value === null || value === undefined
    ? undefined
    : readTimestamp(value);
}
