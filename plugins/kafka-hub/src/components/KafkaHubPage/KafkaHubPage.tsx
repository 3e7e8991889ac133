import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { HealthOverview } from '../HealthOverview';
import { AdminPageLink } from './AdminPageLink';
import { SchemasTab } from './SchemasTab';
import { ConsumerGroupsTab } from './ConsumerGroupsTab';
import { TopicsTab } from './TopicsTab';

/**
 * The `/kafka-hub` page's content, without its header: one routed tab per
 * view across everything the caller may read (`/kafka-hub` overview,
 * `/kafka-hub/schemas`, `/kafka-hub/consumer-groups`, `/kafka-hub/topics`),
 * and for admins a link to the admin page. Add a view as another `TabbedLayout.Route`.
 */
export const KafkaHubPageContent = () => (
  <>
    <AdminPageLink />
    <TabbedLayout>
      <TabbedLayout.Route path="/" title="Overview">
        <HealthOverview />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/schemas" title="Schemas">
        <SchemasTab />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/consumer-groups" title="Consumer groups">
        <ConsumerGroupsTab />
      </TabbedLayout.Route>
      <TabbedLayout.Route path="/topics" title="Topics">
        <TopicsTab />
      </TabbedLayout.Route>
    </TabbedLayout>
  </>
);

/**
 * The `/kafka-hub` page with its own header, for apps on the legacy
 * frontend system.
 */
export const KafkaHubPage = () => (
  <Page themeId="tool">
    <Header
      title="Kafka Hub"
      subtitle="Self-service Kafka: provisioning, schemas, consumer groups and topics"
    />
    <KafkaHubPageContent />
  </Page>
);
