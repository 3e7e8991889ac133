import { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/**
 * What an audited call records besides its own fields: the HTTP request it
 * serves (the auditor reads the actor and the request from it), or, for an
 * action, what says who asked.
 */
export interface AuditedRequest {
  request?: AuditorServiceCreateEventOptions['request'];
  auditMeta?: JsonObject;
}
