export {
  ALL,
  FilterSelect,
  ListPagination,
  ListSearchField,
  pageSizeOptions,
} from './ListControls';
export {
  DEFAULT_PAGE_SIZE,
  oneOf,
  PAGE_SIZES,
  positive,
  SEARCH_DEBOUNCE_MS,
  useListQuery,
} from './useListQuery';
export type { ListQuery } from './useListQuery';
