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
} from '@internal/plugin-kafka-hub-common';

/**
 * Server-side permission checks shared by every route. Entity permissions
 * are catalog-entity resource permissions, so each check names the entity
 * and the policy may answer with catalog conditions (isEntityOwner, ...),
 * which the permission framework resolves against the catalog.
 */
export class EntityAccess {
  constructor(private readonly permissions: PermissionsService) {}

  /** True when the caller has `kafka-hub.admin.read`. */
  async isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    return this.allowed(credentials, kafkaHubAdminReadPermission);
  }

  async allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws NotAllowedError (403) unless the basic permission is granted. */
  async require(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    if (!(await this.allowed(credentials, permission))) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  /** Throws NotAllowedError (403) unless granted on that entity. */
  async requireOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<void> {
    const readable = await this.filterOnEntities(credentials, permission, [
      entityRef,
    ]);
    if (!readable.has(entityRef)) {
      throw new NotAllowedError(
        `Missing permission ${permission.name} on ${entityRef}`,
      );
    }
  }

  /** The entity refs among `entityRefs` whose Kafka data the caller may read. */
  async readableEntities(
    credentials: BackstageCredentials,
    entityRefs: Iterable<string>,
  ): Promise<Set<string>> {
    return this.filterOnEntities(
      credentials,
      kafkaHubEntityReadPermission,
      entityRefs,
    );
  }

  async filterOnEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: Iterable<string>,
  ): Promise<Set<string>> {
    const refs = Array.from(new Set(entityRefs));
    if (refs.length === 0) {
      return new Set();
    }
    const decisions = await this.permissions.authorize(
      refs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }
}
