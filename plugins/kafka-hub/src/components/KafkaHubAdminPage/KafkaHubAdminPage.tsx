import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  TabbedLayout,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { kafkaHubAdminReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { HealthOverview } from '../HealthOverview';
import { ProvisioningTab } from './ProvisioningTab';
import { TaskRunsCard } from './TaskRunsCard';
import { ClaimsTab } from './ClaimsTab';
import Grid from '@material-ui/core/Grid';

/**
 * The admin page's content, without its header: the Provisioning,
 * Clusters and Namespace claims tabs, for callers with
 * `kafka-hub.admin.read`, and a clear
 * "not allowed" state for everyone else.
 */
export const KafkaHubAdminContent = () => {
  const { loading, allowed } = usePermission({
    permission: kafkaHubAdminReadPermission,
  });
  if (loading) {
    return <Progress />;
  }
  if (!allowed) {
    return (
      <Content>
        <EmptyState
          missing="info"
          title="You are not allowed to use the Kafka Hub admin page"
          description="It needs the kafka-hub.admin.read permission. The provisioning status of your own applications is on the Kafka tab of their catalog entities."
        />
      </Content>
    );
  }
  return (
    <TabbedLayout>
      <TabbedLayout.Route path="/" title="Provisioning">
        <ProvisioningTab />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/clusters" title="Clusters">
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <HealthOverview />
          </Grid>
          <Grid item xs={12}>
            <TaskRunsCard />
          </Grid>
        </Grid>
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/claims" title="Namespace claims">
        <ClaimsTab />
      </TabbedLayout.Route>
    </TabbedLayout>
  );
};

/**
 * The `/kafka-hub/admin` page with its own header, for apps on the legacy
 * frontend system.
 */
export const KafkaHubAdminPage = () => (
  <Page themeId="tool">
    <Header
      title="Kafka Hub admin"
      subtitle="Provisioning of every application, and the health of each environment"
    />
    <KafkaHubAdminContent />
  </Page>
);
