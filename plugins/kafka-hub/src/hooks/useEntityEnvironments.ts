import { useMemo } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  KAFKA_HUB_ANNOTATIONS,
  parseKafkaAnnotations,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { useApplicationList } from '../components/ProvisioningCommon';

/**
 * The entity's ref as a one-item list (stable across renders) and the
 * environments it names: its `kafka-hub.io/environments`, those of its
 * listed consumer groups (not the community annotation's cluster names)
 * and schema subjects, and those of its provisioned
 * application. They feed an environment filter; a failed application
 * lookup only leaves the filter with the environments of the listed items.
 */
export function useEntityEnvironments(entity: Entity): {
  entityRefs: string[];
  environments: string[];
} {
  const entityRef = stringifyEntityRef(entity);
  const entityRefs = useMemo(() => [entityRef], [entityRef]);
  const request = useMemo(() => ({ entityRef }), [entityRef]);
  const applications = useApplicationList(request);
  const annotations = useMemo(
    () => parseKafkaAnnotations(entity).value,
    [entity],
  );
  const environments = useMemo(() => {
    const names = new Set<string>(annotations.environments ?? []);
    for (const g of annotations.consumerGroups) {
      // The community annotation names clusters, which the backend maps to
      // environments (`aliases`): its groups' rows bring the environment.
      if (g.source !== KAFKA_HUB_ANNOTATIONS.communityConsumerGroups) {
        names.add(g.environment);
      }
    }
    for (const s of annotations.schemaSubjects) names.add(s.environment);
    for (const app of applications.value?.items ?? []) {
      for (const env of app.desiredEnvironments) names.add(env);
    }
    return [...names];
  }, [annotations, applications.value]);
  return { entityRefs, environments };
}
