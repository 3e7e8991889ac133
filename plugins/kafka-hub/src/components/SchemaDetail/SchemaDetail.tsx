import { ReactNode, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  SchemaSubjectDetail,
  SchemaVersion,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import RefreshIcon from '@material-ui/icons/Refresh';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { RelativeTime } from '../ProvisioningCommon';
import {
  compatibilityText,
  FormatBadge,
  roleText,
  SchemaStatusLabel,
} from '../SchemaTable/SchemaBadges';
import { DisabledReasonTooltip } from '../DisabledReasonTooltip';
import { CheckCompatibilityDialog } from './CheckCompatibilityDialog';
import { prettySchema, schemaLanguage } from './schemaText';
import { SchemaVersionDiff } from './SchemaVersionDiff';
import { SchemaCode } from './SchemaCode';
import { SchemaVersionTimeline } from './SchemaVersionTimeline';
import { useSchemaVersions } from './useSchemaVersions';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  },
  subject: { fontFamily: 'monospace', wordBreak: 'break-all' },
  grow: { flexGrow: 1 },
  label: { width: 180, color: theme.palette.text.secondary },
  mono: { fontFamily: 'monospace', wordBreak: 'break-all' },
  references: { margin: 0, paddingLeft: theme.spacing(2) },
  back: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

/**
 * Props of {@link SchemaDetail}.
 *
 * @public
 */
export interface SchemaDetailProps {
  /** The environment whose Schema Registry holds the subject. */
  environment: string;
  /** The Schema Registry subject. */
  subject: string;
  /** Where "Back to schemas" goes; no back link without it. */
  backLink?: string;
  /** Link of another subject's detail, for references. */
  subjectLink?: (environment: string, subject: string) => string;
}

const BackLink = ({ to }: { to: string }) => {
  const classes = useStyles();
  return (
    <Box mb={1}>
      <Link to={to} className={classes.back}>
        <ArrowBackIcon fontSize="small" />
        Back to schemas
      </Link>
    </Box>
  );
};

const Header = ({
  detail,
  backLink,
  onRefresh,
  onCheck,
  canCheck,
}: {
  detail: SchemaSubjectDetail;
  backLink?: string;
  onRefresh: () => void;
  onCheck: () => void;
  canCheck: boolean;
}) => {
  const classes = useStyles();
  return (
    <>
      {backLink && <BackLink to={backLink} />}
      <Box className={classes.header}>
        <Typography variant="h5" component="h2" className={classes.subject}>
          {detail.subject}
        </Typography>
        <FormatBadge format={detail.format} />
        <SchemaStatusLabel status={detail.status} />
        <span className={classes.grow} />
        <IconButton
          aria-label="Refresh schema"
          onClick={onRefresh}
          size="small"
        >
          <RefreshIcon />
        </IconButton>
        {canCheck ? (
          <Tooltip title="Check a proposed schema as registration would">
            <Button variant="contained" color="primary" onClick={onCheck}>
              Check compatibility
            </Button>
          </Tooltip>
        ) : (
          <DisabledReasonTooltip reason="Only subjects still registered can be checked">
            <Button variant="contained" color="primary" disabled>
              Check compatibility
            </Button>
          </DisabledReasonTooltip>
        )}
      </Box>
    </>
  );
};

