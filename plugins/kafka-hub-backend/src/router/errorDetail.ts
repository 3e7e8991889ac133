import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kafkaHubAdminReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { firstLine } from '../errors/firstLine';

export type ErrorDetail = 'full' | 'brief';

/** Admins get whole error texts; everyone else their first line. */
export async function errorDetailFor(
  credentials: BackstageCredentials,
  permissions: PermissionsService,
): Promise<ErrorDetail> {
  const [decision] = await permissions.authorize(
    [{ permission: kafkaHubAdminReadPermission }],
    { credentials },
  );
  return decision.result === AuthorizeResult.ALLOW ? 'full' : 'brief';
}

// Run ids (and the batch markers of retry-all) are UUIDs.
const UUID =
  /\s*\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * An error text for callers without admin read: its first line, without
 * run ids ("Provisioning run <id> was interrupted" reads "Provisioning run
 * was interrupted").
 */
export function briefError(error: string | undefined): string | undefined {
  return error === undefined ? undefined : redactIds(firstLine(error));
}

/** The text without UUIDs (run ids, batch markers). */
function redactIds(text: string): string {
  return text.replace(UUID, '');
}

/** The text as a caller with this detail may see it. */
export function tierError(
  text: string | undefined,
  detail: ErrorDetail,
): string | undefined {
  return detail === 'full' ? text : briefError(text);
}
