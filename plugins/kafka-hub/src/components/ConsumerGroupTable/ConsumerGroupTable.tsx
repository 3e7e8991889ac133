import { MouseEvent, useMemo } from 'react';
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
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { RefreshButton } from '../RefreshButton';
import Alert from '@material-ui/lab/Alert';
import { useLocation, useNavigate } from 'react-router-dom';
import { kafkaHubApiRef } from '../../api';
import {
  ALL,
  FilterSelect,
  ListPagination,
  ListSearchField,
  oneOf,
  useListQuery,
  IdText,
  useTableTextStyles,
} from '../ListControls';
import { ListConsumerGroupsRequest } from '../../api/KafkaHubApi';
import { errorMessage } from '../ProvisioningCommon';
import {
  ConsumerGroupStateText,
  ConsumerGroupStatusChip,
  ConsumerGroupTypeText,
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
import { CONSUMER_GROUP_REFRESH_MS } from './refresh';
import { scopeChannel, useLivePolling } from '../../hooks/useLivePolling';

/** Lag samples reload consumer group views. */
const LAG = ['consumer-groups'] as const;

type Sort = NonNullable<ListConsumerGroupsRequest['sort']>;
const SORTS: Sort[] = ['lag', 'timeLag', 'name'];
const DEFAULT_SORT: Sort = 'lag';

/**
 * Props of {@link ConsumerGroupTable}.
 *
 * @public
 */
export interface ConsumerGroupTableProps {
  /**
   * Only groups linked to these entities; undefined lists everything the
   * caller may read (unlinked groups too, for admins).
   */
  entityRefs?: string[];
  /** Only groups of this owner's applications (a Group's entity ref). */
  owner?: string;
  /**
   * Environments offered by the environment filter, beside those of the
   * listed groups and the one in the URL.
   */
  environments?: string[];
  /** Shows the column of the entity each group belongs to. */
  showEntity?: boolean;
  /** The card's title. Default: `Consumer groups`. */
  title?: string;
  /** A line under the title. */
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
  row: { cursor: 'pointer' },
  number: { whiteSpace: 'nowrap' },
  headerHelp: { textDecoration: 'underline dotted', cursor: 'help' },
}));

const DEFAULT_EMPTY_DESCRIPTION =
  "Kafka Hub discovers each environment's consumer groups on a schedule and samples their lag. " +
  'A group shows here once it is discovered and linked to an application you may read: ' +
  "by the application's prefix (<application>.<group>) or the kafka-hub.io/consumer-groups " +
  'and kafka.apache.org/consumer-groups annotations.';

/**
 * The consumer groups the caller may read, paged on the server: search
 * (debounced), environment, state, lifecycle and has-lag filters and the
 * sort (total lag, time lag or name) kept in the URL query string
 * (`?environment=dev&state=Stable&hasLag=true&sort=timeLag&page=2`), a
 * status chip with its reason, the estimated time lag, a sparkline of recent
 * lag, and a row per group that opens its detail. Reloads every 30 s while
 * the page is visible, less often while nothing changes.
 *
 * @public
 */
export const ConsumerGroupTable = (props: ConsumerGroupTableProps) => {
  const {
    entityRefs,
    owner,
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
  const tableText = useTableTextStyles();
  const api = useApi(kafkaHubApiRef);
  const navigate = useNavigate();
  const location = useLocation();
  const query = useListQuery(queryPrefix);
  const { get, update, search, page, pageSize } = query;

  const environment = get('environment') ?? ALL;
  const state = oneOf<ConsumerGroupState>(get('state'), CONSUMER_GROUP_STATES);
  const lifecycle = oneOf<ConsumerGroupLifecycle>(
    get('lifecycle'),
    CONSUMER_GROUP_LIFECYCLES,
  );
  const hasLagParam = oneOf(get('hasLag'), ['true', 'false'] as const);
  const sort = oneOf(get('sort'), SORTS) ?? DEFAULT_SORT;

  const request: ListConsumerGroupsRequest = {
    entityRefs,
    owner,
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
  const { value, loading, error, refresh } = useLivePolling(
    () => api.listConsumerGroups(JSON.parse(key) as ListConsumerGroupsRequest),
    {
      key,
      intervalMs: refreshIntervalMs,
      keepPrevious: true,
      live: { channel: scopeChannel({ entityRefs, owner }), kinds: LAG },
    },
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
      // May wrap between words ("Total / lag"), for the table to fit at
      // 1280 px; the numbers below stay on one line.
      <TableCell
        sortDirection={sort === column ? sortDirectionOf(column) : false}
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
              query.setSearchInput('');
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
          <Table
            size="small"
            aria-label="Consumer groups"
            className={tableText.table}
          >
            <TableHead>
              <TableRow>
                {sortHeader('name', 'Group')}
                <TableCell>Environment</TableCell>
                {showEntity && <TableCell>Entity</TableCell>}
                <TableCell>Type</TableCell>
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
                  <TableCell className={tableText.idCell}>
                    <Link
                      to={detailLink(item)}
                      state={locationState}
                      onClick={(e: MouseEvent) => e.stopPropagation()}
                    >
                      <IdText text={item.groupId} />
                    </Link>
                  </TableCell>
                  <TableCell className={tableText.noWrap}>
                    {item.environment}
                  </TableCell>
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
                    <ConsumerGroupTypeText
                      type={item.type}
                      protocolType={item.protocolType}
                    />
                  </TableCell>
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
        <ListPagination query={query} total={value.total} />
      </>
    );
  }

  const refreshText = refreshIntervalMs
    ? `refreshes every ${formatDuration(
        refreshIntervalMs / 1000,
      )}, less often while nothing changes`
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
        <RefreshButton
          label="Refresh consumer groups"
          onRefresh={refresh}
          loading={loading}
        />
      }
    >
      <Box className={classes.filters}>
        <ListSearchField
          query={query}
          placeholder="Part of a group id"
          ariaLabel="Search consumer groups"
        />
        <FilterSelect
          idPrefix="consumer-group-filter"
          id="environment"
          label="Environment"
          value={environment}
          allLabel="All environments"
          options={environmentOptions.map(e => [e, e])}
          onChange={v => update({ environment: v })}
        />
        <FilterSelect
          idPrefix="consumer-group-filter"
          id="state"
          label="State"
          value={state ?? ALL}
          allLabel="All states"
          options={CONSUMER_GROUP_STATES.map(s => [s, STATE_LABELS[s]])}
          onChange={v => update({ state: v })}
        />
        <FilterSelect
          idPrefix="consumer-group-filter"
          id="lifecycle"
          label="Lifecycle"
          value={lifecycle ?? ALL}
          allLabel="All lifecycles"
          options={CONSUMER_GROUP_LIFECYCLES.map(l => [l, LIFECYCLE_LABELS[l]])}
          onChange={v => update({ lifecycle: v })}
        />
        <FilterSelect
          idPrefix="consumer-group-filter"
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
