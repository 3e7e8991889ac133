/**
 * The longest group id Kafka Hub stores, in UTF-8 bytes. Kafka allows ids
 * of 32,767 characters, but group ids are parts of btree keys, whose
 * entries PostgreSQL caps at about 2.7 kB (PostgreSQL may compress a long
 * key to fit, or not: a limit of our own keeps the outcome independent of
 * the id's content). The widest key is a partition history row's:
 * environment (63), topic (249), group id and a few numbers; 2,000 bytes
 * leaves room for them on SQLite and PostgreSQL alike.
 */
export const MAX_GROUP_ID_BYTES = 2000;

/** Characters of a refused id an error shows. */
const SHOWN_CHARACTERS = 60;

/** A group id short enough for a message: its start and its length. */
function shortenedGroupId(groupId: string): string {
  const chars = [...groupId];
  if (chars.length <= SHOWN_CHARACTERS) return groupId;
  return `${chars.slice(0, SHOWN_CHARACTERS).join('')}… (${
    chars.length
  } characters)`;
}

/** Why a group id cannot be stored, or undefined when it can. */
export function groupIdRefusal(groupId: string): string | undefined {
  const bytes = Buffer.byteLength(groupId, 'utf8');
  if (bytes <= MAX_GROUP_ID_BYTES) return undefined;
  return `Consumer group ${shortenedGroupId(
    groupId,
  )} is not recorded: its id is ${bytes} bytes long (UTF-8), above Kafka Hub's limit of ${MAX_GROUP_ID_BYTES} bytes`;
}
