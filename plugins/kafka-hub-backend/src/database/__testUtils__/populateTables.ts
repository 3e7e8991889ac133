import { createHash } from 'crypto';
import { Knex } from 'knex';
import {
  foreignKeys,
  listTables,
  referencedFirst,
  TableColumns,
  tableColumns,
} from './databaseTables';

type Row = Record<string, unknown>;

const HOUR_MS = 3_600_000;
const BASE_MS = Date.UTC(2026, 10, 20, 8);

/**
 * Realistic rows of every table the plugin's migrations create, one batch per
 * generation (each batch has keys of its own, so batches add up). A builder
 * may name columns a table does not have yet or no longer has: only the
 * columns the table has are written, and columns a builder does not name
 * (added by a later migration) get a value from their type.
 */
function realisticRows(
  generation: number,
  {
    longGroupIds,
    longSubjects,
  }: { longGroupIds: boolean; longSubjects: boolean },
): Record<string, Row[]> {
  const g = generation;
  const at = (hours: number) => new Date(BASE_MS + (g * 24 + hours) * HOUR_MS);
  const ms = (hours: number) => BASE_MS + (g * 24 + hours) * HOUR_MS;
  const environments = [`dev-${g}`, `prod-${g}`];
  const apps = ['orders', 'payments', 'shipping'].map((name, i) => ({
    name: `${name}-${g}`,
    ref: `component:default/${name}-${g}`,
    owner: `group:default/team-${i}`,
    removed: i === 2,
  }));
  const groups = environments.flatMap(environment => [
    ...apps.map((app, i) => ({
      environment,
      app,
      groupId: `${app.name}.consumer-${i}`,
      topic: `${app.name}.events`,
    })),
    // Kafka allows group ids up to 32,767 characters; once the column
    // takes them, a database has some.
    ...(longGroupIds
      ? [
          {
            environment,
            app: apps[0],
            groupId: `${apps[0].name}.${'generated-consumer-'.repeat(20)}`,
            topic: `${apps[0].name}.events`,
          },
        ]
      : []),
  ]);
  const subjects: Array<{
    environment: string;
    app: (typeof apps)[number];
    role: string | null;
    topic: string | null;
    subject: string;
  }> = environments.flatMap(environment =>
    apps.flatMap(app =>
      ['key', 'value'].map(role => ({
        environment,
        app,
        role,
        topic: `${app.name}.events`,
        subject: `${app.name}.events-${role}`,
      })),
    ),
  );
  // Confluent sets no limit on subject names (a record-name subject is a
  // fully qualified record name); once the column takes longer ones, a
  // database has some.
  if (longSubjects) {
    for (const environment of environments) {
      subjects.push({
        environment,
        app: apps[1],
        role: null,
        topic: null,
        subject: `com.example.${'deeply.nested.namespace.'.repeat(
          25,
        )}Order${g}`,
      });
    }
  }
  const schemaText = (subject: string, version: number) =>
    JSON.stringify({
      type: 'record',
      name: subject.replace(/\W/g, '_'),
      fields: [{ name: `field${version}`, type: 'string' }],
    });

  return {
    kafka_hub_cluster_health: environments.flatMap(environment =>
      ['kafka', 'schema-registry'].map((service, i) => ({
        environment,
        service,
        status: i === 0 ? 'up' : 'down',
        error: i === 0 ? null : 'connect ECONNREFUSED 127.0.0.1:8081',
        checked_at: at(1),
        status_since: at(0),
      })),
    ),
    kafka_hub_applications: apps.map((app, i) => ({
      entity_ref: app.ref,
      application: app.name,
      owner_ref: app.owner,
      status: ['completed', 'failed', 'partial'][i],
      error: i === 1 ? 'Topic authorization failed' : null,
      environments: JSON.stringify({
        [environments[0]]: { status: 'completed', finishedAt: at(2) },
      }),
      desired_state_hash: `sha256-${app.name}`,
      desired_state: JSON.stringify({
        environments,
        topics: [{ name: `${app.name}.events`, partitions: 3 }],
      }),
      current_run_id: null,
      attempt_count: i,
      last_attempt_at: at(2),
      next_attempt_at: i === 1 ? at(3) : null,
      lease_expires_at: null,
      created_at: at(0),
      updated_at: at(2),
      annotation_errors:
        i === 1
          ? JSON.stringify([
              {
                annotation: 'kafka-hub.io/topics',
                value: 'x',
                message: 'not a list',
              },
            ])
          : null,
      removed_at: app.removed ? at(4) : null,
      removed_note: app.removed
        ? JSON.stringify({ application: app.name, environments, topics: [] })
        : null,
    })),
    kafka_hub_provisioning_runs: apps.flatMap(app =>
      [0, 1, 2].map(run => ({
        run_id: `run-${app.name}-${run}`,
        entity_ref: app.ref,
        trigger: ['desired-state-changed', 'schedule', 'retry'][run],
        requested_by: run === 2 ? 'user:default/alice' : null,
        environments: JSON.stringify(environments),
        desired_state_hash: `sha256-${app.name}`,
        started_at: at(run),
        finished_at: at(run + 0.5),
        result: run === 1 ? 'failed' : 'completed',
        error: run === 1 ? 'Broker not available' : null,
        detail: JSON.stringify({ [environments[0]]: { status: 'completed' } }),
      })),
    ),
    kafka_hub_schemas: subjects.map(
      ({ environment, app, role, topic, subject }) => ({
        environment,
        subject,
        entity_ref: app.ref,
        topic,
        role,
        format: 'AVRO',
        latest_version: 2,
        latest_global_id: g * 1000 + subjects.length,
        version_count: 2,
        compatibility: 'BACKWARD',
        compatibility_source: role === 'key' ? 'subject' : 'global',
        status: app.removed ? 'stale' : 'registered',
        first_seen_at: at(0),
        last_seen_at: at(3),
        updated_at: at(3),
      }),
    ),
    kafka_hub_schema_versions: subjects.flatMap(({ environment, subject }, s) =>
      [1, 2].map(version => ({
        environment,
        subject,
        version,
        global_id: g * 1000 + s * 2 + version,
        format: 'AVRO',
        schema_text: schemaText(subject, version),
        schema_references: '[]',
        fingerprint: createHash('sha256')
          .update(schemaText(subject, version))
          .digest('hex'),
        deleted: version === 1 && s % 3 === 0,
        first_seen_at: at(version),
        synced_at: at(3),
      })),
    ),
    kafka_hub_topics: environments.flatMap(environment =>
      apps.map((app, i) => ({
        environment,
        topic: `${app.name}.events`,
        entity_ref: app.ref,
        partitions: 3,
        replication_factor: 1,
        under_replicated_partitions: 0,
        offline_partitions: 0,
        min_in_sync_replicas: 1,
        partition_detail: JSON.stringify([0, 1, 2].map(p => [p, 1, [1], [1]])),
        size_bytes: 1024 * i,
        disk_bytes: 1024 * i,
        message_estimate: 10 * i,
        retention_ms: 604_800_000,
        retention_bytes: -1,
        cleanup_policy: 'delete',
        config_overrides: JSON.stringify({ 'retention.ms': '604800000' }),
        consumer_groups: '[]',
        sampled_at_ms: ms(3),
        drift: ['fewer-partitions', 'undeclared', null][i % 3],
        declared_partitions: [6, null, 3][i % 3],
      })),
    ),
    kafka_hub_topic_samples: environments.map((environment, i) => ({
      environment,
      last_run_at: at(3),
      last_success_at: i === 0 ? at(3) : null,
      sampled_at_ms: i === 0 ? ms(3) : null,
      last_outcome: i === 0 ? 'succeeded' : 'failed',
      last_error: i === 0 ? null : 'connect ECONNREFUSED 10.0.0.1:9092',
      duration_ms: 840,
      topics: i === 0 ? apps.length : 0,
      kafka_requests: 6,
      request_counts: JSON.stringify({ Metadata: 1, ListOffsets: 2 }),
    })),
    kafka_hub_schema_sync_runs: environments.map((environment, i) => ({
      environment,
      status: i === 0 ? 'succeeded' : 'partial',
      started_at: at(3),
      finished_at: at(3.01),
      duration_ms: 412,
      subjects: subjects.length / 2,
      fetched_versions: 12,
      stale_marked: 2,
      failed_subjects: i,
      http_calls: 19,
      error: i === 0 ? null : 'GET /subjects/x/versions: HTTP 500',
      last_success_at: at(3),
    })),
    kafka_hub_consumer_groups: groups.map(
      ({ environment, app, groupId, topic }, i) => ({
        environment,
        group_id: groupId,
        entity_ref: app.ref,
        linked_by: i % 2 === 0 ? 'prefix' : 'kafka-hub.io/consumer-groups',
        state: i % 3 === 2 ? 'Empty' : 'Stable',
        member_count: i % 3 === 2 ? 0 : 2,
        members: JSON.stringify(
          i % 3 === 2
            ? []
            : [
                {
                  memberId: `${groupId}-m1`,
                  clientId: 'c1',
                  host: '/10.0.0.1',
                  assignments: [{ topic, partitions: [0, 1, 2] }],
                },
              ],
        ),
        protocol_type: 'consumer',
        assignment_strategy: 'range',
        coordinator: '1 (127.0.0.1:9092)',
        subscribed_topics: JSON.stringify([topic]),
        lifecycle: 'active',
        empty_since: i % 3 === 2 ? at(1) : null,
        first_seen_at: at(0),
        last_seen_at: at(3),
        updated_at: at(3),
        group_type: i % 2 === 0 ? 'classic' : 'consumer',
        group_epoch: i % 2 === 0 ? null : 7,
        assignment_epoch: i % 2 === 0 ? null : 7,
        described_with:
          i % 2 === 0 ? 'DescribeGroups' : 'ConsumerGroupDescribe',
        describe_error: i === 3 ? 'GROUP_AUTHORIZATION_FAILED' : null,
      }),
    ),
    kafka_hub_consumer_group_lag: groups.map(({ environment, groupId }, i) => ({
      environment,
      group_id: groupId,
      sampled_at_ms: ms(3),
      total_lag: 100 * i,
      max_partition_lag: 60 * i,
      time_lag_seconds: i === 0 ? null : 1.5 * i,
      partitions_without_commit: i % 2,
      status: ['OK', 'WARN', 'STALL'][i % 3],
      status_reason: 'lag within limits',
      trend: JSON.stringify([0, 10 * i, 100 * i]),
    })),
    kafka_hub_consumer_group_offsets: groups.map(
      ({ environment, groupId, topic }, i) => ({
        environment,
        group_id: groupId,
        sampled_at_ms: ms(3),
        partitions: JSON.stringify([
          {
            t: topic,
            p: [
              [0, 100, 100 + i, i, 0.5],
              [1, null, 40, null, null],
            ],
          },
        ]),
      }),
    ),
    kafka_hub_consumer_group_lag_history: groups.flatMap(
      ({ environment, groupId }, i) =>
        [0, 1, 2, 3].map(sample => ({
          environment,
          group_id: groupId,
          sampled_at_ms: ms(sample),
          total_lag: 10 * sample + i,
          max_partition_lag: 5 * sample,
          time_lag_seconds: sample === 0 ? null : sample * 0.25,
          committed_sum: 1000 + 100 * sample,
          rewound: sample === 3 && i === 0,
          state: 'Stable',
          member_count: 2,
          status: 'OK',
        })),
    ),
    kafka_hub_consumer_group_lag_rollups: groups.flatMap(
      ({ environment, groupId }, i) =>
        ['halfhour', 'hour', 'day'].map((resolution, r) => ({
          environment,
          group_id: groupId,
          resolution,
          bucket_start_ms: ms(r),
          samples: 4,
          sum_total_lag: 60 + i,
          max_total_lag: 30 + i,
          max_partition_lag: 15,
          time_lag_samples: 3,
          sum_time_lag_seconds: 1.5,
          max_time_lag_seconds: r === 2 ? null : 0.75,
        })),
    ),
    kafka_hub_consumer_group_partition_history: groups.flatMap(
      ({ environment, groupId, topic }) =>
        [0, 1].flatMap(sample =>
          [0, 1, 2].map(partition => ({
            environment,
            group_id: groupId,
            sampled_at_ms: ms(sample),
            topic,
            partition,
            committed_offset: partition === 2 ? null : 100 * sample + partition,
            end_offset: 100 * sample + 10,
            lag: partition === 2 ? null : 10 - partition,
          })),
        ),
    ),
    kafka_hub_partition_end_offsets: environments.flatMap(environment =>
      apps.flatMap(app =>
        [0, 1].flatMap(partition =>
          [100, 150].map((endOffset, step) => ({
            environment,
            topic: `${app.name}.events`,
            partition,
            end_offset: endOffset,
            first_seen_ms: ms(step),
            last_seen_ms: ms(step + 0.5),
          })),
        ),
      ),
    ),
    kafka_hub_consumer_group_task_runs: environments.flatMap(environment =>
      ['sync', 'lag', 'retention'].map((task, i) => ({
        environment,
        task,
        last_run_at: at(3),
        last_success_at: i === 2 ? null : at(3),
        last_error: i === 2 ? 'Request timed out' : null,
        duration_ms: 80 + i,
      })),
    ),
    kafka_hub_namespace_claims: apps.map((app, i) => ({
      application: app.name,
      prefix: `${app.name}.`,
      entity_ref: app.ref,
      owner_ref: app.owner,
      claimed_at: at(0),
      holder_missing_since: i === 2 ? at(4) : null,
    })),
    kafka_hub_link_claims: environments.flatMap(environment =>
      apps.map((app, i) => ({
        environment,
        kind: i === 1 ? 'schema-subject' : 'consumer-group',
        name: `legacy-${app.name}`,
        entity_ref: app.ref,
        owner_ref: app.owner,
        annotation:
          i === 1
            ? 'kafka-hub.io/schema-subjects'
            : 'kafka-hub.io/consumer-groups',
        claimed_at: at(1),
        holder_missing_since: null,
      })),
    ),
    kafka_hub_link_errors: apps.map(app => ({
      entity_ref: app.ref,
      errors: JSON.stringify([
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: 'payments.x',
          message: 'inside the namespace of payments',
        },
      ]),
      updated_at: at(2),
    })),
    kafka_hub_provisioning_task_runs: ['reconcile', 'retry-due'].map(
      (task, i) => ({
        task: `${task}-${g}`,
        last_run_at: at(3),
        last_success_at: at(3),
        duration_ms: 31 + i,
        error: i === 0 ? 'Refused to remove 12 of 14 applications' : null,
        summary: `{"checked":${3 + i}}`,
      }),
    ),
  };
}

