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
const CONSUMER_GROUP_QUERY_PREFIX = 'groups.';

/**
 * The consumer groups of the team's applications, with their summary: the
 * backend selects them by owner, so one request covers a team of any size.
 */
export const TeamConsumerGroups = ({
  ownerRef,
  environments,
}: {
  /** The team's entity ref. */
  ownerRef: string;
  /** Environments the filter offers beside those of the listed groups. */
  environments?: string[];
}) => {
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <ConsumerGroupSummaryCards owner={ownerRef} />
      </Grid>
      <Grid item xs={12}>
        <ConsumerGroupTable
          title="Consumer groups"
          subheader="Consumer groups of the team's applications"
          owner={ownerRef}
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
