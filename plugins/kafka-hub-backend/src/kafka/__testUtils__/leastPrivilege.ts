import { pbkdf2Sync, randomBytes } from 'crypto';
import {
  Acl,
  AclOperations,
  AclOperationValue,
  AclPermissionTypes,
  Admin,
  alterUserScramCredentialsV0,
  describeUserScramCredentialsV0,
  parseBroker,
  ResourcePatternTypes,
  ResourcePatternTypeValue,
  ResourceTypes,
  ResourceTypeValue,
  ScramMechanisms,
} from '@platformatic/kafka';
import { testServices } from '../../testUtils/testServices';

/**
 * Helpers of the least-privilege test: SCRAM users made for one run, and
 * the ACLs that plugins/kafka-hub-backend/README.md documents for Kafka
 * Hub's own principal.
 */

/** One row of the README's ACL table. */
export interface DocumentedAcl {
  /** Short name used by the test to leave one right out. */
  right: string;
  resourceType: ResourceTypeValue;
  resourcePatternType: ResourcePatternTypeValue;
  operation: AclOperationValue;
}

/**
 * The rights of Kafka Hub's principal, as the README's table lists them.
 * CREATE and DESCRIBE_CONFIGS on topics are granted on the literal `*`
 * (any `namespacePattern`, the default `{application}.` included), or
 * prefixed on `namespaceHead`, the fixed text a `namespacePattern` such as
 * `apps.{application}.` starts with (`apps.`).
 */
export function documentedAcls(
  namespaceHead?: string,
): Array<DocumentedAcl & { resourceName: string }> {
  const namespaces = namespaceHead
    ? {
        resourceName: namespaceHead,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
      }
    : { resourceName: '*', resourcePatternType: ResourcePatternTypes.LITERAL };
  return [
    {
      right: 'cluster ALTER',
      resourceType: ResourceTypes.CLUSTER,
      resourceName: 'kafka-cluster',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperations.ALTER,
    },
    {
      right: 'topic DESCRIBE',
      resourceType: ResourceTypes.TOPIC,
      resourceName: '*',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperations.DESCRIBE,
    },
    {
      right: 'group DESCRIBE',
      resourceType: ResourceTypes.GROUP,
      resourceName: '*',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperations.DESCRIBE,
    },
    {
      right: 'topic CREATE',
      resourceType: ResourceTypes.TOPIC,
      ...namespaces,
      operation: AclOperations.CREATE,
    },
    {
      right: 'topic DESCRIBE_CONFIGS',
      resourceType: ResourceTypes.TOPIC,
      ...namespaces,
      operation: AclOperations.DESCRIBE_CONFIGS,
    },
  ];
}

/** The ACL bindings of `rights` for `principal`, allowed from any host. */
export function aclBindings(
  principal: string,
  rights: Array<Omit<DocumentedAcl, 'right'> & { resourceName: string }>,
): Acl[] {
  return rights.map(right => ({
    resourceType: right.resourceType,
    resourceName: right.resourceName,
    resourcePatternType: right.resourcePatternType,
    operation: right.operation,
    principal,
    host: '*',
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

/** A filter matching every ACL of `principal`. */
export function everyAclOf(principal: string) {
  return {
    resourceType: ResourceTypes.ANY,
    resourceName: null,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    host: null,
    operation: AclOperations.ANY,
    permissionType: AclPermissionTypes.ANY,
  };
}

const SCRAM_SHA_512 = ScramMechanisms.SCRAM_SHA_512;
/** Kafka's least iteration count for SCRAM-SHA-512. */
const SCRAM_ITERATIONS = 4096;

export interface ScramUser {
  username: string;
  password: string;
  principal: string;
}

function superUserConnection(admin: Admin) {
  return admin.connections.getFirstAvailable(
    testServices.kafkaPlaintextBrokers.map(broker => parseBroker(broker)),
  );
}

async function alterScramCredentials(
  admin: Admin,
  ...args: Parameters<typeof alterUserScramCredentialsV0.api.async> extends [
    unknown,
    ...infer Rest,
  ]
    ? Rest
    : never
): Promise<void> {
  const connection = await superUserConnection(admin);
  const response = await alterUserScramCredentialsV0.api.async(
    connection,
    ...args,
  );
  const failed = response.results.find(result => result.errorCode !== 0);
  if (failed) {
    throw new Error(
      `AlterUserScramCredentials of ${failed.user} failed: ${failed.errorCode} ${failed.errorMessage}`,
    );
  }
}

/**
 * A SCRAM-SHA-512 user of its own, made through `admin` (a super user):
 * what `kafka-configs --alter --add-config 'SCRAM-SHA-512=[...]'` does.
 */
export async function createScramUser(
  admin: Admin,
  name: string,
): Promise<ScramUser> {
  const password = randomBytes(12).toString('hex');
  const salt = randomBytes(32);
  await alterScramCredentials(
    admin,
    [],
    [
      {
        name,
        mechanism: SCRAM_SHA_512,
        iterations: SCRAM_ITERATIONS,
        salt,
        saltedPassword: pbkdf2Sync(
          password,
          salt,
          SCRAM_ITERATIONS,
          64,
          'sha512',
        ),
      },
    ],
  );
  // The broker learns of the credentials from the metadata log a moment
  // after the controller stored them.
  const until = Date.now() + 30_000;
  for (;;) {
    // An unknown user is an error code in the answer (RESOURCE_NOT_FOUND).
    const known = await describeUserScramCredentialsV0.api
      .async(await superUserConnection(admin), [{ name }])
      .then(
        described => described.results[0]?.credentialInfos.length > 0,
        () => false,
      );
    if (known) break;
    if (Date.now() > until) {
      throw new Error(`The broker does not describe the SCRAM user ${name}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return { username: name, password, principal: `User:${name}` };
}

export async function deleteScramUser(
  admin: Admin,
  name: string,
): Promise<void> {
  await alterScramCredentials(admin, [{ name, mechanism: SCRAM_SHA_512 }], []);
}

/**
 * Creates `acls` and resolves once the broker describes them all: the KRaft
 * controller applies new ACLs a moment after it acknowledged them, and the
 * broker that describes them is the one that authorizes.
 */
export async function grantAndSettle(admin: Admin, acls: Acl[]): Promise<void> {
  if (acls.length === 0) return;
  const principals = [...new Set(acls.map(acl => acl.principal))];
  const described = async () =>
    (
      await Promise.all(
        principals.map(principal =>
          admin.describeAcls({ filter: everyAclOf(principal) }),
        ),
      )
    )
      .flat()
      .reduce((sum, resource) => sum + resource.acls.length, 0);
  const wanted = (await described()) + acls.length;
  await admin.createAcls({ creations: acls });
  const until = Date.now() + 30_000;
  for (;;) {
    const count = await described();
    if (count >= wanted) return;
    if (Date.now() > until) {
      throw new Error(
        `The broker describes ${count} ACLs of ${principals.join(
          ', ',
        )}, ${wanted} expected`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
