import { ChangeEvent } from 'react';
import FormControl from '@material-ui/core/FormControl';
import InputAdornment from '@material-ui/core/InputAdornment';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import { DEFAULT_PAGE_SIZE, ListQuery, PAGE_SIZES } from './useListQuery';

const useStyles = makeStyles({
  search: { minWidth: 240, flexGrow: 1, maxWidth: 420 },
  select: { minWidth: 150 },
});

/** The value of a {@link FilterSelect} that filters nothing. */
export const ALL = '';

/** A labelled filter whose first option ({@link ALL}) filters nothing. */
export const FilterSelect = (props: {
  /** Makes the label's id, `<idPrefix>-<id>-label`. */
  idPrefix: string;
  id: string;
  label: string;
  value: string;
  allLabel: string;
  options: Array<[value: string, label: string]>;
  onChange: (value: string) => void;
}) => {
  const classes = useStyles();
  const labelId = `${props.idPrefix}-${props.id}-label`;
  return (
    <FormControl className={classes.select}>
      <InputLabel id={labelId} shrink>
        {props.label}
      </InputLabel>
      <Select
        labelId={labelId}
        // An id on the shown value puts it in the accessible name after the
        // label ("Format All formats"), as a screen reader user hears it.
        SelectDisplayProps={{ id: `${props.idPrefix}-${props.id}-value` }}
        value={props.value}
        displayEmpty
        onChange={e => props.onChange(String(e.target.value))}
      >
        <MenuItem value={ALL}>{props.allLabel}</MenuItem>
        {props.options.map(([value, label]) => (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
};

/** The search field of a list, bound to its {@link ListQuery}. */
export const ListSearchField = (props: {
  query: ListQuery;
  placeholder: string;
  /** Accessible name, e.g. "Search schemas". */
  ariaLabel: string;
}) => {
  const classes = useStyles();
  return (
    <TextField
      className={classes.search}
      label="Search"
      placeholder={props.placeholder}
      value={props.query.searchInput}
      onChange={e => props.query.setSearchInput(e.target.value)}
      inputProps={{ 'aria-label': props.ariaLabel, maxLength: 200 }}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon fontSize="small" />
          </InputAdornment>
        ),
      }}
    />
  );
};

/** The offered page sizes, with `current` among them. */
export function pageSizeOptions(sizes: number[], current: number): number[] {
  return sizes.includes(current)
    ? sizes
    : [...sizes, current].sort((a, b) => a - b);
}

/**
 * Pagination of a list paged on the server, bound to its
 * {@link ListQuery}: the page shown never passes the last one.
 */
export const ListPagination = (props: { query: ListQuery; total: number }) => {
  const { query, total } = props;
  const { page, pageSize, update } = query;
  return (
    <TablePagination
      component="div"
      count={total}
      page={Math.min(page, Math.max(0, Math.ceil(total / pageSize) - 1))}
      rowsPerPage={pageSize}
      rowsPerPageOptions={pageSizeOptions(PAGE_SIZES, pageSize)}
      onPageChange={(_e, next) =>
        update({ page: next > 0 ? String(next + 1) : '' }, true)
      }
      onRowsPerPageChange={(e: ChangeEvent<HTMLInputElement>) =>
        update({
          pageSize:
            Number(e.target.value) === DEFAULT_PAGE_SIZE
              ? ''
              : String(e.target.value),
        })
      }
    />
  );
};
