/**
 * Kafka Hub backend plugin.
 *
 * @packageDocumentation
 */

export { kafkaHubPlugin as default } from './plugin';
