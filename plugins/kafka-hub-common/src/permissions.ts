import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * See an entity's Kafka data: provisioning status, topics, schemas and
 * consumer groups. A catalog-entity permission, so policies can use the
 * catalog's rules (isEntityOwner, hasAnnotation, ...).
 *
 * @public
 */
export const kafkaHubEntityReadPermission = createPermission({
  name: 'kafka-hub.entity.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Retry provisioning of one entity's Kafka application.
 *
 * @public
 */
export const kafkaHubProvisioningRetryPermission = createPermission({
  name: 'kafka-hub.provisioning.retry',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read the (decoded) messages of one entity's topics. Every read is audited.
 * A catalog-entity permission, like `kafka-hub.entity.read`, but separate:
 * seeing a topic's metadata does not mean seeing what flows through it.
 *
 * @public
 */
export const kafkaHubMessagesReadPermission = createPermission({
  name: 'kafka-hub.messages.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * The admin page: full error detail, run ids, cross-entity lists including
 * data not linked to any entity, cluster and sync health.
 *
 * @public
 */
export const kafkaHubAdminReadPermission = createPermission({
  name: 'kafka-hub.admin.read',
  attributes: { action: 'read' },
});

/**
 * Retry every failed or partial provisioning at once.
 *
 * @public
 */
export const kafkaHubAdminRetryPermission = createPermission({
  name: 'kafka-hub.admin.retry',
  attributes: { action: 'update' },
});

/**
 * Every permission of Kafka Hub, for registration with the permission
 * framework.
 *
 * @public
 */
export const kafkaHubPermissions = [
  kafkaHubEntityReadPermission,
  kafkaHubProvisioningRetryPermission,
  kafkaHubMessagesReadPermission,
  kafkaHubAdminReadPermission,
  kafkaHubAdminRetryPermission,
];