/** Rows per table when nothing here knows the table (a newer migration's). */
const UNKNOWN_TABLE_ROWS = 4;

/** A value of the column's type, distinct per generation and row. */
function valueOfType(
  column: string,
  info: Knex.ColumnInfo,
  generation: number,
  row: number,
): unknown {
  const type = info.type.toLowerCase();
  const serial = generation * 1000 + row;
  if (type.includes('bool')) return row % 2 === 0;
  if (type.includes('int') || type.includes('serial')) return serial;
  if (/double|float|real|numeric|decimal/.test(type)) return serial + 0.25;
  if (/timestamp|date|time/.test(type)) {
    return new Date(BASE_MS + serial * 60_000);
  }
  if (type.includes('json')) return JSON.stringify({ generation, row });
  if (type.includes('uuid')) {
    return `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`;
  }
  const text = `${column}-${generation}-${row}`;
  const max = Number(info.maxLength) || Infinity;
  return text.length <= max ? text : `${serial}`.slice(-max);
}

/** Whether the table exists and its column stores text longer than `length`. */
async function takesLongerThan(
  knex: Knex,
  table: string,
  column: string,
  length: number,
): Promise<boolean> {
  if (!(await listTables(knex)).includes(table)) return false;
  const info = (await tableColumns(knex, table))[column];
  return (
    info !== undefined &&
    (info.maxLength === null || Number(info.maxLength) > length)
  );
}

