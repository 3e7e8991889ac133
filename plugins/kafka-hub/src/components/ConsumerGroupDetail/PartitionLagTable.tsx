import { ChangeEvent, useMemo, useState } from 'react';
import { PartitionLag } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import InputAdornment from '@material-ui/core/InputAdornment';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import { formatCount, TimeLagText } from '../ConsumerGroupTable';
import {
  IdText,
  PAGE_SIZES,
  pageSizeOptions,
  useTableTextStyles,
} from '../ListControls';

type Column =
  | 'topic'
  | 'partition'
  | 'committed'
  | 'end'
  | 'lag'
  | 'timeLag'
  | 'member';

/**
 * Props of {@link PartitionLagTable}.
 *
 * @public
 */
export interface PartitionLagTableProps {
  /** Latest offsets of every partition of the group. */
  partitions: PartitionLag[];
  /** Rows per page at first; the user may change it. */
  pageSize?: number;
}

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  filter: { minWidth: 220 },
  noCommit: {
    fontStyle: 'italic',
    color: theme.palette.warning.dark,
    textDecoration: 'underline dotted',
    cursor: 'help',
    whiteSpace: 'nowrap',
  },
  muted: { color: theme.palette.text.secondary },
}));

const NO_COMMIT_HELP =
  'The group has no committed offset on this partition, so its lag is unknown — not zero. ' +
  'It starts consuming where its auto.offset.reset policy says once assigned.';

const value = (
  p: PartitionLag,
  column: Column,
): number | string | undefined => {
  switch (column) {
    case 'topic':
      return p.topic;
    case 'partition':
      return p.partition;
    case 'committed':
      return p.committedOffset;
    case 'end':
      return p.endOffset;
    case 'lag':
      return p.lag;
    case 'timeLag':
      return p.timeLagSeconds;
    default:
      return p.clientId ?? p.memberId;
  }
};

const compareValues = (
  a: number | string | undefined,
  b: number | string | undefined,
): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
};

/** Sorted by a column; partitions without the value always go last. */
export function sortPartitions(
  partitions: PartitionLag[],
  column: Column,
  direction: 'asc' | 'desc',
): PartitionLag[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...partitions].sort((x, y) => {
    const a = value(x, column);
    const b = value(y, column);
    if (a === undefined || b === undefined) {
      if (a !== b) return a === undefined ? 1 : -1;
    } else {
      const c = compareValues(a, b) * sign;
      if (c !== 0) return c;
    }
    return x.topic.localeCompare(y.topic) || x.partition - y.partition;
  });
}

/**
 * The latest offsets of a group's partitions: topic, partition, committed
 * offset ("no commit" kept apart from zero), end offset, lag, estimated time
 * lag and owning member. Sortable by every column, the most lagging first,
 * filtered by topic and paged in the browser, so thousands of partitions
 * render one page at a time.
 *
 * @public
 */
