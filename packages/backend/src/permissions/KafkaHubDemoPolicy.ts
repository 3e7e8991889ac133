import { BackstageIdentityResponse } from '@backstage/plugin-auth-node';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubProvisioningRetryPermission,
} from '@internal/plugin-kafka-hub-common';

/**
 * The demo's catalog-driven policy for Kafka Hub: members of an admin group
 * may do everything; everyone else reads and retries the Kafka data of the
 * entities they own (directly or through a group), and nothing else of
 * Kafka Hub. Other plugins' permissions are allowed, as in a fresh app.
 */
export class KafkaHubDemoPolicy implements PermissionPolicy {
  constructor(private readonly adminGroups: string[]) {}

  private isAdmin(user?: BackstageIdentityResponse): boolean {
    const refs = user?.identity.ownershipEntityRefs ?? [];
    return refs.some(ref => this.adminGroups.includes(ref.toLocaleLowerCase('en-US')));
  }

  async handle(
    request: PolicyQuery,
    user?: BackstageIdentityResponse,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const admin = this.isAdmin(user);

    if (
      isPermission(permission, kafkaHubAdminReadPermission) ||
      isPermission(permission, kafkaHubAdminRetryPermission)
    ) {
      return { result: admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }

    if (
      isPermission(permission, kafkaHubEntityReadPermission) ||
      isPermission(permission, kafkaHubProvisioningRetryPermission)
    ) {
      if (admin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user.identity.ownershipEntityRefs,
        }),
      );
    }

    return { result: AuthorizeResult.ALLOW };
  }
}
