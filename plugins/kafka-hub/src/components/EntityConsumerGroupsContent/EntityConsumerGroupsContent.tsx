import { useMemo } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { parseKafkaAnnotations } from '@internal/plugin-kafka-hub-common';
import { ConsumerGroupRoutes } from '../ConsumerGroupDetail';
import {
  consumerGroupDetailPath,
  ConsumerGroupTable,
} from '../ConsumerGroupTable';
import { useApplicationList } from '../ProvisioningCommon';

/** @public */
export interface EntityConsumerGroupsContentProps {
  /** Reload interval while the page is visible; false: only on demand. */
  refreshIntervalMs?: number | false;
}

/**
 * The entity `Consumer groups` tab: the groups linked to the entity, with
 * the environment and other filters in the URL (`?environment=dev`), and
 * each group's detail (lag chart, partitions, members) at
 * `<tab>/<environment>/<groupId>`.
 *
 * @public
 */
export const EntityConsumerGroupsContent = (
  props: EntityConsumerGroupsContentProps,
) => {
  const { refreshIntervalMs } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const entityRefs = useMemo(() => [entityRef], [entityRef]);
  const request = useMemo(() => ({ entityRef }), [entityRef]);
  // The application's environments feed the environment filter; a failed
  // lookup only leaves the filter with the environments of the listed groups.
  const applications = useApplicationList(request);
  const annotations = useMemo(
    () => parseKafkaAnnotations(entity).value,
    [entity],
  );

  const environments = useMemo(() => {
    const names = new Set<string>(annotations.environments ?? []);
    for (const g of annotations.consumerGroups) names.add(g.environment);
    for (const app of applications.value?.items ?? []) {
      for (const env of app.desiredEnvironments) names.add(env);
    }
    return [...names];
  }, [annotations, applications.value]);

  return (
    <ConsumerGroupRoutes refreshIntervalMs={refreshIntervalMs}>
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
