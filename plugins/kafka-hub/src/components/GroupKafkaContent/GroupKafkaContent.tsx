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
import { ProvisioningAlert } from '../ProvisioningAlert';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import {
  issueSummary,
  RelativeTime,
  useApplicationList,
} from '../ProvisioningCommon';

const useStyles = makeStyles({
  issue: {
    maxWidth: 420,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
});

/**
 * The Group entity `Kafka` tab: every Kafka application the team owns, with
 * its provisioning status, namespace prefix and a link to its entity, under
 * the provisioning banner.
 *
 * @public
 */
export const GroupKafkaContent = () => {
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
    </Grid>
  );
};
