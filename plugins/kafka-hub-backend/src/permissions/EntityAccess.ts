import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  kafkaHubAdminReadPermission,
  kafkaHubEntityReadPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** What a single-entity route may show and let the caller do. */
export interface EntityGrant {
  /** `kafka-hub.admin.read`. */
  admin: boolean;
  /** Each asked permission granted on the entity, in the order asked. */
  granted: boolean[];
}

/**
 * Server-side permission checks shared by every route. Entity permissions
 * are catalog-entity resource permissions: a single entity is checked with
 * its resource ref (lists use ReadableEntities: one conditional decision
 * resolved against the catalog).
 */
export class EntityAccess {
  constructor(private readonly permissions: PermissionsService) {}

  /** Throws NotAllowedError (403) unless the basic permission is granted. */
  async require(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  /**
   * Admin read and each of `permissions` on one entity, in one `authorize`
   * call. Without `entityRef` (data linked to no entity) only admin read is
   * asked and nothing is granted.
   */
  async onEntity(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
    permissions: ResourcePermission<'catalog-entity'>[],
  ): Promise<EntityGrant> {
    const resourceRequests =
      entityRef === undefined
        ? []
        : permissions.map(permission => ({
            permission,
            resourceRef: entityRef,
          }));
    const [admin, ...decisions] = await this.permissions.authorize(
      [{ permission: kafkaHubAdminReadPermission }, ...resourceRequests],
      { credentials },
    );
    return {
      admin: admin.result === AuthorizeResult.ALLOW,
      granted: permissions.map(
        (_, i) => decisions[i]?.result === AuthorizeResult.ALLOW,
      ),
    };
  }

  /**
   * Admin read and `kafka-hub.entity.read` on one entity, in one
   * `authorize` call; throws `notFound()` unless either is granted, so
   * what the caller may not read answers exactly like what is missing.
   * Without `entityRef` (data linked to no entity) only admins pass.
   */
  async requireRead(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
    notFound: () => Error,
  ): Promise<{ admin: boolean }> {
    const {
      admin,
      granted: [mayRead],
    } = await this.onEntity(credentials, entityRef, [
      kafkaHubEntityReadPermission,
    ]);
    if (!admin && !mayRead) throw notFound();
    return { admin };
  }
}
