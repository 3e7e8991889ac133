import { ReactNode, useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';

const PAGE_SIZE = 25;

export interface PagedTableColumn<T> {
  title?: string;
  align?: 'right';
  render: (item: T) => ReactNode;
  /** Keep the cell on one line (names, times): never broken mid-word. */
  noWrap?: boolean;
}

/**
 * One page at a time of a list the server pages (`limit`/`offset`, with
 * its total): a progress bar while the first page loads, the error, the
 * `empty` text, or the rows and, past one page, the pagination. `load`
 * must be stable (e.g. from useCallback); a new `reloadKey` loads the page
 * again.
 */
export function PagedTable<T>(props: {
  ariaLabel: string;
  load: (page: {
    limit: number;
    offset: number;
  }) => Promise<{ items: T[]; total: number }>;
  reloadKey?: unknown;
  errorTitle: string;
  empty: ReactNode;
  rowKey: (item: T) => string;
  columns: PagedTableColumn<T>[];
}) {
  const { ariaLabel, load, reloadKey, errorTitle, empty, rowKey, columns } =
    props;
  const [page, setPage] = useState(0);
  const { value, loading, error } = useAsync(
    () => load({ limit: PAGE_SIZE, offset: page * PAGE_SIZE }),
    [load, page, reloadKey],
  );

  if (loading && !value) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} title={errorTitle} />;
  }
  if (!value || value.total === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {empty}
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label={ariaLabel}>
        <TableHead>
          <TableRow>
            {columns.map((column, i) => (
              <TableCell key={i} align={column.align}>
                {column.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map(item => (
            <TableRow key={rowKey(item)}>
              {columns.map((column, i) => (
                <TableCell
                  key={i}
                  align={column.align}
                  style={column.noWrap ? { whiteSpace: 'nowrap' } : undefined}
                >
                  {column.render(item)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {value.total > PAGE_SIZE && (
        <TablePagination
          component="div"
          count={value.total}
          page={page}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
          onPageChange={(_, next) => setPage(next)}
        />
      )}
    </>
  );
}
