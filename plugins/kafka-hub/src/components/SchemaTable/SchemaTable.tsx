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
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
  SchemaFormat,
  SchemaStatus,
  SchemaSubject,
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
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { RefreshButton } from '../RefreshButton';
import { useLocation, useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import {
  ALL,
  FilterSelect,
  ListPagination,
  ListSearchField,
  useListQuery,
  IdText,
  useTableTextStyles,
} from '../ListControls';
import { ListSchemasRequest } from '../../api/KafkaHubApi';
import {
  compatibilityText,
  FORMAT_LABELS,
  FormatBadge,
  roleText,
  SchemaStatusLabel,
  STATUS_LABELS,
} from './SchemaBadges';
import { SchemaListLocationState } from './links';

/**
 * Props of {@link SchemaTable}.
 *
 * @public
 */
export interface SchemaTableProps {
  /**
   * Only subjects linked to these entities; undefined lists everything the
   * caller may read (unlinked subjects too, for admins).
   */
  entityRefs?: string[];
  /** Only subjects of this owner's applications (a Group's entity ref). */
  owner?: string;
  /**
   * Environments offered by the environment filter, beside those of the
   * listed subjects and the one in the URL.
   */
  environments?: string[];
  /** Shows the column of the entity each subject belongs to. */
  showEntity?: boolean;
  /** The card's title. Default: `Schemas`. */
  title?: string;
  /** A line under the title. */
  subheader?: string;
  /** Where a subject's detail is, relative to the list's route. */
  detailLink: (subject: SchemaSubject) => string;
  /** What the empty state says when no subject exists at all. */
  emptyDescription?: string;
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
}));

const DEFAULT_EMPTY_DESCRIPTION =
  "Kafka Hub syncs subjects from each environment's Schema Registry on a schedule. " +
  'A subject shows here once it is synced and linked to an application you may read: ' +
  'through the topic-name strategy (<application>.<topic>-key or -value) ' +
  'or the kafka-hub.io/schema-subjects annotation.';

/**
 * The schema subjects the caller may read, paged on the server: search
 * (debounced), environment, format and status filters kept in the URL query
 * string (`?environment=dev&format=AVRO&status=registered&search=orders&page=2`),
 * a refresh button, and a row per subject that opens its detail.
 *
 * @public
 */
