import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kafkaHubPlugin, {
  kafkaHubAdminNavModule,
} from '@kafka-hub/backstage-plugin-kafka-hub/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // The admin page in the sidebar, for Kafka Hub admins only.
  features: [catalogPlugin, kafkaHubPlugin, kafkaHubAdminNavModule, navModule],
});
