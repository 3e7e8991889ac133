import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { aclsForApplication, applicationPrincipal } from './aclsForApplication';

describe('aclsForApplication', () => {
  it('grants topics read/write/describe, groups read, transactional ids write/describe on the prefix', () => {
    const acls = aclsForApplication('User:orders', 'orders.');
    expect(acls.map(acl => [acl.resourceType, acl.operation]).sort()).toEqual(
      [
        [ResourceTypes.TOPIC, AclOperations.READ],
        [ResourceTypes.TOPIC, AclOperations.WRITE],
        [ResourceTypes.TOPIC, AclOperations.DESCRIBE],
        [ResourceTypes.GROUP, AclOperations.READ],
        [ResourceTypes.TRANSACTIONAL_ID, AclOperations.WRITE],
        [ResourceTypes.TRANSACTIONAL_ID, AclOperations.DESCRIBE],
      ].sort(),
    );
    for (const acl of acls) {
      expect(acl).toMatchObject({
        resourceName: 'orders.',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: 'User:orders',
        host: '*',
        permissionType: AclPermissionTypes.ALLOW,
      });
    }
  });

  it('derives the principal from the pattern', () => {
    expect(applicationPrincipal('orders')).toBe('User:orders');
    expect(applicationPrincipal('orders', 'User:svc-{application}')).toBe(
      'User:svc-orders',
    );
    expect(applicationPrincipal('orders', 'User:alice')).toBe('User:alice');
  });
});
