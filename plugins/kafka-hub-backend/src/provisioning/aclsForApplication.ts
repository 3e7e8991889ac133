import {
  Acl,
  AclOperations,
  AclOperationValue,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  ResourceTypeValue,
} from '@platformatic/kafka';

/** The default principal pattern: `User:{application}`. */
export const DEFAULT_PRINCIPAL_PATTERN = 'User:{application}';

/** The Kafka principal of an application, e.g. `User:orders`. */
export function applicationPrincipal(
  application: string,
  pattern: string = DEFAULT_PRINCIPAL_PATTERN,
): string {
  return pattern.split('{application}').join(application);
}

const GRANTS: Array<[ResourceTypeValue, AclOperationValue[]]> = [
  [
    ResourceTypes.TOPIC,
    [AclOperations.READ, AclOperations.WRITE, AclOperations.DESCRIBE],
  ],
  [ResourceTypes.GROUP, [AclOperations.READ]],
  [
    ResourceTypes.TRANSACTIONAL_ID,
    [AclOperations.WRITE, AclOperations.DESCRIBE],
  ],
];

/**
 * The prefixed ACLs an application's principal gets on its namespace: read,
 * write and describe its topics, read (join, commit) its consumer groups,
 * write and describe its transactional ids. Allowed from any host.
 */
export function aclsForApplication(principal: string, prefix: string): Acl[] {
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
export function aclKey(acl: Acl): string {
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
