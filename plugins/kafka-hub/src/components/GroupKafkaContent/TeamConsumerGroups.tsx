import { useMemo } from 'react';
import { KafkaApplication } from '@internal/plugin-kafka-hub-common';
import Grid from '@material-ui/core/Grid';
import { ConsumerGroupSummaryCards } from '../ConsumerGroupSummaryCards';
import {
  consumerGroupDetailPath,
  ConsumerGroupTable,
} from '../ConsumerGroupTable';

/** Where the team's groups open, below the tab's own path. */
export const CONSUMER_GROUP_PREFIX = 'consumer-groups';

/**
 * The URL query parameters of the team's group list start with this, so
 * they stay apart from the schema list's on the same page
 * (`?groups.environment=dev`).
 */
export const CONSUMER_GROUP_QUERY_PREFIX = 'groups.';

/**
 * The consumer groups of the team's applications, with their summary, or
 * nothing while the team has none. The backend filters groups by one entity
 * per request, so this asks once per application.
 */
export const TeamConsumerGroups = ({
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
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <ConsumerGroupSummaryCards entityRefs={entityRefs} />
      </Grid>
      <Grid item xs={12}>
        <ConsumerGroupTable
          title="Consumer groups"
          subheader="Consumer groups of the team's applications"
          entityRefs={entityRefs}
          environments={environments}
          showEntity
          queryPrefix={CONSUMER_GROUP_QUERY_PREFIX}
          detailLink={g =>
            consumerGroupDetailPath(
              g.environment,
              g.groupId,
              CONSUMER_GROUP_PREFIX,
            )
          }
          emptyDescription="No consumer group is linked to the team's applications yet. Kafka Hub discovers each environment's groups on a schedule and links those whose id starts with an application's prefix, and those listed in the kafka-hub.io/consumer-groups or kafka.apache.org/consumer-groups annotations."
        />
      </Grid>
    </Grid>
  );
};
