import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KafkaHubDemoPolicy } from './KafkaHubDemoPolicy';

/** Installs {@link KafkaHubDemoPolicy} with the admin groups from config. */
export const kafkaHubDemoPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kafka-hub-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        const adminGroups = (
          config.getOptionalStringArray('kafkaHubDemo.adminGroups') ?? [
            'group:default/kafka-platform',
          ]
        ).map(ref => ref.toLocaleLowerCase('en-US'));
        policy.setPolicy(new KafkaHubDemoPolicy(userInfo, adminGroups));
      },
    });
  },
});