export const SchemaTable = (props: SchemaTableProps) => {
  const {
    entityRefs,
    owner,
    environments,
    showEntity = false,
    title = 'Schemas',
    subheader,
    detailLink,
    emptyDescription = DEFAULT_EMPTY_DESCRIPTION,
  } = props;
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const api = useApi(kafkaHubApiRef);
  const navigate = useNavigate();
  const location = useLocation();
  const query = useListQuery();
  const { get, update, search, page, pageSize } = query;

  const environment = get('environment') ?? ALL;
  const formatParam = (get('format') ?? '').toUpperCase();
  const format = SCHEMA_FORMATS.includes(formatParam as SchemaFormat)
    ? (formatParam as SchemaFormat)
    : undefined;
  const statusParam = get('status') ?? '';
  const status = SCHEMA_STATUSES.includes(statusParam as SchemaStatus)
    ? (statusParam as SchemaStatus)
    : undefined;

  const request: ListSchemasRequest = {
    entityRefs,
    owner,
    environment: environment || undefined,
    formats: format ? [format] : undefined,
    statuses: status ? [status] : undefined,
    search: search || undefined,
    limit: pageSize,
    offset: page * pageSize,
  };
  const key = JSON.stringify(request);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listSchemas(JSON.parse(key) as ListSchemasRequest),
    [api, key],
  );

  const environmentOptions = useMemo(() => {
    const names = new Set(environments ?? []);
    for (const item of value?.items ?? []) names.add(item.environment);
    if (environment) names.add(environment);
    return [...names].sort();
  }, [environments, value, environment]);

  const filtered = !!(environment || format || status || search);
  const state: SchemaListLocationState = { listSearch: location.search };

  let body;
  if (error && !loading) {
    body = (
      <ResponseErrorPanel error={error} title="Could not load the schemas" />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.total === 0 || value.items.length === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No schemas match the filters"
        description="No subject matches this search and these filters. Clear them to see every subject."
        action={
          <Button
            variant="outlined"
            color="primary"
            onClick={() => {
              query.setSearchInput('');
              update({ environment: '', format: '', status: '', search: '' });
            }}
          >
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="data"
        title="No schemas yet"
        description={emptyDescription}
      />
    );
  } else {
    const open = (subject: SchemaSubject) =>
      navigate(detailLink(subject), { state });
    body = (
      <>
        {loading && <LinearProgress aria-label="Reloading schemas" />}
        <TableContainer>
          <Table
            size="small"
            aria-label="Schema subjects"
            className={tableText.table}
          >
            <TableHead>
              <TableRow>
                <TableCell>Subject</TableCell>
                <TableCell>Environment</TableCell>
                {showEntity && <TableCell>Entity</TableCell>}
                <TableCell>Topic</TableCell>
                <TableCell>
                  Key/
                  <wbr />
                  value
                </TableCell>
                <TableCell>Format</TableCell>
                <TableCell>Latest version</TableCell>
                <TableCell>Compatibility</TableCell>
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.items.map(item => (
                <TableRow
                  key={`${item.environment}/${item.subject}`}
                  hover
                  className={classes.row}
                  onClick={() => open(item)}
                >
                  <TableCell className={tableText.idCell}>
                    <Link
                      to={detailLink(item)}
                      state={state}
                      onClick={(e: MouseEvent) => e.stopPropagation()}
                    >
                      <IdText text={item.subject} />
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
                  <TableCell className={tableText.idCell}>
                    {item.topic ? <IdText text={item.topic} /> : '—'}
                  </TableCell>
                  <TableCell className={tableText.noWrap}>
                    {roleText(item.role)}
                  </TableCell>
                  <TableCell>
                    <FormatBadge format={item.format} />
                  </TableCell>
                  <TableCell>
                    {item.latestVersion === undefined ? (
                      '—'
                    ) : (
                      <Tooltip
                        title={`${item.versionCount} version${
                          item.versionCount === 1 ? '' : 's'
                        } stored, deleted ones included`}
                      >
                        <span>v{item.latestVersion}</span>
                      </Tooltip>
                    )}
                  </TableCell>
                  <TableCell>
                    <IdText text={compatibilityText(item)} plain />
                  </TableCell>
                  <TableCell className={tableText.noWrap}>
                    <SchemaStatusLabel status={item.status} />
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

  return (
    <InfoCard
      title={title}
      subheader={
        subheader ??
        (value
          ? `${value.total} subject${value.total === 1 ? '' : 's'}`
          : undefined)
      }
      action={
        <RefreshButton
          label="Refresh schemas"
          onRefresh={retry}
          loading={loading}
        />
      }
    >
      <Box className={classes.filters}>
        <ListSearchField
          query={query}
          placeholder="Part of a subject name"
          ariaLabel="Search schemas"
        />
        <FilterSelect
          idPrefix="schema-filter"
          id="environment"
          label="Environment"
          value={environment}
          allLabel="All environments"
          options={environmentOptions.map(e => [e, e])}
          onChange={v => update({ environment: v })}
        />
        <FilterSelect
          idPrefix="schema-filter"
          id="format"
          label="Format"
          value={format ?? ALL}
          allLabel="All formats"
          options={SCHEMA_FORMATS.map(f => [f, FORMAT_LABELS[f]])}
          onChange={v => update({ format: v })}
        />
        <FilterSelect
          idPrefix="schema-filter"
          id="status"
          label="Status"
          value={status ?? ALL}
          allLabel="All statuses"
          options={SCHEMA_STATUSES.map(s => [s, STATUS_LABELS[s]])}
          onChange={v => update({ status: v })}
        />
      </Box>
      {body}
    </InfoCard>
  );
};
