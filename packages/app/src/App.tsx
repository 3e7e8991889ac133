import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kafkaHubPlugin from '@kafka-hub/backstage-plugin-kafka-hub/alpha';
import { navModule } from './modules/nav';

export default createApp({
  features: [catalogPlugin, kafkaHubPlugin, navModule],
});
