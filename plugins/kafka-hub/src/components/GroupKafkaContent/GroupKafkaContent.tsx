import { kafkaHubEntityChannel } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { useMemo } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  IdText,
  ListPagination,
  useListQuery,
  useTableTextStyles,
} from '../ListControls';
import { ProvisioningAlert } from '../ProvisioningAlert';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import {
  issueSummary,
  RelativeTime,
  useApplicationList,
} from '../ProvisioningCommon';
import { SchemaRoutes } from '../SchemaDetail';
import { schemaDetailPath, SchemaTable } from '../SchemaTable';
import { ConsumerGroupRoutes } from '../ConsumerGroupDetail';
import {
  CONSUMER_GROUP_PREFIX,
  TeamConsumerGroups,
} from './TeamConsumerGroups';

/** Where the team's subjects open, below the tab's own path. */
const SCHEMA_PREFIX = 'schemas';

/**
 * The URL query parameters of the application table start with this, apart
 * from the schema and group lists' (`?apps.page=2`).
 */
const APPLICATION_QUERY_PREFIX = 'apps.';

const useStyles = makeStyles({
  issue: {
    maxWidth: 420,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
});

/**
 * The schemas of the team's applications: the backend selects them by
 * owner, so one request covers a team of any size.
 */
const TeamSchemas = ({
  ownerRef,
  environments,
}: {
  ownerRef: string;
  environments?: string[];
}) => (
  <SchemaTable
    title="Schemas"
    subheader="Schema Registry subjects of the team's applications"
    owner={ownerRef}
    environments={environments}
    showEntity
    detailLink={s => schemaDetailPath(s.environment, s.subject, SCHEMA_PREFIX)}
    emptyDescription="No Schema Registry subject is linked to the team's applications yet. Kafka Hub syncs each environment's registry on a schedule and links subjects named <topic>-key or <topic>-value whose topic is under an application's prefix, and those listed in the kafka-hub.io/schema-subjects annotation."
  />
);

/**
 * The tab's own view: banner, one page of the team's applications (paged
 * on the server, by entity ref), and their schemas and consumer groups.
 */
const GroupKafkaOverview = () => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const { entity } = useEntity();
  const ownerRef = stringifyEntityRef(entity);
  const query = useListQuery(APPLICATION_QUERY_PREFIX);
  const { page, pageSize } = query;
  const request = useMemo(
    () => ({ owner: ownerRef, limit: pageSize, offset: page * pageSize }),
    [ownerRef, page, pageSize],
  );
  const { value, error, loading, refresh } = useApplicationList(request, {
    poll: true,
    channel: kafkaHubEntityChannel(ownerRef),
  });
  // The environments of the applications in view, for the lists' filters.
  const environmentKey = [
    ...new Set(value?.items.flatMap(a => a.desiredEnvironments) ?? []),
  ]
    .sort()
    .join('\n');
  const environments = useMemo(
    () => (environmentKey ? environmentKey.split('\n') : undefined),
    [environmentKey],
  );
  const hasApplications = !!value && value.total > 0;

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error && !value) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the team's Kafka applications"
      />
    );
  } else if (!hasApplications) {
    content = (
      <EmptyState
        missing="data"
        title="No Kafka applications"
        description="This team owns no Kafka application you may see. A Component, Resource or System becomes one with the kafka-hub.io/application annotation."
      />
    );
  } else {
    const items = value!.items;
    const total = value!.total;
    content = (
      <InfoCard
        title="Kafka applications"
        subheader={`${total} application${
          total === 1 ? '' : 's'
        } owned by this team`}
      >
        <Table
          size="small"
          aria-label="Kafka applications of the team"
          className={tableText.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Application</TableCell>
              <TableCell>Entity</TableCell>
              <TableCell>Prefix</TableCell>
              <TableCell>Environments</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Issue</TableCell>
              <TableCell>Last attempt</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(app => (
              <TableRow key={app.entityRef}>
                <TableCell>
                  <Typography variant="body2">
                    <strong>{app.application}</strong>
                  </Typography>
                </TableCell>
                <TableCell>
                  <EntityRefLink entityRef={app.entityRef} />
                </TableCell>
                <TableCell>
                  <IdText text={app.prefix} />
                </TableCell>
                <TableCell>
                  {app.desiredEnvironments.join(', ') || '—'}
                </TableCell>
                <TableCell className={tableText.noWrap}>
                  <ProvisioningStatusBadge status={app.status} />
                </TableCell>
                <TableCell className={classes.issue}>
                  {app.status === 'completed' ? '—' : issueSummary(app) || '—'}
                </TableCell>
                <TableCell className={tableText.noWrap}>
                  <RelativeTime iso={app.lastAttemptAt} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <ListPagination query={query} total={total} />
      </InfoCard>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {/* Loads the team's issues itself: the table holds one page. */}
        <ProvisioningAlert ownerRef={ownerRef} onChange={refresh} />
      </Grid>
      <Grid item xs={12}>
        {content}
      </Grid>
      {hasApplications && (
        <Grid item xs={12}>
          <TeamSchemas ownerRef={ownerRef} environments={environments} />
        </Grid>
      )}
      {hasApplications && (
        <Grid item xs={12}>
          <TeamConsumerGroups ownerRef={ownerRef} environments={environments} />
        </Grid>
      )}
    </Grid>
  );
};

/**
 * The Group entity `Kafka` tab: the Kafka applications the team owns, a
 * page at a time, with their provisioning status, namespace prefix and a
 * link to their entity, under the provisioning banner; then the schemas of
 * those applications, each
 * opening at `<tab>/schemas/<environment>/<subject>`, and their consumer
 * groups, each opening at `<tab>/consumer-groups/<environment>/<groupId>`.
 */
export const GroupKafkaContent = () => (
  <ConsumerGroupRoutes prefix={CONSUMER_GROUP_PREFIX}>
    <SchemaRoutes prefix={SCHEMA_PREFIX}>
      <GroupKafkaOverview />
    </SchemaRoutes>
  </ConsumerGroupRoutes>
);
