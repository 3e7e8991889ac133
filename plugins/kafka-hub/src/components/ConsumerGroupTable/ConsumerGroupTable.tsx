import { ChangeEvent, MouseEvent, useEffect, useMemo, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  ConsumerGroup,
  ConsumerGroupLifecycle,
  ConsumerGroupState,
} from '@internal/plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import IconButton from '@material-ui/core/IconButton';
import InputAdornment from '@material-ui/core/InputAdornment';
import InputLabel from '@material-ui/core/InputLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
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
import RefreshIcon from '@material-ui/icons/Refresh';
import SearchIcon from '@material-ui/icons/Search';
import Alert from '@material-ui/lab/Alert';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import useDebounce from 'react-use/esm/useDebounce';
import { kafkaHubApiRef } from '../../api';
import { ListConsumerGroupsRequest } from '../../api/KafkaHubApi';
import { errorMessage } from '../ProvisioningCommon';
import {
  ConsumerGroupStateText,
  ConsumerGroupStatusChip,
  TimeLagText,
  TotalLagText,
} from './ConsumerGroupBadges';
import {
  formatDuration,
  LIFECYCLE_LABELS,
  STATE_LABELS,
  TIME_LAG_EXPLANATION,
} from './format';
import { LagSparkline } from './LagSparkline';
import { ConsumerGroupListLocationState } from './links';
import { CONSUMER_GROUP_REFRESH_MS, usePolledAsync } from './usePolledAsync';

/** Debounce of the search field, in milliseconds. */
export const SEARCH_DEBOUNCE_MS = 300;
export const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;
const ALL = '';

type Sort = NonNullable<ListConsumerGroupsRequest['sort']>;
const SORTS: Sort[] = ['lag', 'timeLag', 'name'];
const DEFAULT_SORT: Sort = 'lag';

/** @public */
export interface ConsumerGroupTableProps {
  /**
   * Only groups linked to these entities; undefined lists everything the
   * caller may read (unlinked groups too, for admins).
   */
  entityRefs?: string[];
  /**
   * Environments offered by the environment filter, beside those of the
   * listed groups and the one in the URL.
   */
  environments?: string[];
  /** Shows the column of the entity each group belongs to. */
  showEntity?: boolean;
  title?: string;
  subheader?: string;
  /** Where a group's detail is, relative to the list's route. */
  detailLink: (group: ConsumerGroup) => string;
  /** What the empty state says when no group exists at all. */
  emptyDescription?: string;
  /**
   * Prefix of the table's URL query parameters, for a page with other lists
   * (e.g. `groups.` gives `?groups.environment=dev`). Default: none
   * (`?environment=dev`).
   */
  queryPrefix?: string;
  /** Reload interval while the page is visible; false: only on demand. */
  refreshIntervalMs?: number | false;
}

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  search: { minWidth: 240, flexGrow: 1, maxWidth: 420 },
  select: { minWidth: 150 },
  row: { cursor: 'pointer' },
  mono: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
  number: { whiteSpace: 'nowrap' },
  headerHelp: { textDecoration: 'underline dotted', cursor: 'help' },
}));

/** Reads a page size or page number from the URL, falling back when invalid. */
function positive(text: string | null, fallback: number): number {
  const n = Number(text);
  return text !== null && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

function oneOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
): T | undefined {
  return (allowed as readonly string[]).includes(value ?? '')
    ? (value as T)
    : undefined;
}

const DEFAULT_EMPTY_DESCRIPTION =
  "Kafka Hub discovers each environment's consumer groups on a schedule and samples their lag. " +
  'A group shows here once it is discovered and linked to an application you may read: ' +
  "by the application's prefix (<application>.<group>) or the kafka-hub.io/consumer-groups " +
  'and kafka.apache.org/consumer-groups annotations.';

