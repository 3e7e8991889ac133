import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
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
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubProvisioningRetryPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** Members of this group may use Kafka Hub's admin page and retry all. */
const ADMIN_GROUP = 'group:default/kafka-platform';

/**
 * The dev backend's policy: owners read and retry their entities' Kafka
 * data, members of {@link ADMIN_GROUP} everything; other plugins' permissions
 * are allowed.
 */
class DevPermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const ownership = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
    const admin = ownership.includes(ADMIN_GROUP);

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
        catalogConditions.isEntityOwner({ claims: ownership }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export const devPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kafka-hub-dev-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ userInfo, policy }) {
        policy.setPolicy(new DevPermissionPolicy(userInfo));
      },
    });
  },
});
