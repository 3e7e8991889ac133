import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EnvironmentHealth } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { ServiceStatus } from './ServiceStatus';

const detail = (env: EnvironmentHealth) => {
  const d = env.kafka.details;
  if (!d) return '';
  return `${d.brokers} broker${d.brokers === 1 ? '' : 's'}${
    d.sasl ? ', SASL' : ''
  }`;
};

const columns: TableColumn<EnvironmentHealth>[] = [
  {
    title: 'Environment',
    field: 'environment',
    width: '15%',
    // Typography, not the cell's inherited font: apps without a CSS
    // baseline would show bare text in the browser's default serif.
    render: env => (
      <Typography variant="body2" component="span">
        <strong>{env.environment}</strong>
      </Typography>
    ),
  },
  {
    title: 'Kafka',
    render: env => (
      <>
        <ServiceStatus health={env.kafka} />
        <Typography variant="caption" color="textSecondary">
          {detail(env)}
        </Typography>
      </>
    ),
  },
  {
    title: 'Schema Registry',
    render: env => <ServiceStatus health={env.schemaRegistry} />,
  },
  {
    title: 'Checked',
    width: '15%',
    render: env => (
      <Typography variant="body2" component="span">
        {new Date(env.checkedAt).toLocaleTimeString()}
      </Typography>
    ),
  },
];

/**
 * Live reachability of each environment's Kafka cluster and Schema Registry,
 * with a refresh action.
 *
 * @public
 */
export const HealthOverview = () => {
  const api = useApi(kafkaHubApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getHealth(),
    [api],
  );

  if (loading && !value) {
    return <Progress />;
  }
  if (error) {
    return (
      <ResponseErrorPanel error={error} title="Could not load cluster health" />
    );
  }
  if (!value?.configured) {
    return (
      <EmptyState
        missing="info"
        title="Kafka Hub is not configured"
        description="No environments are configured. Add kafkaHub.environments to app-config.yaml, with each environment's Kafka brokers and Schema Registry."
      />
    );
  }
  return (
    <Table<EnvironmentHealth>
      title="Clusters"
      subtitle="Reachability of each environment's Kafka cluster and Schema Registry"
      isLoading={loading}
      // Not draggable: material-table wraps each draggable header in a
      // focusable button around the sort button (nested controls, axe).
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      columns={columns}
      data={value.environments.map(env => ({ ...env, id: env.environment }))}
      actions={[
        {
          icon: () => <RefreshIcon titleAccess="Refresh" />,
          tooltip: 'Refresh',
          isFreeAction: true,
          onClick: () => retry(),
        },
      ]}
    />
  );
};