export const PartitionLagTable = ({
  partitions,
  pageSize: initialPageSize = 25,
}: PartitionLagTableProps) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const [sort, setSort] = useState<{
    column: Column;
    direction: 'asc' | 'desc';
  }>({ column: 'lag', direction: 'desc' });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [filter, setFilter] = useState('');

  const filtered = useMemo(() => {
    const text = filter.trim().toLocaleLowerCase('en-US');
    return text
      ? partitions.filter(p =>
          p.topic.toLocaleLowerCase('en-US').includes(text),
        )
      : partitions;
  }, [partitions, filter]);
  const sorted = useMemo(
    () => sortPartitions(filtered, sort.column, sort.direction),
    [filtered, sort],
  );
  const lastPage = Math.max(0, Math.ceil(sorted.length / pageSize) - 1);
  const shownPage = Math.min(page, lastPage);
  const rows = sorted.slice(shownPage * pageSize, (shownPage + 1) * pageSize);
  const withoutCommit = partitions.filter(
    p => p.committedOffset === undefined,
  ).length;
  const topics = new Set(partitions.map(p => p.topic)).size;

  const header = (column: Column, label: string, align?: 'right') => (
    <TableCell
      align={align}
      sortDirection={sort.column === column ? sort.direction : false}
    >
      <TableSortLabel
        active={sort.column === column}
        direction={sort.column === column ? sort.direction : 'asc'}
        onClick={() => {
          setPage(0);
          setSort(prev => {
            if (prev.column === column) {
              return {
                column,
                direction: prev.direction === 'asc' ? 'desc' : 'asc',
              };
            }
            // Numbers that matter most when large start descending.
            const descending = ['lag', 'timeLag', 'committed', 'end'];
            return {
              column,
              direction: descending.includes(column) ? 'desc' : 'asc',
            };
          });
        }}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    <Box>
      <Box className={classes.toolbar}>
        <Typography variant="body2" color="textSecondary">
          {`${formatCount(partitions.length)} partition${
            partitions.length === 1 ? '' : 's'
          } of ${topics} topic${topics === 1 ? '' : 's'}`}
          {withoutCommit > 0 &&
            ` · ${formatCount(withoutCommit)} without a committed offset`}
        </Typography>
        <TextField
          className={classes.filter}
          label="Filter by topic"
          value={filter}
          onChange={e => {
            setFilter(e.target.value);
            setPage(0);
          }}
          inputProps={{ 'aria-label': 'Filter partitions by topic' }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
      </Box>
      {partitions.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No partition offsets yet: the group has no committed offsets and
          subscribes to no topic the sampler knows, or it was not sampled yet.
        </Typography>
      ) : (
        <>
          <TableContainer>
            <Table
              size="small"
              aria-label="Partition lag"
              className={tableText.table}
            >
              <TableHead>
                <TableRow>
                  {header('topic', 'Topic')}
                  {header('partition', 'Partition', 'right')}
                  {header('committed', 'Committed offset', 'right')}
                  {header('end', 'End offset', 'right')}
                  {header('lag', 'Lag', 'right')}
                  {header('timeLag', 'Time lag', 'right')}
                  {header('member', 'Member')}
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={7}>
                      <Typography variant="body2" color="textSecondary">
                        No partition of a topic matching “{filter.trim()}”.
                      </Typography>
                    </TableCell>
                  </TableRow>
                )}
                {rows.map(p => (
                  <TableRow key={`${p.topic}\u0000${p.partition}`}>
                    <TableCell className={tableText.idCell}>
                      <IdText text={p.topic} />
                    </TableCell>
                    <TableCell align="right">{p.partition}</TableCell>
                    <TableCell align="right">
                      {p.committedOffset === undefined ? (
                        <Tooltip title={NO_COMMIT_HELP}>
                          <span className={classes.noCommit}>no commit</span>
                        </Tooltip>
                      ) : (
                        formatCount(p.committedOffset)
                      )}
                    </TableCell>
                    <TableCell align="right">
                      {formatCount(p.endOffset)}
                    </TableCell>
                    <TableCell align="right">
                      {p.lag === undefined ? (
                        <Tooltip title={NO_COMMIT_HELP}>
                          <span className={classes.muted}>unknown</span>
                        </Tooltip>
                      ) : (
                        formatCount(p.lag)
                      )}
                    </TableCell>
                    <TableCell align="right">
                      <TimeLagText
                        seconds={
                          p.committedOffset === undefined
                            ? undefined
                            : p.timeLagSeconds
                        }
                      />
                    </TableCell>
                    <TableCell>
                      {p.memberId ? (
                        <Tooltip title={`Member id: ${p.memberId}`}>
                          <span className={tableText.id}>
                            {p.clientId || p.memberId}
                          </span>
                        </Tooltip>
                      ) : (
                        <span className={classes.muted}>unassigned</span>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <TablePagination
            component="div"
            count={sorted.length}
            page={shownPage}
            rowsPerPage={pageSize}
            rowsPerPageOptions={pageSizeOptions(PAGE_SIZES, pageSize)}
            onPageChange={(_e, next) => setPage(next)}
            onRowsPerPageChange={(e: ChangeEvent<HTMLInputElement>) => {
              setPageSize(Number(e.target.value));
              setPage(0);
            }}
          />
        </>
      )}
    </Box>
  );
};
