import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  APPLICATION_SLUG_PATTERN,
  EntityLinkErrors,
  EntityLinkErrorsList,
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
  NamespaceClaim,
  NamespaceClaimList,
  ReleaseNamespaceClaimResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import {
  LinkErrorStore,
  NamespaceClaim as StoredNamespaceClaim,
  NamespaceClaimStore,
  StoredLinkErrors,
} from '../database/claims';
import { EntityAccess } from '../permissions/EntityAccess';
import { requiredEntityRef } from './entityRefParams';
import { LIST_PAGE_LIMITS, pageParams } from './pageParams';

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
 */
export function claimRoutes(options: ClaimRoutesOptions) {
  const { httpAuth, auditor, access, namespaceClaims, linkErrors } = options;
  const router = Router();

  const credentialsOf = (req: Request) =>
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
    const { limit, offset } = pageParams(req, LIST_PAGE_LIMITS);
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
      if (!APPLICATION_SLUG_PATTERN.test(application)) {
        throw new InputError(
          `"${application}" is not an application slug (a lower-case letter followed by at most 62 lower-case letters, digits or hyphens)`,
        );
      }
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
    const { limit, offset } = pageParams(req, LIST_PAGE_LIMITS);
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
    const entityRef = requiredEntityRef(req.params.entityRef);
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

  return router;
}

function linkErrorsView(stored: StoredLinkErrors): EntityLinkErrors {
  return {
    entityRef: stored.entityRef,
    errors: stored.errors,
    updatedAt: stored.updatedAt.toISOString(),
  };
}
