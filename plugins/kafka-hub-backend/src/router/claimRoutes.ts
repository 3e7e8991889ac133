import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  EntityLinkErrors,
  EntityLinkErrorsList,
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  NamespaceClaim,
  NamespaceClaimList,
  ReleaseNamespaceClaimResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  LinkErrorStore,
  NamespaceClaim as StoredNamespaceClaim,
  NamespaceClaimStore,
  StoredLinkErrors,
} from '../database/claims';
import { EntityAccess } from '../permissions/EntityAccess';
import { normalizedEntityRef } from './entityRefs';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';

export interface ClaimRoutesOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  access: Pick<EntityAccess, 'require' | 'requireRead'>;
  namespaceClaims: NamespaceClaimStore;
  linkErrors: LinkErrorStore;
  /** `kafkaHub.claims.releaseAfter`, to tell when a missing holder's claim goes. */
  releaseAfterMs: number;
}

/**
 * Namespace claims and link errors.
 *
 * - `GET /admin/claims?limit=&offset=`: the namespace claims (admin read).
 * - `DELETE /admin/claims/:application`: releases a claim, so the next
 *   entity declaring the slug can claim it (admin retry; audited).
 * - `GET /admin/link-errors?limit=&offset=`: entities whose link
 *   annotations link nothing (admin read).
 * - `GET /link-errors/:entityRef`: one entity's link errors (entity read;
 *   a forbidden entity answers like a missing one).
 *
 * Parameters are checked by the contract (`src/schema/openapi.yaml`): a
 * malformed slug is refused before the release is audited.
 */
export function claimRoutes(
  router: KafkaHubRouter,
  options: ClaimRoutesOptions,
): void {
  const { httpAuth, auditor, access, namespaceClaims, linkErrors } = options;

  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const view = (claim: StoredNamespaceClaim): NamespaceClaim => ({
    application: claim.application,
    prefix: claim.prefix,
    entityRef: claim.entityRef,
    ownerRef: claim.ownerRef,
    claimedAt: claim.claimedAt.toISOString(),
    holderMissingSince: claim.holderMissingSince?.toISOString(),
    releasesAt: claim.holderMissingSince
      ? new Date(
          claim.holderMissingSince.getTime() + options.releaseAfterMs,
        ).toISOString()
      : undefined,
  });

  router.get('/admin/claims', async (req, res) => {
    const credentials = await credentialsOf(req);
    await access.require(credentials, kafkaHubAdminReadPermission);
    const { limit = 50, offset = 0 } = req.query;
    const { items, total } = await namespaceClaims.page({ limit, offset });
    const body: NamespaceClaimList = {
      items: items.map(view),
      total,
      limit,
      offset,
    };
    res.json(body);
  });

  router.delete('/admin/claims/:application', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { application } = req.params;
    const event = await auditor.createEvent({
      eventId: 'namespace-claim-release',
      severityLevel: 'high',
      request: req,
      meta: { application },
    });
    try {
      await access.require(credentials, kafkaHubAdminRetryPermission);
      const released = await namespaceClaims.release(application);
      if (!released) {
        throw new NotFoundError(`No namespace claim of "${application}"`);
      }
      await event.success({
        meta: {
          holder: released.entityRef,
          owner: released.ownerRef,
          claimedAt: released.claimedAt.toISOString(),
        },
      });
      const body: ReleaseNamespaceClaimResponse = { released: view(released) };
      res.json(body);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/admin/link-errors', async (req, res) => {
    const credentials = await credentialsOf(req);
    await access.require(credentials, kafkaHubAdminReadPermission);
    const { limit = 50, offset = 0 } = req.query;
    const { items, total } = await linkErrors.page({ limit, offset });
    const body: EntityLinkErrorsList = {
      items: items.map(linkErrorsView),
      total,
      limit,
      offset,
    };
    res.json(body);
  });

  router.get('/link-errors/:entityRef', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entityRef = normalizedEntityRef(req.params.entityRef);
    await access.requireRead(
      credentials,
      entityRef,
      () => new NotFoundError(`No Kafka Hub entity ${entityRef}`),
    );
    const stored = await linkErrors.get(entityRef);
    const body: EntityLinkErrors = stored
      ? linkErrorsView(stored)
      : { entityRef, errors: [] };
    res.json(body);
  });
}

function linkErrorsView(stored: StoredLinkErrors): EntityLinkErrors {
  return {
    entityRef: stored.entityRef,
    errors: stored.errors,
    updatedAt: stored.updatedAt.toISOString(),
  };
}
