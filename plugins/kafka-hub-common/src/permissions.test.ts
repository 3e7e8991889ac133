import {
  kafkaHubAdminReadPermission,
  kafkaHubEntityReadPermission,
  kafkaHubMessagesReadPermission,
  kafkaHubPermissions,
  kafkaHubProvisioningRetryPermission,
} from './permissions';
import { isResourcePermission } from '@backstage/plugin-permission-common';

describe('permissions', () => {
  it('puts entity permissions on the catalog-entity resource type', () => {
    expect(
      isResourcePermission(kafkaHubEntityReadPermission, 'catalog-entity'),
    ).toBe(true);
    expect(
      isResourcePermission(
        kafkaHubProvisioningRetryPermission,
        'catalog-entity',
      ),
    ).toBe(true);
    expect(
      isResourcePermission(kafkaHubMessagesReadPermission, 'catalog-entity'),
    ).toBe(true);
    expect(isResourcePermission(kafkaHubAdminReadPermission)).toBe(false);
  });

  it('uses the names of the product contract', () => {
    expect(kafkaHubPermissions.map(p => p.name)).toEqual([
      'kafka-hub.entity.read',
      'kafka-hub.provisioning.retry',
      'kafka-hub.messages.read',
      'kafka-hub.admin.read',
      'kafka-hub.admin.retry',
    ]);
  });
});
