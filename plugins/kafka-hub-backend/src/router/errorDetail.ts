import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kafkaHubAdminReadPermission } from '@internal/plugin-kafka-hub-common';
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

/** The first line of an error text, for callers without admin read. */
export function briefError(error: string | undefined): string | undefined {
  return error === undefined ? undefined : firstLine(error);
}
