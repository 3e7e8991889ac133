/**
 * What changed, in a Kafka Hub signal: the page refetches it through the
 * permission-checked routes; a signal carries no data.
 *
 * @public
 */
export type KafkaHubSignalKind = 'provisioning' | 'consumer-groups';

/**
 * The message of every Kafka Hub signal.
 *
 * @public
 */
export type KafkaHubSignal = {
  kind: KafkaHubSignalKind;
  /** When the change was recorded (ISO 8601). */
  at: string;
};

/**
 * The signal channel of one entity's Kafka data. Signals on it go to the
 * entity's owner and the configured admin recipients only.
 *
 * @public
 */
export function kafkaHubEntityChannel(entityRef: string): string {
  return `kafka-hub:entity:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * The signal channel of the admin page: changes across all applications,
 * sent to the configured admin recipients only.
 *
 * @public
 */
export const KAFKA_HUB_ADMIN_CHANNEL = 'kafka-hub:admin';
