export { scheduleTopicSampling } from './scheduleTopicSampling';
