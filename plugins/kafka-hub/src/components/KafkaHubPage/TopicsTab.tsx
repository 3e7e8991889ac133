import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { TopicTable } from '../TopicTable';

/**
 * The Topics tab of `/kafka-hub`: the topics of every application the
 * caller may read, with their drift against the declarations.
 */
export const TopicsTab = () => {
  const api = useApi(kafkaHubApiRef);
  // Configured environments for the environment filter (see ConsumerGroupsTab).
  const configured = useAsync(() => api.listEnvironments(), [api]);
  return <TopicTable environments={configured.value?.items.map(e => e.name)} />;
};
