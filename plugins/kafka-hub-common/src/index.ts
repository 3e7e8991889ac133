/**
 * Common functionality of Kafka Hub: permissions, shared types and the
 * catalog-annotation parser.
 *
 * @packageDocumentation
 */

export * from './permissions';
export * from './annotations';
export * from './types';
export * from './signals';
