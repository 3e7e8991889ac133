import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';

/** The default principal pattern: `User:{application}`. */
export const DEFAULT_PRINCIPAL_PATTERN = 'User:{application}';

/** The Kafka principal of an application, e.g. `User:orders`. */
export function applicationPrincipal(
  application: string,
  pattern: string = DEFAULT_PRINCIPAL_PATTERN,
): string {
  return pattern.split('{application}').join(application);
}

const GRANTS: Array<[AclResourceTypes, AclOperationTypes[]]> = [
  [
    AclResourceTypes.TOPIC,
    [
      AclOperationTypes.READ,
      AclOperationTypes.WRITE,
      AclOperationTypes.DESCRIBE,
    ],
  ],
  [AclResourceTypes.GROUP, [AclOperationTypes.READ]],
  [
    AclResourceTypes.TRANSACTIONAL_ID,
    [AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE],
  ],
];

/**
 * The prefixed ACLs an application's principal gets on its namespace: read,
 * write and describe its topics, read (join, commit) its consumer groups,
 * write and describe its transactional ids. Allowed from any host.
 */
export function aclsForApplication(
  principal: string,
  prefix: string,
): AclEntry[] {
  return GRANTS.flatMap(([resourceType, operations]) =>
    operations.map(operation => ({
      resourceType,
      resourceName: prefix,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Identity of an ACL binding, to compare wanted and existing ones. */
export function aclKey(acl: AclEntry): string {
  return [
    acl.resourceType,
    acl.resourcePatternType,
    acl.resourceName,
    acl.principal,
    acl.host,
    acl.operation,
    acl.permissionType,
  ].join('|');
}
