export interface Config {
  /** Kafka Hub: self-service Kafka in the catalog. */
  kafkaHub?: {
    /** One entry per environment, keyed by its name (dev, stage, prod, ...). */
    environments?: {
      [environment: string]: {
        kafka: {
          /** host:port of one or more brokers. */
          brokers: string[];
          /** Client id sent to the brokers. Default: `backstage-kafka-hub`. */
          clientId?: string;
          /** Use TLS. Default: false. */
          ssl?: boolean;
          sasl?: {
            mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
            /** @visibility secret */
            username: string;
            /** @visibility secret */
            password: string;
          };
          /** Time to establish a connection, in milliseconds. Default: 3000. */
          connectionTimeoutMs?: number;
          /** Time to wait for a response, in milliseconds. Default: 10000. */
          requestTimeoutMs?: number;
        };
        schemaRegistry?: {
          /** Base URL of the Confluent-compatible API, e.g. `http://host:8081/apis/ccompat/v7`. */
          url: string;
          /** @visibility secret */
          username?: string;
          /** @visibility secret */
          password?: string;
          /** Timeout of one HTTP call, in milliseconds. Default: 10000. */
          timeoutMs?: number;
        };
      };
    };

    /** Health checks of `GET /health`. */
    health?: {
      /** Upper bound of one check, in milliseconds. Default: 5000. */
      timeoutMs?: number;
    };
  };
}