const FilterSelect = (props: {
  id: string;
  label: string;
  value: string;
  allLabel: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
}) => {
  const classes = useStyles();
  const labelId = `consumer-group-filter-${props.id}-label`;
  return (
    <FormControl className={classes.select}>
      <InputLabel id={labelId} shrink>
        {props.label}
      </InputLabel>
      <Select
        labelId={labelId}
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

/**
 * The consumer groups the caller may read, paged on the server: search
 * (debounced), environment, state, lifecycle and has-lag filters and the
 * sort (total lag, time lag or name) kept in the URL query string
 * (`?environment=dev&state=Stable&hasLag=true&sort=timeLag&page=2`), a
 * status chip with its reason, the estimated time lag, a sparkline of recent
 * lag, and a row per group that opens its detail. Reloads every 30 s while
 * the page is visible.
 *
 * @public
 */
export const ConsumerGroupTable = (props: ConsumerGroupTableProps) => {
  const {
    entityRefs,
    environments,
    showEntity = false,
    title = 'Consumer groups',
    subheader,
    detailLink,
    emptyDescription = DEFAULT_EMPTY_DESCRIPTION,
    queryPrefix = '',
    refreshIntervalMs = CONSUMER_GROUP_REFRESH_MS,
  } = props;
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const get = (name: string) => params.get(`${queryPrefix}${name}`);

  const environment = get('environment') ?? ALL;
  const state = oneOf<ConsumerGroupState>(get('state'), CONSUMER_GROUP_STATES);
  const lifecycle = oneOf<ConsumerGroupLifecycle>(
    get('lifecycle'),
    CONSUMER_GROUP_LIFECYCLES,
  );
  const hasLagParam = oneOf(get('hasLag'), ['true', 'false'] as const);
  const sort = oneOf(get('sort'), SORTS) ?? DEFAULT_SORT;
  const search = get('search') ?? '';
  const pageSize = Math.min(positive(get('pageSize'), DEFAULT_PAGE_SIZE), 500);
  const page = positive(get('page'), 1) - 1;

  /** Sets (or clears, with '') URL parameters; filters go back to page 1. */
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

  // The search field updates the URL once typing pauses.
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

  const request: ListConsumerGroupsRequest = {
    entityRefs,
    environment: environment || undefined,
    state,
    lifecycle,
    hasLag: hasLagParam === undefined ? undefined : hasLagParam === 'true',
    search: search || undefined,
    sort,
    limit: pageSize,
    offset: page * pageSize,
  };
  const key = JSON.stringify(request);
  const { value, loading, error, refresh } = usePolledAsync(
    () => api.listConsumerGroups(JSON.parse(key) as ListConsumerGroupsRequest),
    key,
    refreshIntervalMs,
    { keepPrevious: true },
  );

  const environmentOptions = useMemo(() => {
    const names = new Set(environments ?? []);
    for (const item of value?.items ?? []) names.add(item.environment);
    if (environment) names.add(environment);
    return [...names].sort();
  }, [environments, value, environment]);

  const filtered = !!(
    environment ||
    state ||
    lifecycle ||
    hasLagParam ||
    search
  );
  const locationState: ConsumerGroupListLocationState = {
    listSearch: location.search,
  };

  const sortHeader = (column: Sort, label: string, help?: string) => {
    const text = help ? (
      <Tooltip title={help}>
        <span className={classes.headerHelp}>{label}</span>
      </Tooltip>
    ) : (
      label
    );
    return (
      <TableCell
        sortDirection={sort === column ? sortDirectionOf(column) : false}
        className={classes.number}
      >
        <TableSortLabel
          active={sort === column}
          direction={sortDirectionOf(column)}
          onClick={() =>
            update({ sort: column === DEFAULT_SORT ? '' : column }, false)
          }
        >
          {text}
        </TableSortLabel>
      </TableCell>
    );
  };

  let body;
  if (error && !value) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the consumer groups"
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.total === 0 || value.items.length === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No consumer groups match the filters"
        description="No group matches this search and these filters. Clear them to see every group."
        action={
          <Button
            variant="outlined"
            color="primary"
            onClick={() => {
              setSearchInput('');
              update({
                environment: '',
                state: '',
                lifecycle: '',
                hasLag: '',
                search: '',
              });
            }}
          >
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="data"
        title="No consumer groups yet"
        description={emptyDescription}
      />
    );
  } else {
    const open = (group: ConsumerGroup) =>
      navigate(detailLink(group), { state: locationState });
    body = (
      <>
        {loading && <LinearProgress aria-label="Reloading consumer groups" />}
        {error && (
          <Alert severity="warning">
            Could not refresh the consumer groups: {errorMessage(error)}.
            Showing the last answer.
          </Alert>
        )}
        <TableContainer>
          <Table size="small" aria-label="Consumer groups">
            <TableHead>
              <TableRow>
                {sortHeader('name', 'Group')}
                <TableCell>Environment</TableCell>
                {showEntity && <TableCell>Entity</TableCell>}
                <TableCell>State</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right">Members</TableCell>
                {sortHeader(
                  'lag',
                  'Total lag',
                  'Messages behind, summed over the partitions with a committed offset, at the latest sample',
                )}
                {sortHeader('timeLag', 'Time lag', TIME_LAG_EXPLANATION)}
                <TableCell>Trend</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.items.map(item => (
                <TableRow
                  key={`${item.environment}/${item.groupId}`}
                  hover
                  className={classes.row}
                  onClick={() => open(item)}
                >
                  <TableCell className={classes.mono}>
                    <Link
                      to={detailLink(item)}
                      state={locationState}
                      onClick={(e: MouseEvent) => e.stopPropagation()}
                    >
                      {item.groupId}
                    </Link>
                  </TableCell>
                  <TableCell>{item.environment}</TableCell>
                  {showEntity && (
                    <TableCell onClick={e => e.stopPropagation()}>
                      {item.entityRef ? (
                        <EntityRefLink entityRef={item.entityRef} />
                      ) : (
                        <Tooltip title="Linked to no catalog entity: only admins see it">
                          <Typography variant="body2" color="textSecondary">
                            Not linked
                          </Typography>
                        </Tooltip>
                      )}
                    </TableCell>
                  )}
                  <TableCell className={classes.number}>
                    <ConsumerGroupStateText
                      state={item.state}
                      lifecycle={item.lifecycle}
                    />
                  </TableCell>
                  <TableCell>
                    <ConsumerGroupStatusChip lag={item.lag} />
                  </TableCell>
                  <TableCell align="right">{item.memberCount}</TableCell>
                  <TableCell className={classes.number}>
                    <TotalLagText lag={item.lag} />
                  </TableCell>
                  <TableCell className={classes.number}>
                    <TimeLagText seconds={item.lag?.timeLagSeconds} />
                  </TableCell>
                  <TableCell>
                    <LagSparkline values={item.trend} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <TablePagination
          component="div"
          count={value.total}
          page={Math.min(
            page,
            Math.max(0, Math.ceil(value.total / pageSize) - 1),
          )}
          rowsPerPage={pageSize}
          rowsPerPageOptions={
            PAGE_SIZES.includes(pageSize)
              ? PAGE_SIZES
              : [...PAGE_SIZES, pageSize].sort((a, b) => a - b)
          }
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
      </>
    );
  }

  const refreshText = refreshIntervalMs
    ? `refreshes every ${formatDuration(refreshIntervalMs / 1000)}`
    : undefined;
  const countText = value
    ? `${value.total} group${value.total === 1 ? '' : 's'}`
    : undefined;

  return (
    <InfoCard
      title={title}
      subheader={
        subheader ??
        ([countText, refreshText].filter(Boolean).join(' · ') || undefined)
      }
      action={
        <Tooltip title="Refresh">
          <span>
            <IconButton
              aria-label="Refresh consumer groups"
              onClick={() => refresh()}
              disabled={loading}
            >
              <RefreshIcon />
            </IconButton>
          </span>
        </Tooltip>
      }
    >
      <Box className={classes.filters}>
        <TextField
          className={classes.search}
          label="Search"
          placeholder="Part of a group id"
          value={searchInput}
          onChange={e => setSearchInput(e.target.value)}
          inputProps={{
            'aria-label': 'Search consumer groups',
            maxLength: 200,
          }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
        <FilterSelect
          id="environment"
          label="Environment"
          value={environment}
          allLabel="All environments"
          options={environmentOptions.map(e => [e, e])}
          onChange={v => update({ environment: v })}
        />
        <FilterSelect
          id="state"
          label="State"
          value={state ?? ALL}
          allLabel="All states"
          options={CONSUMER_GROUP_STATES.map(s => [s, STATE_LABELS[s]])}
          onChange={v => update({ state: v })}
        />
        <FilterSelect
          id="lifecycle"
          label="Lifecycle"
          value={lifecycle ?? ALL}
          allLabel="All lifecycles"
          options={CONSUMER_GROUP_LIFECYCLES.map(l => [l, LIFECYCLE_LABELS[l]])}
          onChange={v => update({ lifecycle: v })}
        />
        <FilterSelect
          id="lag"
          label="Lag"
          value={hasLagParam ?? ALL}
          allLabel="With or without lag"
          options={[
            ['true', 'With lag'],
            ['false', 'Without lag'],
          ]}
          onChange={v => update({ hasLag: v })}
        />
      </Box>
      {body}
    </InfoCard>
  );
};

function sortDirectionOf(column: Sort): 'asc' | 'desc' {
  return column === 'name' ? 'asc' : 'desc';
}
