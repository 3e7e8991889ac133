import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isKafkaApplication } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Grid from '@material-ui/core/Grid';
import { EntityLinkErrors } from '../EntityKafkaContent/EntityLinkErrors';
import { useEntityEnvironments } from '../../hooks/useEntityEnvironments';
import { ConsumerGroupRoutes } from '../ConsumerGroupDetail';
import {
  consumerGroupDetailPath,
  ConsumerGroupTable,
} from '../ConsumerGroupTable';

/**
 * Props of {@link EntityConsumerGroupsContent}.
 *
 * @public
 */
export interface EntityConsumerGroupsContentProps {
  /** Reload interval while the page is visible; false: only on demand. */
  refreshIntervalMs?: number | false;
}

/**
 * The entity `Consumer groups` tab: the groups linked to the entity, with
 * the environment and other filters in the URL (`?environment=dev`), and
 * each group's detail (lag chart, partitions, members) at
 * `<tab>/<environment>/<groupId>`.
 */
export const EntityConsumerGroupsContent = (
  props: EntityConsumerGroupsContentProps,
) => {
  const { refreshIntervalMs } = props;
  const { entity } = useEntity();
  const { entityRefs, environments } = useEntityEnvironments(entity);

  // An entity with only link annotations (e.g. moved from the community
  // plugin) has no Kafka tab, so its links that apply nothing show here.
  const linkErrors = isKafkaApplication(entity) ? null : (
    <Grid container spacing={0}>
      <EntityLinkErrors entityRef={stringifyEntityRef(entity)} />
    </Grid>
  );

  return (
    <ConsumerGroupRoutes refreshIntervalMs={refreshIntervalMs}>
      {linkErrors}
      <ConsumerGroupTable
        title="Consumer groups"
        entityRefs={entityRefs}
        environments={environments}
        detailLink={g => consumerGroupDetailPath(g.environment, g.groupId)}
        refreshIntervalMs={refreshIntervalMs}
        emptyDescription="No consumer group is linked to this entity yet. Kafka Hub discovers each environment's groups on a schedule and links those whose id starts with the application's prefix, and those listed in the kafka-hub.io/consumer-groups or kafka.apache.org/consumer-groups annotations."
      />
    </ConsumerGroupRoutes>
  );
};
