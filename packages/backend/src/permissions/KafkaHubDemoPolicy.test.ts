import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createPermission } from '@backstage/plugin-permission-common';
import {
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubMessagesReadPermission,
  kafkaHubProvisioningRetryPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaHubDemoPolicy } from './KafkaHubDemoPolicy';

const ADMINS = 'group:default/kafka-platform';

function policyFor(ownershipEntityRefs: string[]) {
  const userInfo = mockServices.userInfo({
    userEntityRef: 'user:default/someone',
    ownershipEntityRefs,
  });
  const user = {
    credentials: mockCredentials.user('user:default/someone'),
    info: { userEntityRef: 'user:default/someone', ownershipEntityRefs },
  };
  return { policy: new KafkaHubDemoPolicy(userInfo, [ADMINS]), user };
}

describe('KafkaHubDemoPolicy', () => {
  it('lets admin-group members do everything', async () => {
    const { policy, user } = policyFor(['user:default/someone', ADMINS]);
    for (const permission of [
      kafkaHubAdminReadPermission,
      kafkaHubAdminRetryPermission,
      kafkaHubEntityReadPermission,
      kafkaHubProvisioningRetryPermission,
      kafkaHubMessagesReadPermission,
    ]) {
      expect(await policy.handle({ permission }, user)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('denies the admin permissions to everyone else', async () => {
    const { policy, user } = policyFor([
      'user:default/someone',
      'group:default/team-orders',
    ]);
    for (const permission of [
      kafkaHubAdminReadPermission,
      kafkaHubAdminRetryPermission,
    ]) {
      expect(await policy.handle({ permission }, user)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it("grants entity permissions on the entities the user's groups own", async () => {
    const refs = ['user:default/someone', 'group:default/team-orders'];
    const { policy, user } = policyFor(refs);
    for (const permission of [
      kafkaHubEntityReadPermission,
      kafkaHubProvisioningRetryPermission,
      kafkaHubMessagesReadPermission,
    ]) {
      expect(await policy.handle({ permission }, user)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: refs },
        },
      });
    }
  });

  it('denies entity permissions without a user', async () => {
    const { policy } = policyFor([]);
    expect(
      await policy.handle(
        { permission: kafkaHubEntityReadPermission },
        undefined,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it("allows other plugins' permissions", async () => {
    const { policy, user } = policyFor(['user:default/someone']);
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(await policy.handle({ permission: other }, user)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
