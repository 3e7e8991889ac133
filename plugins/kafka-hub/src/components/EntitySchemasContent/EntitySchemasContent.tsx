import { useEntity } from '@backstage/plugin-catalog-react';
import { useEntityEnvironments } from '../../hooks/useEntityEnvironments';
import { SchemaRoutes } from '../SchemaDetail';
import { schemaDetailPath, SchemaTable } from '../SchemaTable';

/**
 * The entity `Schemas` tab: the subjects linked to the entity, with the
 * environment and other filters in the URL (`?environment=dev`), and each
 * subject's detail at `<tab>/<environment>/<subject>`.
 */
export const EntitySchemasContent = () => {
  const { entity } = useEntity();
  const { entityRefs, environments } = useEntityEnvironments(entity);

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
