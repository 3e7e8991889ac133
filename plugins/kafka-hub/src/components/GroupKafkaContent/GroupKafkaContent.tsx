import { useMemo } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { KafkaApplication } from '@internal/plugin-kafka-hub-common';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
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

const useStyles = makeStyles({
  issue: {
    maxWidth: 420,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
});

/**
 * The schemas of the team's applications, or nothing while the team has
 * none.
 */
const TeamSchemas = ({
  applications,
}: {
  applications: KafkaApplication[];
}) => {
  const key = applications.map(a => a.entityRef).join('\n');
  const entityRefs = useMemo(() => (key ? key.split('\n') : []), [key]);
  const environmentKey = [
    ...new Set(applications.flatMap(a => a.desiredEnvironments)),
  ].join('\n');
  const environments = useMemo(
    () => (environmentKey ? environmentKey.split('\n') : []),
    [environmentKey],
  );
  if (entityRefs.length === 0) {
    return null;
  }
  return (
    <SchemaTable
      title="Schemas"
      subheader="Schema Registry subjects of the team's applications"
      entityRefs={entityRefs}
      environments={environments}
      showEntity
      detailLink={s =>
        schemaDetailPath(s.environment, s.subject, SCHEMA_PREFIX)
      }
      emptyDescription="No Schema Registry subject is linked to the team's applications yet. Kafka Hub syncs each environment's registry on a schedule and links subjects named <topic>-key or <topic>-value whose topic is under an application's prefix, and those listed in the kafka-hub.io/schema-subjects annotation."
    />
  );
};

/** The tab's own view: banner, applications and their schemas. */
const GroupKafkaOverview = () => {
  const classes = useStyles();
  const { entity } = useEntity();
  const ownerRef = stringifyEntityRef(entity);
  const request = useMemo(() => ({ owner: ownerRef }), [ownerRef]);
  const { value, error, loading, refresh } = useApplicationList(request, {
    poll: true,
  });

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
  } else if (!value?.items.length) {
    content = (
      <EmptyState
        missing="data"
        title="No Kafka applications"
        description="This team owns no Kafka application you may see. A Component, Resource or System becomes one with the kafka-hub.io/application annotation."
      />
    );
  } else {
    const items = [...value.items].sort((a, b) =>
      a.application.localeCompare(b.application),
    );
    content = (
      <InfoCard
        title="Kafka applications"
        subheader={`${items.length} application${
          items.length === 1 ? '' : 's'
        } owned by this team`}
      >
        <Table size="small" aria-label="Kafka applications of the team">
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
                  <code>{app.prefix}</code>
                </TableCell>
                <TableCell>
                  {app.desiredEnvironments.join(', ') || '—'}
                </TableCell>
                <TableCell>
                  <ProvisioningStatusBadge status={app.status} />
                </TableCell>
                <TableCell className={classes.issue}>
                  {app.status === 'completed' ? '—' : issueSummary(app) || '—'}
                </TableCell>
                <TableCell>
                  <RelativeTime iso={app.lastAttemptAt} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </InfoCard>
    );
  }

  return (
    <Grid container spacing={3}>
      {value && (
        <Grid item xs={12}>
          <ProvisioningAlert
            ownerRef={ownerRef}
            applications={value.items}
            onChange={refresh}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        {content}
      </Grid>
      {!!value?.items.length && (
        <Grid item xs={12}>
          <TeamSchemas applications={value.items} />
        </Grid>
      )}
      {!!value?.items.length && (
        <Grid item xs={12}>
          <TeamConsumerGroups applications={value.items} />
        </Grid>
      )}
    </Grid>
  );
};

/**
 * The Group entity `Kafka` tab: every Kafka application the team owns, with
 * its provisioning status, namespace prefix and a link to its entity, under
 * the provisioning banner; then the schemas of those applications, each
 * opening at `<tab>/schemas/<environment>/<subject>`, and their consumer
 * groups, each opening at `<tab>/consumer-groups/<environment>/<groupId>`.
 *
 * @public
 */
export const GroupKafkaContent = () => (
  <ConsumerGroupRoutes prefix={CONSUMER_GROUP_PREFIX}>
    <SchemaRoutes prefix={SCHEMA_PREFIX}>
      <GroupKafkaOverview />
    </SchemaRoutes>
  </ConsumerGroupRoutes>
);
