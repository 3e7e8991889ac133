export * from './constants';
export * from './types';
export {
  parseKafkaAnnotations,
  isKafkaApplication,
  hasKafkaConsumerGroups,
  formatAnnotationError,
} from './parseKafkaAnnotations';
export type { AnnotatedEntity } from './parseKafkaAnnotations';
export * from './namespace';
export {
  kafkaTopicConfig,
  parseTopicConfigValue,
  topicDeclarationErrors,
} from './topicConfig';
export type { TopicDeclarationRules } from './topicConfig';
