export {
  ALL,
  FilterSelect,
  ListPagination,
  ListSearchField,
  pageSizeOptions,
} from './ListControls';
export { oneOf, PAGE_SIZES, useListQuery } from './useListQuery';
export type { ListQuery } from './useListQuery';
export { IdText, useTableTextStyles } from './tableText';
