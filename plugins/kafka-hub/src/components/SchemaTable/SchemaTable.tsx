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
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
  SchemaFormat,
  SchemaStatus,
  SchemaSubject,
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
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import SearchIcon from '@material-ui/icons/Search';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { kafkaHubApiRef } from '../../api';
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

/** Debounce of the search field, in milliseconds. */
export const SEARCH_DEBOUNCE_MS = 300;
export const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;
const ALL = '';

/** @public */
export interface SchemaTableProps {
  /**
   * Only subjects linked to these entities; undefined lists everything the
   * caller may read (unlinked subjects too, for admins).
   */
  entityRefs?: string[];
  /**
   * Environments offered by the environment filter, beside those of the
   * listed subjects and the one in the URL.
   */
  environments?: string[];
  /** Shows the column of the entity each subject belongs to. */
  showEntity?: boolean;
  title?: string;
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
  search: { minWidth: 240, flexGrow: 1, maxWidth: 420 },
  select: { minWidth: 150 },
  row: { cursor: 'pointer' },
  mono: { fontFamily: 'monospace', wordBreak: 'break-all' },
}));

/** Reads a page size or page number from the URL, falling back when invalid. */
function positive(text: string | null, fallback: number): number {
  const n = Number(text);
  return text !== null && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

const DEFAULT_EMPTY_DESCRIPTION =
  "Kafka Hub syncs subjects from each environment's Schema Registry on a schedule. " +
  'A subject shows here once it is synced and linked to an application you may read: ' +
  'through the topic-name strategy (<application>.<topic>-key or -value) ' +
  'or the kafka-hub.io/schema-subjects annotation.';

const FilterSelect = (props: {
  id: string;
  label: string;
  value: string;
  allLabel: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
}) => {
  const classes = useStyles();
  const labelId = `schema-filter-${props.id}-label`;
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
    environments,
    showEntity = false,
    title = 'Schemas',
    subheader,
    detailLink,
    emptyDescription = DEFAULT_EMPTY_DESCRIPTION,
  } = props;
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();

  const environment = params.get('environment') ?? ALL;
  const formatParam = (params.get('format') ?? '').toUpperCase();
  const format = SCHEMA_FORMATS.includes(formatParam as SchemaFormat)
    ? (formatParam as SchemaFormat)
    : undefined;
  const statusParam = params.get('status') ?? '';
  const status = SCHEMA_STATUSES.includes(statusParam as SchemaStatus)
    ? (statusParam as SchemaStatus)
    : undefined;
  const search = params.get('search') ?? '';
  const pageSize = Math.min(
    positive(params.get('pageSize'), DEFAULT_PAGE_SIZE),
    500,
  );
  const page = positive(params.get('page'), 1) - 1;

  /** Sets (or clears, with '') URL parameters; filters go back to page 1. */
  const update = (changes: Record<string, string>, keepPage = false) => {
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        if (!keepPage) next.delete('page');
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

  const request: ListSchemasRequest = {
    entityRefs,
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
              setSearchInput('');
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
          <Table size="small" aria-label="Schema subjects">
            <TableHead>
              <TableRow>
                <TableCell>Subject</TableCell>
                <TableCell>Environment</TableCell>
                {showEntity && <TableCell>Entity</TableCell>}
                <TableCell>Topic</TableCell>
                <TableCell>Key/value</TableCell>
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
                  <TableCell className={classes.mono}>
                    <Link
                      to={detailLink(item)}
                      state={state}
                      onClick={(e: MouseEvent) => e.stopPropagation()}
                    >
                      {item.subject}
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
                  <TableCell className={classes.mono}>
                    {item.topic ?? '—'}
                  </TableCell>
                  <TableCell>{roleText(item.role)}</TableCell>
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
                  <TableCell>{compatibilityText(item)}</TableCell>
                  <TableCell>
                    <SchemaStatusLabel status={item.status} />
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
        <Tooltip title="Refresh">
          <span>
            <IconButton
              aria-label="Refresh schemas"
              onClick={() => retry()}
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
          placeholder="Part of a subject name"
          value={searchInput}
          onChange={e => setSearchInput(e.target.value)}
          inputProps={{ 'aria-label': 'Search schemas', maxLength: 200 }}
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
          id="format"
          label="Format"
          value={format ?? ALL}
          allLabel="All formats"
          options={SCHEMA_FORMATS.map(f => [f, FORMAT_LABELS[f]])}
          onChange={v => update({ format: v })}
        />
        <FilterSelect
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
