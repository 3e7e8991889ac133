import { useMemo } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  KafkaTopicListItem,
  KafkaTopicListSort,
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
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { ListTopicsRequest } from '../../api/KafkaHubApi';
import { usePolling } from '../../hooks/usePolling';
import { DriftChip } from '../EntityTopicsCard';
import { formatBytes, formatEstimate } from '../EntityTopicsCard/format';
import {
  ALL,
  FilterSelect,
  IdText,
  ListPagination,
  ListSearchField,
  oneOf,
  useListQuery,
  useTableTextStyles,
} from '../ListControls';
import { errorMessage } from '../ProvisioningCommon';
import { RefreshButton } from '../RefreshButton';

const SORTS: KafkaTopicListSort[] = ['name', 'size', 'messages'];
const DEFAULT_SORT: KafkaTopicListSort = 'name';
/** The backend's largest page of `GET /topics`. */
const MAX_PAGE = 200;
/** Topics are sampled on a schedule (5 minutes by default): no need to ask often. */
const TOPIC_REFRESH_MS = 60_000;
/** Consumer groups named in a cell before it only counts them. */
const GROUPS_NAMED = 2;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  problem: { color: theme.palette.error.main, fontWeight: 600 },
  muted: { color: theme.palette.text.secondary },
}));

/**
 * Props of {@link TopicTable}.
 */
interface TopicTableProps {
  /** Environments offered by the environment filter, beside those of the listed topics. */
  environments?: string[];
  /** The card's title. Default: `Topics`. */
  title?: string;
  /** Prefix of the table's URL query parameters. Default: none. */
  queryPrefix?: string;
}

const Unknown = () => {
  const classes = useStyles();
  return <span className={classes.muted}>—</span>;
};

const orUnknown = <T,>(value: T | undefined, format: (v: T) => string) =>
  value === undefined ? <Unknown /> : format(value);

/** The Group entities of the catalog, for the owner filter (title or name). */
function useOwnerOptions(current: string): Array<[string, string]> {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(
    () =>
      catalogApi.getEntities({
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.title',
        ],
      }),
    [catalogApi],
  );
  return useMemo(() => {
    const options = new Map<string, string>();
    for (const group of value?.items ?? []) {
      options.set(
        stringifyEntityRef(group),
        group.metadata.title ??
          humanizeEntityRef(group, { defaultKind: 'group' }),
      );
    }
    if (current && !options.has(current)) options.set(current, current);
    return [...options].sort((a, b) => a[1].localeCompare(b[1]));
  }, [value, current]);
}

const ReplicaHealth = ({ topic }: { topic: KafkaTopicListItem }) => {
  const classes = useStyles();
  const problems = [
    topic.underReplicatedPartitions > 0 &&
      `${topic.underReplicatedPartitions} under-replicated`,
    topic.offlinePartitions > 0 && `${topic.offlinePartitions} offline`,
  ].filter(Boolean);
  return problems.length ? (
    <span className={classes.problem}>{problems.join(', ')}</span>
  ) : (
    <>All in sync</>
  );
};

const ConsumerGroups = ({ groups }: { groups: string[] }) => {
  if (groups.length === 0) return <Unknown />;
  if (groups.length <= GROUPS_NAMED) return <IdText text={groups.join(', ')} />;
  return <span title={groups.join(', ')}>{groups.length} groups</span>;
};

/**
 * The topics of every application the caller may read, paged on the
 * server, as the topic samplers last stored them: search (debounced),
 * environment, owner, drift and replica filters and the sort (name, size
 * or messages) kept in the URL query string (`?drift=true&sort=size&page=2`),
 * each topic with its application, replica health, size, messages,
 * retention, readers and its drift against the declaration.
 */
