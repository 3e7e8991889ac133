import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { SchemaRoutes } from '../SchemaDetail';
import { SchemaSummaryCards } from '../SchemaSummaryCards';
import { schemaDetailPath, SchemaTable } from '../SchemaTable';

/**
 * The Schemas tab of `/kafka-hub`: summary cards and every subject the
 * caller may read, each opening at `/kafka-hub/schemas/<environment>/<subject>`.
 */
export const SchemasTab = () => {
  const api = useApi(kafkaHubApiRef);
  // The environments with a registry for the environment filter, from the
  // config (not `getHealth`, which waits for every cluster to answer); the
  // filter still offers the environments of the listed subjects if this
  // fails.
  const configured = useAsync(() => api.listEnvironments(), [api]);
  const environments = configured.value?.items
    .filter(e => e.hasSchemaRegistry)
    .map(e => e.name);
  return (
    <SchemaRoutes>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <SchemaSummaryCards />
        </Grid>
        <Grid item xs={12}>
          <SchemaTable
            title="Schemas"
            environments={environments}
            showEntity
            detailLink={s => schemaDetailPath(s.environment, s.subject)}
          />
        </Grid>
      </Grid>
    </SchemaRoutes>
  );
};