/**
 * Adds one generation of rows to every plugin table that exists now, in
 * foreign-key order. Returns the rows inserted per table.
 */
export async function populateTables(
  knex: Knex,
  generation: number,
): Promise<Map<string, number>> {
  const known = realisticRows(generation, {
    longGroupIds: await takesLongerThan(
      knex,
      'kafka_hub_consumer_groups',
      'group_id',
      255,
    ),
    longSubjects: await takesLongerThan(
      knex,
      'kafka_hub_schemas',
      'subject',
      512,
    ),
  });
  const inserted = new Map<string, number>();
  for (const table of await referencedFirst(knex, await listTables(knex))) {
    const columns: TableColumns = await tableColumns(knex, table);
    const keys = await foreignKeys(knex, table);
    const base: Row[] =
      known[table] ??
      Array.from({ length: UNKNOWN_TABLE_ROWS }, () => ({} as Row));
    const rows: Row[] = [];
    for (const [index, source] of base.entries()) {
      const row: Row = {};
      for (const [column, info] of Object.entries(columns)) {
        if (column in source) {
          row[column] = source[column];
          continue;
        }
        const key = keys.find(k => k.columns.includes(column));
        if (key) {
          // A reference the builder does not know: point at an existing row.
          const targets = await knex(key.referencedTable)
            .select(key.referencedColumns)
            .orderBy(key.referencedColumns);
          if (targets.length === 0) {
            throw new Error(
              `Cannot fill ${table}.${column}: ${key.referencedTable} is empty`,
            );
          }
          const target = targets[index % targets.length];
          row[column] =
            target[key.referencedColumns[key.columns.indexOf(column)]];
          continue;
        }
        row[column] = valueOfType(column, info, generation, index);
      }
      rows.push(row);
    }
    try {
      await knex.batchInsert(table, rows, 50);
    } catch (error) {
      throw new Error(
        `Could not fill ${table} (generation ${generation}): ${error}`,
      );
    }
    inserted.set(table, rows.length);
  }
  return inserted;
}
