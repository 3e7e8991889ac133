export { TopicStore } from './TopicStore';
export type { SampledTopic, StoredTopic, TopicSampleRun } from './types';
