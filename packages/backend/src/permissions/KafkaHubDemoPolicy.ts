import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubMessagesReadPermission,
  kafkaHubProvisioningRetryPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * The demo's catalog-driven policy for Kafka Hub: members of an admin group
 * may do everything; everyone else reads and retries the Kafka data, and
 * reads the messages, of the entities they own (directly or through a group), and nothing else of
 * Kafka Hub. Other plugins' permissions are allowed, as in a fresh app.
 */
export class KafkaHubDemoPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const ownershipEntityRefs = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
    const admin = ownershipEntityRefs.some(ref =>
      this.adminGroups.includes(ref.toLocaleLowerCase('en-US')),
    );

    if (
      isPermission(permission, kafkaHubAdminReadPermission) ||
      isPermission(permission, kafkaHubAdminRetryPermission)
    ) {
      return { result: admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }

    if (
      isPermission(permission, kafkaHubEntityReadPermission) ||
      isPermission(permission, kafkaHubProvisioningRetryPermission) ||
      isPermission(permission, kafkaHubMessagesReadPermission)
    ) {
      if (admin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }

    return { result: AuthorizeResult.ALLOW };
  }
}
