import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useDebounce from 'react-use/esm/useDebounce';

/** Debounce of a list's search field, in milliseconds. */
const SEARCH_DEBOUNCE_MS = 300;
/** Page sizes a list offers. */
export const PAGE_SIZES = [10, 25, 50, 100];
export const DEFAULT_PAGE_SIZE = 25;
/** The largest page size read from a URL. */
const MAX_PAGE_SIZE = 500;

/** Reads a page size or page number from the URL, falling back when invalid. */
function positive(text: string | null, fallback: number): number {
  const n = Number(text);
  return text !== null && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** `value` when it is one of `allowed`, else undefined. */
export function oneOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
): T | undefined {
  return (allowed as readonly string[]).includes(value ?? '')
    ? (value as T)
    : undefined;
}

/** The URL state of a paged, filtered list; see {@link useListQuery}. */
export interface ListQuery {
  /** A parameter of this list, e.g. `get('environment')`. */
  get(name: string): string | null;
  /** Sets (or clears, with '') parameters; filters go back to page 1. */
  update(changes: Record<string, string>, keepPage?: boolean): void;
  /** The search in the URL. */
  search: string;
  /** What the search field shows; it reaches the URL once typing pauses. */
  searchInput: string;
  setSearchInput(value: string): void;
  /** Zero-based. */
  page: number;
  pageSize: number;
}

/**
 * A list's filters, search, page and page size, kept in the URL query
 * string (replacing the history entry) so a list can be linked and comes
 * back as it was. `queryPrefix` keeps two lists on one page apart
 * (`groups.` gives `?groups.environment=dev`).
 */
export function useListQuery(queryPrefix = ''): ListQuery {
  const [params, setParams] = useSearchParams();
  const get = (name: string) => params.get(`${queryPrefix}${name}`);
  const search = get('search') ?? '';
  const pageSize = Math.min(
    positive(get('pageSize'), DEFAULT_PAGE_SIZE),
    MAX_PAGE_SIZE,
  );
  const page = positive(get('page'), 1) - 1;

  const update = (changes: Record<string, string>, keepPage = false) => {
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(`${queryPrefix}${key}`, value);
          else next.delete(`${queryPrefix}${key}`);
        }
        if (!keepPage) next.delete(`${queryPrefix}page`);
        return next;
      },
      { replace: true },
    );
  };

  const [searchInput, setSearchInput] = useState(search);
  useEffect(
    () => setSearchInput(prev => (prev.trim() === search ? prev : search)),
    [search],
  );
  useDebounce(
    () => {
      if (searchInput.trim() !== search) {
        update({ search: searchInput.trim() });
      }
    },
    SEARCH_DEBOUNCE_MS,
    [searchInput],
  );

  return {
    get,
    update,
    search,
    searchInput,
    setSearchInput,
    page,
    pageSize,
  };
}
