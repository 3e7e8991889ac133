export { TopicStore } from './TopicStore';
export type {
  ListTopicsQuery,
  SampledTopic,
  SampledTopicDrift,
  StoredTopic,
  TopicSampleRun,
  TopicSort,
} from './types';