export const TopicTable = (props: TopicTableProps) => {
  const { environments, title = 'Topics', queryPrefix = '' } = props;
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const api = useApi(kafkaHubApiRef);
  const query = useListQuery(queryPrefix);
  const { get, update, search, page } = query;
  const pageSize = Math.min(query.pageSize, MAX_PAGE);

  const environment = get('environment') ?? ALL;
  const owner = get('owner') ?? ALL;
  const drift = oneOf(get('drift'), ['true', 'false'] as const);
  const underReplicated = oneOf(get('underReplicated'), [
    'true',
    'false',
  ] as const);
  const sort = oneOf(get('sort'), SORTS) ?? DEFAULT_SORT;
  const ownerOptions = useOwnerOptions(owner);

  const request: ListTopicsRequest = {
    owner: owner || undefined,
    environment: environment || undefined,
    search: search || undefined,
    drift: drift === undefined ? undefined : drift === 'true',
    underReplicated:
      underReplicated === undefined ? undefined : underReplicated === 'true',
    sort,
    limit: pageSize,
    offset: page * pageSize,
  };
  const key = JSON.stringify(request);
  const { value, loading, error, refresh } = usePolling(
    () => api.listTopics(JSON.parse(key) as ListTopicsRequest),
    { key, intervalMs: TOPIC_REFRESH_MS, keepPrevious: true },
  );

  const environmentOptions = useMemo(() => {
    const names = new Set(environments ?? []);
    for (const item of value?.items ?? []) names.add(item.environment);
    if (environment) names.add(environment);
    return [...names].sort();
  }, [environments, value, environment]);

  const filtered = !!(
    environment ||
    owner ||
    drift ||
    underReplicated ||
    search
  );

  const sortHeader = (
    column: KafkaTopicListSort,
    label: string,
    align?: 'right',
  ) => (
    <TableCell
      align={align}
      sortDirection={sort === column ? directionOf(column) : false}
    >
      <TableSortLabel
        active={sort === column}
        direction={directionOf(column)}
        onClick={() =>
          update({ sort: column === DEFAULT_SORT ? '' : column }, false)
        }
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  let body;
  if (error && !value) {
    body = (
      <ResponseErrorPanel error={error} title="Could not load the topics" />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.total === 0 || value.items.length === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No topics match the filters"
        description="No topic matches this search and these filters. Clear them to see every topic."
        action={
          <Button
            variant="outlined"
            color="primary"
            onClick={() => {
              query.setSearchInput('');
              update({
                environment: '',
                owner: '',
                drift: '',
                underReplicated: '',
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
        title="No topics yet"
        description="Kafka Hub samples each environment's topics on a schedule. A topic shows here once it is sampled inside the namespace of an application you may read."
      />
    );
  } else {
    body = (
      <>
        {loading && <LinearProgress aria-label="Reloading topics" />}
        {error && (
          <Alert severity="warning">
            Could not refresh the topics: {errorMessage(error)}. Showing the
            last answer.
          </Alert>
        )}
        <TableContainer>
          <Table size="small" aria-label="Topics" className={tableText.table}>
            <TableHead>
              <TableRow>
                {sortHeader('name', 'Topic')}
                <TableCell>Application</TableCell>
                <TableCell>Environment</TableCell>
                <TableCell align="right">Partitions × replicas</TableCell>
                <TableCell>Replicas in sync</TableCell>
                {sortHeader('size', 'Size', 'right')}
                {sortHeader('messages', 'Messages', 'right')}
                <TableCell>Consumer groups</TableCell>
                <TableCell>Drift</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {/* Eleven columns did not fit beside the sidebar at 1280 px:
                  retention is on the entity's Topics card. */}
              {value.items.map(topic => (
                <TableRow key={`${topic.environment}/${topic.name}`} hover>
                  <TableCell className={tableText.idCell}>
                    <IdText text={topic.name} />
                  </TableCell>
                  <TableCell>
                    <EntityRefLink entityRef={topic.entityRef} />
                  </TableCell>
                  <TableCell className={tableText.noWrap}>
                    {topic.environment}
                  </TableCell>
                  <TableCell align="right" className={tableText.noWrap}>
                    {`${topic.partitions} × ${topic.replicationFactor}`}
                  </TableCell>
                  {/* May wrap between words, for the table to fit at 1280 px. */}
                  <TableCell>
                    <ReplicaHealth topic={topic} />
                  </TableCell>
                  <TableCell align="right" className={tableText.noWrap}>
                    {orUnknown(topic.sizeBytes, formatBytes)}
                  </TableCell>
                  <TableCell align="right" className={tableText.noWrap}>
                    {orUnknown(topic.messageEstimate, formatEstimate)}
                  </TableCell>
                  <TableCell>
                    <ConsumerGroups groups={topic.consumerGroups} />
                  </TableCell>
                  <TableCell>
                    {topic.drift ? (
                      <DriftChip drift={topic.drift} inline={false} />
                    ) : (
                      <span className={classes.muted}>As declared</span>
                    )}
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

  const countText = value
    ? `${value.total} topic${value.total === 1 ? '' : 's'} · as last sampled`
    : 'As last sampled';

  return (
    <InfoCard
      title={title}
      subheader={countText}
      action={
        <RefreshButton
          label="Refresh topics"
          onRefresh={refresh}
          loading={loading}
        />
      }
    >
      <Box className={classes.filters}>
        <ListSearchField
          query={query}
          placeholder="Part of a topic name"
          ariaLabel="Search topics"
        />
        <FilterSelect
          idPrefix="topic-filter"
          id="environment"
          label="Environment"
          value={environment}
          allLabel="All environments"
          options={environmentOptions.map(e => [e, e])}
          onChange={v => update({ environment: v })}
        />
        <FilterSelect
          idPrefix="topic-filter"
          id="owner"
          label="Owner"
          value={owner}
          allLabel="All owners"
          options={ownerOptions}
          onChange={v => update({ owner: v })}
        />
        <FilterSelect
          idPrefix="topic-filter"
          id="drift"
          label="Drift"
          value={drift ?? ALL}
          allLabel="With or without drift"
          options={[
            ['true', 'Drift only'],
            ['false', 'As declared'],
          ]}
          onChange={v => update({ drift: v })}
        />
        <FilterSelect
          idPrefix="topic-filter"
          id="replicas"
          label="Replicas"
          value={underReplicated ?? ALL}
          allLabel="Any replica state"
          options={[
            ['true', 'Under-replicated only'],
            ['false', 'All in sync'],
          ]}
          onChange={v => update({ underReplicated: v })}
        />
      </Box>
      {body}
    </InfoCard>
  );
};

function directionOf(column: KafkaTopicListSort): 'asc' | 'desc' {
  return column === 'name' ? 'asc' : 'desc';
}
