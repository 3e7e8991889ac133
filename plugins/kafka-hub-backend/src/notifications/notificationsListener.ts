import { KafkaHubEventListener } from '../events/KafkaHubEvents';
import { GroupStatusNotifications } from './GroupStatusNotifications';
import { ProvisioningNotifications } from './ProvisioningNotifications';

/** Hands run ends and lag samples to the owners' notifications that are on. */
export function notificationsListener(notifications: {
  provisioning?: Pick<ProvisioningNotifications, 'runEnded'>;
  consumerGroups?: Pick<GroupStatusNotifications, 'sampled'>;
}): KafkaHubEventListener {
  return async event => {
    if (event.type === 'provisioning-run-ended') {
      await notifications.provisioning?.runEnded(event.run);
    } else if (event.type === 'lag-sampled') {
      await notifications.consumerGroups?.sampled(
        event.environment,
        event.sampledAtMs,
        event.groups,
      );
    }
  };
}
