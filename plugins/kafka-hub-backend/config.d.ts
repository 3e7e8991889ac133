import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

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
          /**
           * TLS. `true` verifies the brokers against Node's bundled CAs; an
           * object sets a CA, a client certificate (mutual TLS) and more.
           * PEM values are given inline or as the path of a file, read at
           * start-up. Default: false.
           */
          ssl?:
            | boolean
            | {
                /** CA certificates (PEM, inline or file path) trusted instead of Node's bundled ones. */
                ca?: string;
                /** Client certificate (PEM, inline or file path), with `key`, for mutual TLS. */
                cert?: string;
                /**
                 * Private key of the client certificate (PEM, inline or file path).
                 * @visibility secret
                 */
                key?: string;
                /**
                 * Passphrase of an encrypted `key`.
                 * @visibility secret
                 */
                passphrase?: string;
                /** Verify the brokers' certificates. Only for tests: false. Default: true. */
                rejectUnauthorized?: boolean;
                /** Name for SNI and the certificate check when it differs from the broker host. */
                servername?: string;
              };
          /**
           * SASL authentication: a user name and password (PLAIN,
           * SCRAM-SHA-256, SCRAM-SHA-512), or OAUTHBEARER with a static token
           * or tokens from an OAuth 2 client-credentials endpoint.
           */
          sasl?: {
            mechanism:
              | 'plain'
              | 'scram-sha-256'
              | 'scram-sha-512'
              | 'oauthbearer';
            /**
             * For plain and scram-*.
             * @visibility secret
             */
            username?: string;
            /**
             * For plain and scram-*.
             * @visibility secret
             */
            password?: string;
            /**
             * For oauthbearer: a static token (JWT). Give this or `oauth`.
             * @visibility secret
             */
            token?: string;
            /**
             * For oauthbearer: the client-credentials grant (RFC 6749 4.4)
             * that supplies tokens, each reused until shortly before it expires.
             */
            oauth?: {
              /** Token endpoint, e.g. `https://idp.example.com/oauth2/token`. */
              tokenEndpointUrl: string;
              /** @visibility secret */
              clientId: string;
              /** @visibility secret */
              clientSecret: string;
              /** Space-separated scopes to ask for. */
              scope?: string;
            };
            /**
             * For oauthbearer: SASL extensions (KIP-342), e.g. Confluent
             * Cloud's `logicalCluster` and `identityPoolId`.
             */
            extensions?: { [name: string]: string };
          };
          /** Time to establish a connection, in milliseconds. Default: 3000. */
          connectionTimeoutMs?: number;
          /** Time to wait for a response, in milliseconds. Default: 10000. */
          requestTimeoutMs?: number;
        };
        schemaRegistry?: {
          /** Base URL of the Confluent-compatible API, e.g. `http://host:8081/apis/ccompat/v7`. */
          url: string;
          /**
           * Basic auth user name (with `password`), e.g. a Confluent Cloud API key.
           * @visibility secret
           */
          username?: string;
          /** @visibility secret */
          password?: string;
          /**
           * Bearer token sent as `Authorization: Bearer ...`, instead of Basic auth.
           * @visibility secret
           */
          token?: string;
          /** TLS of an https `url`: a private CA and a client certificate. */
          tls?: {
            /** CA certificates (PEM, inline or file path) trusted instead of Node's bundled ones. */
            ca?: string;
            /** Client certificate (PEM, inline or file path), with `key`. */
            cert?: string;
            /**
             * Private key of the client certificate (PEM, inline or file path).
             * @visibility secret
             */
            key?: string;
            /** @visibility secret */
            passphrase?: string;
            /** Verify the registry's certificate. Only for tests: false. Default: true. */
            rejectUnauthorized?: boolean;
            /** Name for SNI and the certificate check when it differs from the URL's host. */
            servername?: string;
          };
          /** Timeout of one HTTP call, in milliseconds. Default: 10000. */
          timeoutMs?: number;
        };
        /**
         * Cluster names of the community Kafka plugin (its
         * `kafka.clusters[].name`) that stand for this environment, so a
         * `kafka.apache.org/consumer-groups: <cluster>/<group>` annotation
         * links its group here. The environment's own name needs no alias.
         * An alias may not be another environment's name or alias, nor
         * contain `,` or `/`.
         */
        aliases?: string[];
        /**
         * This environment's own topic and ACL settings, over those of
         * `kafkaHub.provisioning` (so prod and dev can differ). `topicConfig`
         * merges key by key; the others replace the global value.
         */
        provisioning?: {
          /** Replication factor of created topics. */
          replicationFactor?: number;
          /** Partitions of a topic whose annotation gives none; at most `maxPartitions`. */
          defaultPartitions?: number;
          /** Most partitions a topic may declare; more is an annotation error. */
          maxPartitions?: number;
          /** Kafka principal of an application; must contain `{application}`. */
          principalPattern?: string;
          /**
           * Configs every new topic gets here, e.g. `retention.ms: 3d`,
           * `min.insync.replicas: 2`; a topic's `kafka-hub.io/topic-config`
           * overrides them. Any Kafka topic config; `*.ms` take durations
           * (`7d`), `*.bytes` sizes (`1GiB`).
           */
          topicConfig?: { [config: string]: string | number };
        };
      };
    };

    /**
     * Namespace prefix of each application's topics, consumer groups and
     * transactional ids; must contain `{application}` once, followed by a
     * character no slug contains (so no prefix is a prefix of another's).
     * Default: `{application}.`.
     */
    namespacePattern?: string;

    /** Namespace and link claims: which entity owns each slug and explicitly linked name. */
    claims?: {
      /**
       * How long a claim's holder may be gone from the catalog (or stop
       * declaring the claimed name) before the claim is released and the
       * next entity may claim it. Admins can release earlier. Default: 7 days.
       */
      releaseAfter?: HumanDuration | string;
    };

    /** How lists apply the permission policy. */
    permissions?: {
      /**
       * How long the entities a list may show are reused for callers whose
       * policy conditions are equal (they carry the user's ownership
       * claims), so a page's several requests resolve them once. Default: 10 seconds.
       */
      readableEntitiesCacheTtl?: HumanDuration | string;
    };

    /** Provisioning of each application's namespace in every environment. */
    provisioning?: {
      /** Partitions of a topic whose annotation gives none. Default: 3. */
      defaultPartitions?: number;
      /** Most partitions a topic may declare; more is an annotation error. Default: 10000. */
      maxPartitions?: number;
      /** Replication factor of created topics. Default: 1. */
      replicationFactor?: number;
      /** Kafka principal of an application; must contain `{application}`. Default: `User:{application}`. */
      principalPattern?: string;
      /**
       * Configs every new topic gets, in every environment without its own
       * value, e.g. `retention.ms: 7d`. Any Kafka topic config; `*.ms` take
       * durations (`7d`), `*.bytes` sizes (`1GiB`). Existing topics are
       * never changed: a difference is reported as drift. Default: none.
       */
      topicConfig?: { [config: string]: string | number };
      /**
       * Configs a team may set in `kafka-hub.io/topic-config`; any other is
       * an annotation error naming it. Default: retention.ms, retention.bytes,
       * cleanup.policy, min.compaction.lag.ms, max.message.bytes, segment.ms.
       */
      allowedTopicConfigs?: string[];
      /** Automatic attempts before only a manual retry runs again. Default: 8. */
      maxAttempts?: number;
      /** Wait before the second automatic attempt; doubles after each one. Default: 1 minute. */
      initialBackoff?: HumanDuration | string;
      /** Longest wait between automatic attempts. Default: 1 hour. */
      maxBackoff?: HumanDuration | string;
      /** A run unfinished after this long counts as dead and is retried. Default: 10 minutes. */
      leaseTimeout?: HumanDuration | string;
      /** Applications provisioned at once. Default: 4. */
      concurrency?: number;
      /** How often due applications are provisioned. Default: every 15 seconds. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How often the catalog is read for new, changed and removed applications. Default: every minute. */
      reconcileSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Largest share (0 to 1) of all applications one reconcile may mark removed; above it the reconcile removes nothing and the admin page says why (the catalog may be incomplete). Default: 0.5. */
      maxRemovalShare?: number;
      /** Removals of up to this many applications at once are allowed whatever their share. Default: 10. */
      removalsAlwaysAllowed?: number;
    };

    /** Sync of subjects and versions from each environment's Schema Registry. */
    schemas?: {
      /** How often each environment's registry is synced. Default: every 5 minutes, first after 30 seconds. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Registry calls in flight at once, per environment. Default: 8. */
      concurrency?: number;
      /** Extra attempts of a call after a 429, a 5xx, a refused connection or a timeout (backoff from 200 ms, doubling, honouring Retry-After, at most 5 s). Default: 2. */
      retries?: number;
      /**
       * A subject listing this long may have been cut off by the registry
       * (Apicurio's `apicurio.ccompat.max-subjects`), so nothing is marked
       * stale after it. 0 turns the check off. Default: 1000.
       */
      subjectListingLimit?: number;
    };

    /** Consumer-group discovery, lag sampling and lag history. */
    consumerGroups?: {
      /** How often groups are listed and described, per environment. Default: every minute. */
      syncSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How often lag is sampled, per environment. Default: every 30 seconds. */
      lagSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How often history is rolled up and pruned. Default: every hour. */
      retentionSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      retention?: {
        /** Raw samples are kept this long, then hourly rollups. Default: 7 days. */
        raw?: HumanDuration | string;
        /** Hourly rollups are kept this long, then daily ones. Default: 30 days. */
        hourly?: HumanDuration | string;
        /** Daily rollups are kept this long. Default: 365 days. */
        daily?: HumanDuration | string;
        /**
         * Per-partition history: the partition rows and the raw rows of the
         * group page's lag chart by topic and partition (whose half-hourly,
         * hourly and daily rollups are kept like the lag's). Keep it at
         * least as long as the retention schedule's frequency, so each half
         * hour is rolled up before it goes. 0 keeps none: no chart by topic
         * or partition. Default: 1 hour.
         */
        partitionHistory?: HumanDuration | string;
      };
      /** A group Empty this long becomes inactive and is no longer sampled. Default: 24 hours. */
      inactiveAfter?: HumanDuration | string;
      /** A group the cluster has not listed for this long becomes archived. Default: 7 days. */
      archiveAfter?: HumanDuration | string;
      /** Kafka requests in flight at once per environment while sampling. Default: 32. */
      concurrency?: number;
      /** Groups per DescribeGroups request. Default: 100. */
      describeBatchSize?: number;
      /** Samples the status (OK, WARN, STALL, STOP, REWIND) looks back on. Default: 10. */
      statusWindow?: number;
      /** End-offset points kept per partition for the time-lag estimate. Default: 60. */
      timeLagPoints?: number;
    };

    /**
     * Notifications to the owners of applications and consumer groups, sent
     * through the notifications backend (`@backstage/plugin-notifications-backend`).
     */
    notifications?: {
      /** Off switch for every Kafka Hub notification. Default: true. */
      enabled?: boolean;
      /** Provisioning of an application failed (once per failure streak), and recovered. */
      provisioning?: {
        /** Default: true. */
        enabled?: boolean;
      };
      /** A consumer group entered one of `statuses`, and recovered. */
      consumerGroups?: {
        /** Default: true. */
        enabled?: boolean;
        /** The statuses that notify. Default: STOP, STALL and REWIND. */
        statuses?: Array<'WARN' | 'STALL' | 'STOP' | 'REWIND'>;
      };
    };

    /**
     * Live updates of open pages through the signals backend
     * (`@backstage/plugin-signals-backend`); without it pages poll.
     */
    signals?: {
      /** Off switch: publish no signals. Default: true. */
      enabled?: boolean;
      /**
       * Users and groups (entity refs, e.g. `group:default/kafka-platform`)
       * that may read every application: they get every entity's signals
       * and the admin page's. Keep it to the groups your permission policy
       * gives `kafka-hub.admin.read`. Default: none.
       */
      adminRecipients?: string[];
    };

    /**
     * The topic sampler: each environment's topics inside claimed
     * namespaces (partitions, replicas, size, offsets, configs), read in
     * batched requests and stored for the entity Kafka tab.
     */
    topics?: {
      /** How often each environment's topics are sampled. Default: every 5 minutes, first after 20 seconds. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Kafka requests in flight at once per environment while sampling. Default: 8. */
      concurrency?: number;
    };

    /**
     * Reading an application's messages (`kafka-hub.messages.read`). Every
     * read stops at the first bound it reaches and says which one.
     */
    messages?: {
      /** Most messages one read returns; may only be lowered. Default and maximum: 500. */
      maxMessages?: number;
      /**
       * Most bytes (keys, values and headers as stored) one read returns;
       * may only be lowered. Default and maximum: 5242880 (5 MiB).
       */
      maxBytes?: number;
      /** Longest one read runs, in milliseconds; may only be lowered. Default and maximum: 10000. */
      timeoutMs?: number;
      /**
       * Fields replaced by `"***"` in every decoded key and value before it
       * leaves the backend. Each entry is a dot-separated path of field
       * names from the top of the key or value, e.g. `card.number`. A
       * `*` segment matches any one field name (`customer.*.email`); a
       * leading `*.` matches at any depth, the top included (`*.email`
       * masks every field named `email`). Arrays are transparent: a path
       * goes through their elements. A masked object or array is replaced
       * whole. Keys and values that are not JSON-like (text, hex) are not
       * masked. Default: none.
       */
      mask?: string[];
    };

    /** Health checks of `GET /health`. */
    health?: {
      /** Upper bound of one check, in milliseconds. Default: 5000. */
      timeoutMs?: number;
    };
  };
}
