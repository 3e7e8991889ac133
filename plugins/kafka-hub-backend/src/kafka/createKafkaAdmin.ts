import { Admin } from '@platformatic/kafka';
import { KafkaClusterConfig } from '../config/types';
import { KafkaClientTuning, kafkaClientOptions } from './kafkaClientOptions';

/** An admin client of one environment's cluster. Close it when done. */
export function createKafkaAdmin(
  config: KafkaClusterConfig,
  tuning: KafkaClientTuning = {},
): Admin {
  return new Admin(kafkaClientOptions(config, tuning));
}
