import { Content, Header, Page } from '@backstage/core-components';
import { HealthOverview } from '../HealthOverview';

/**
 * The `/kafka-hub` page.
 *
 * @public
 */
export const KafkaHubPage = () => (
  <Page themeId="tool">
    <Header
      title="Kafka Hub"
      subtitle="Self-service Kafka: provisioning, schemas and consumer groups"
    />
    <Content>
      <HealthOverview />
    </Content>
  </Page>
);
