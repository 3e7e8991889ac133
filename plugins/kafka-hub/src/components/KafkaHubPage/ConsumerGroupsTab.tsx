import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { ConsumerGroupRoutes } from '../ConsumerGroupDetail';
import { ConsumerGroupSummaryCards } from '../ConsumerGroupSummaryCards';
import {
  consumerGroupDetailPath,
  ConsumerGroupTable,
} from '../ConsumerGroupTable';

/** Summary cards for the environment chosen in the list's filter. */
const Summary = () => {
  const [params] = useSearchParams();
  return (
    <ConsumerGroupSummaryCards
      environment={params.get('environment') || undefined}
    />
  );
};

/**
 * The Consumer groups tab of `/kafka-hub`: summary cards and every group
 * the caller may read (unlinked ones too, for admins), each opening at
 * `/kafka-hub/consumer-groups/<environment>/<groupId>`.
 */
export const ConsumerGroupsTab = () => {
  const api = useApi(kafkaHubApiRef);
  // Configured environments for the environment filter, from the config
  // (not `getHealth`, which waits for every cluster to answer); the filter
  // still offers the environments of the listed groups if this fails.
  const configured = useAsync(() => api.listEnvironments(), [api]);
  const environments = configured.value?.items.map(e => e.name);
  return (
    <ConsumerGroupRoutes>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Summary />
        </Grid>
        <Grid item xs={12}>
          <ConsumerGroupTable
            title="Consumer groups"
            environments={environments}
            showEntity
            detailLink={g => consumerGroupDetailPath(g.environment, g.groupId)}
          />
        </Grid>
      </Grid>
    </ConsumerGroupRoutes>
  );
};
