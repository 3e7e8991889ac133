import { useMemo } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { parseKafkaAnnotations } from '@internal/plugin-kafka-hub-common';
import { useApplicationList } from '../ProvisioningCommon';
import { SchemaRoutes } from '../SchemaDetail';
import { schemaDetailPath, SchemaTable } from '../SchemaTable';

/**
 * The entity `Schemas` tab: the subjects linked to the entity, with the
 * environment and other filters in the URL (`?environment=dev`), and each
 * subject's detail at `<tab>/<environment>/<subject>`.
 *
 * @public
 */
export const EntitySchemasContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const entityRefs = useMemo(() => [entityRef], [entityRef]);
  const request = useMemo(() => ({ entityRef }), [entityRef]);
  // The application's environments feed the environment filter; a failed
  // lookup only leaves the filter with the environments of the listed subjects.
  const applications = useApplicationList(request);
  const annotations = useMemo(
    () => parseKafkaAnnotations(entity).value,
    [entity],
  );

  const environments = useMemo(() => {
    const names = new Set<string>(annotations.environments ?? []);
    for (const s of annotations.schemaSubjects) names.add(s.environment);
    for (const app of applications.value?.items ?? []) {
      for (const env of app.desiredEnvironments) names.add(env);
    }
    return [...names];
  }, [annotations, applications.value]);

  return (
    <SchemaRoutes>
      <SchemaTable
        title="Schemas"
        entityRefs={entityRefs}
        environments={environments}
        detailLink={s => schemaDetailPath(s.environment, s.subject)}
        emptyDescription="No Schema Registry subject is linked to this entity yet. Kafka Hub syncs each environment's registry on a schedule and links subjects named <topic>-key or <topic>-value whose topic is under the application's prefix, and the subjects listed in the kafka-hub.io/schema-subjects annotation."
      />
    </SchemaRoutes>
  );
};