const Facts = ({
  detail,
  subjectLink,
}: {
  detail: SchemaSubjectDetail;
  subjectLink?: (environment: string, subject: string) => string;
}) => {
  const classes = useStyles();
  const compatibility = detail.compatibility
    ? `${compatibilityText(detail)}${
        detail.compatibilitySource === 'subject' ? ' (own setting)' : ''
      }`
    : 'Unknown';
  const rows: Array<[string, ReactNode]> = [
    ['Environment', detail.environment],
    [
      'Entity',
      detail.entityRef ? (
        <EntityRefLink entityRef={detail.entityRef} />
      ) : (
        'Not linked to a catalog entity'
      ),
    ],
    [
      'Topic',
      detail.topic ? (
        <span className={classes.mono}>
          {detail.topic} ({roleText(detail.role).toLocaleLowerCase('en-US')})
        </span>
      ) : (
        '—'
      ),
    ],
    ['Compatibility', compatibility],
    [
      'Latest version',
      detail.latestVersion === undefined
        ? '—'
        : `v${detail.latestVersion}${
            detail.latestGlobalId === undefined
              ? ''
              : ` (global id ${detail.latestGlobalId})`
          }, ${detail.versionCount} version${
            detail.versionCount === 1 ? '' : 's'
          } stored`,
    ],
    [
      'References',
      detail.references.length === 0 ? (
        'None'
      ) : (
        <ul className={classes.references} aria-label="References">
          {detail.references.map(ref => {
            const label = `${ref.subject} v${ref.version}`;
            return (
              <li key={`${ref.name}|${ref.subject}|${ref.version}`}>
                <span className={classes.mono}>{ref.name}</span>
                {' → '}
                {subjectLink ? (
                  <Link to={subjectLink(detail.environment, ref.subject)}>
                    {label}
                  </Link>
                ) : (
                  label
                )}
              </li>
            );
          })}
        </ul>
      ),
    ],
    [
      'First seen',
      <>
        <RelativeTime iso={detail.firstSeenAt} /> (by Kafka Hub)
      </>,
    ],
    ['Last seen in the registry', <RelativeTime iso={detail.lastSeenAt} />],
  ];
  return (
    <InfoCard title="Subject">
      <Table size="small" aria-label="Subject details">
        <TableBody>
          {rows.map(([label, value]) => (
            <TableRow key={label}>
              <TableCell component="th" scope="row" className={classes.label}>
                {label}
              </TableCell>
              <TableCell>{value}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
};

const VersionText = ({ version }: { version?: SchemaVersion }) => {
  if (!version) {
    return (
      <InfoCard title="Schema">
        <Typography variant="body2" color="textSecondary">
          No version has been synced yet.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard
      title={`Schema v${version.version}`}
      subheader={`Global id ${version.globalId}${
        version.deleted ? ' · deleted in the registry' : ''
      }`}
    >
      <div aria-label={`Schema text of v${version.version}`} role="region">
        <SchemaCode
          text={prettySchema(version.schema, version.format)}
          language={schemaLanguage(version.format)}
        />
      </div>
    </InfoCard>
  );
};

/**
 * One subject: header with format, status and the compatibility check;
 * its facts (entity, topic, compatibility level and whether it is the
 * subject's own or the global one, references as links); the selected
 * version's text, pretty-printed for Avro and JSON Schema; the version
 * timeline; and a side-by-side diff between any two versions.
 *
 * @public
 */
export const SchemaDetail = (props: SchemaDetailProps) => {
  const { environment, subject, backLink, subjectLink } = props;
  const api = useApi(kafkaHubApiRef);
  const detail = useAsyncRetry(
    () => api.getSchemaSubject(environment, subject),
    [api, environment, subject],
  );
  const versions = useSchemaVersions(environment, subject);
  const [selected, setSelected] = useState<number>();
  const [compare, setCompare] = useState<{ from: number; to: number }>();
  const [checking, setChecking] = useState(false);

  if (detail.error && !detail.loading) {
    return (
      <>
        {backLink && <BackLink to={backLink} />}
        <ResponseErrorPanel
          error={detail.error}
          title={`Could not load the subject ${subject} of ${environment}`}
        />
      </>
    );
  }
  if (!detail.value) {
    return <Progress />;
  }

  const items = versions.items ?? [];
  const total = versions.total ?? items.length;
  const latestLive = items.find(v => !v.deleted) ?? items[0];
  const shown =
    items.find(v => v.version === selected) ??
    items.find(v => v.version === detail.value?.latestVersion) ??
    latestLive;

  let history;
  if (versions.error && !versions.items) {
    history = (
      <ResponseErrorPanel
        error={versions.error}
        title="Could not load the versions"
      />
    );
  } else if (!versions.items) {
    history = <Progress />;
  } else {
    history = (
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <InfoCard
            title="Versions"
            subheader={
              items.length < total
                ? `Newest ${items.length} of ${total} versions`
                : `${total} version${total === 1 ? '' : 's'}, newest first`
            }
          >
            <SchemaVersionTimeline
              versions={items}
              selected={shown?.version}
              onSelect={setSelected}
              onCompare={setCompare}
            />
            {versions.error && (
              <ResponseErrorPanel
                error={versions.error}
                title="Could not load older versions"
              />
            )}
            {items.length < total && (
              <Box mt={2}>
                <Button
                  variant="outlined"
                  onClick={versions.loadMore}
                  disabled={versions.loading}
                >
                  {versions.loading
                    ? 'Loading older versions…'
                    : `Load older versions (${total - items.length} more)`}
                </Button>
              </Box>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={8}>
          <VersionText version={shown} />
        </Grid>
        <Grid item xs={12}>
          <SchemaVersionDiff
            versions={items}
            from={compare?.from}
            to={compare?.to}
            onChange={setCompare}
          />
        </Grid>
      </Grid>
    );
  }

  return (
    <>
      <Header
        detail={detail.value}
        backLink={backLink}
        onRefresh={() => {
          detail.retry();
          versions.reload();
        }}
        onCheck={() => setChecking(true)}
        canCheck={detail.value.status === 'registered'}
      />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Facts detail={detail.value} subjectLink={subjectLink} />
        </Grid>
        <Grid item xs={12}>
          {history}
        </Grid>
      </Grid>
      <CheckCompatibilityDialog
        open={checking}
        onClose={() => setChecking(false)}
        environment={detail.value.environment}
        subject={detail.value.subject}
        format={detail.value.format}
        compatibility={detail.value.compatibility}
        initialSchema={
          latestLive ? prettySchema(latestLive.schema, latestLive.format) : ''
        }
        references={latestLive?.references}
      />
    </>
  );
};
