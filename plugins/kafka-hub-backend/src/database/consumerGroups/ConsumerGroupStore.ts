import { Knex } from 'knex';
import {
  ConsumerGroupLifecycle,
  ConsumerGroupMember,
  ConsumerGroupState,
  ConsumerGroupStatus,
  ConsumerGroupType,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { readTimestamp, StoredTimestamp } from '../timestamps';
import { chunks } from '../chunks';
import { whereEntityRefIn } from '../entityRefFilter';
import { toNumber, toOptionalNumber } from '../numbers';
import { groupIdRefusal } from './groupIdLimit';
import { decodePartitions } from './partitionsJson';
import {
  ConsumerGroupLinkSource,
  DescribedWith,
  DiscoveredGroup,
  LatestGroupLag,
  ListConsumerGroupsQuery,
  PartitionOffsets,
  StoredConsumerGroup,
  StoredConsumerGroupWithLag,
} from './types';

const GROUPS = 'kafka_hub_consumer_groups';
const LAG = 'kafka_hub_consumer_group_lag';
const OFFSETS = 'kafka_hub_consumer_group_offsets';

interface GroupRow {
  environment: string;
  group_id: string;
  entity_ref: string | null;
  linked_by: ConsumerGroupLinkSource | null;
  group_type: ConsumerGroupType | null;
  state: ConsumerGroupState;
  member_count: number | string;
  members: string;
  protocol_type: string | null;
  assignment_strategy: string | null;
  group_epoch: number | string | null;
  assignment_epoch: number | string | null;
  coordinator: string | null;
  subscribed_topics: string;
  described_with: DescribedWith | null;
  describe_error: string | null;
  lifecycle: ConsumerGroupLifecycle;
  empty_since: StoredTimestamp | null;
  first_seen_at: StoredTimestamp;
  last_seen_at: StoredTimestamp;
  updated_at: StoredTimestamp;
}

interface LagRow {
  sampled_at_ms: number | string | null;
  total_lag: number | string | null;
  max_partition_lag: number | string | null;
  time_lag_seconds: number | string | null;
  partitions_without_commit: number | string | null;
  status: ConsumerGroupStatus | null;
  status_reason: string | null;
  trend: string | null;
}

export interface GroupLink {
  entityRef: string;
  linkedBy: ConsumerGroupLinkSource;
}

export interface RecordSyncOptions {
  environment: string;
  /** Every group the cluster listed, described. */
  groups: DiscoveredGroup[];
  /**
   * Link of any group id, also of stored groups the cluster no longer
   * lists. Without it (the claims could not be read) links stay as stored.
   */
  linkOf?: (groupId: string) => GroupLink | undefined;
  now: Date;
  /** Empty for this long makes a group inactive. */
  inactiveAfterMs: number;
  /** Not listed for this long makes a group archived. */
  archiveAfterMs: number;
}

export interface RecordSyncResult {
  listed: number;
  created: number;
  inactive: number;
  archived: number;
  /** Stored groups the cluster no longer lists. */
  gone: number;
  /**
   * Listed groups not recorded because their id is too long to store,
   * each with why; stored rows of them (if any) stay as they were.
   */
  refused: Array<{ groupId: string; error: string }>;
}

/** How many groups share a state, lifecycle and status, for the summary. */
export interface GroupCounts {
  state: ConsumerGroupState;
  lifecycle: ConsumerGroupLifecycle;
  /** Undefined for groups not sampled yet. */
  status?: ConsumerGroupStatus;
  groups: number;
  /** Sum of their latest total lag. */
  totalLag: number;
  /** How many of them had lag at their latest sample. */
  groupsWithLag: number;
}

/**
 * Columns of a group's description: a sync that could not describe a group
 * leaves them as they are (the group's own error is recorded instead).
 */
const DESCRIPTION_COLUMNS = [
  'member_count',
  'members',
  'assignment_strategy',
  'group_epoch',
  'assignment_epoch',
  'coordinator',
  'subscribed_topics',
  'described_with',
];

/**
 * Consumer groups found on each environment (written by the group sync) and
 * the reads of the routes: lists joined with each group's latest lag, one
 * group's latest per-partition offsets.
 */
export class ConsumerGroupStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records one sync of an environment. Listed groups are upserted: a group
   * Empty for `inactiveAfterMs` becomes inactive, any other listed group is
   * active. Stored groups the cluster no longer lists no longer exist there:
   * they become Dead and inactive at once (there is nothing to sample), and
   * archived once unseen for `archiveAfterMs`.
   */
  async recordSync(options: RecordSyncOptions): Promise<RecordSyncResult> {
    const { environment, linkOf, now } = options;
    const refused: RecordSyncResult['refused'] = [];
    const groups = options.groups.filter(group => {
      const error = groupIdRefusal(group.groupId);
      if (error) refused.push({ groupId: group.groupId, error });
      return !error;
    });
    const existing: Array<
      Pick<
        GroupRow,
        | 'group_id'
        | 'empty_since'
        | 'lifecycle'
        | 'last_seen_at'
        | 'entity_ref'
        | 'linked_by'
        | 'state'
      >
    > = await this.db(GROUPS)
      .where({ environment })
      .select([
        'group_id',
        'empty_since',
        'lifecycle',
        'last_seen_at',
        'entity_ref',
        'linked_by',
        'state',
      ]);
    const byId = new Map(existing.map(row => [row.group_id, row]));

    let created = 0;
    const rows = groups.map(group => {
      const before = byId.get(group.groupId);
      if (!before) created++;
      // Empty since the first sync that saw it Empty, while it stays Empty.
      let emptySince: Date | null = null;
      if (group.state === 'Empty') {
        emptySince =
          before?.empty_since && before.state === 'Empty'
            ? readTimestamp(before.empty_since)
            : now;
      }
      const lifecycle: ConsumerGroupLifecycle =
        emptySince &&
        now.getTime() - emptySince.getTime() >= options.inactiveAfterMs
          ? 'inactive'
          : 'active';
      const link = linkOf?.(group.groupId);
      return {
        environment,
        group_id: group.groupId,
        entity_ref: link?.entityRef ?? null,
        linked_by: link?.linkedBy ?? null,
        group_type: group.type ?? null,
        state: group.state,
        member_count: group.members.length,
        members: JSON.stringify(group.members),
        protocol_type: group.protocolType ?? null,
        assignment_strategy: group.assignmentStrategy ?? null,
        group_epoch: group.groupEpoch ?? null,
        assignment_epoch: group.assignmentEpoch ?? null,
        coordinator: group.coordinator ?? null,
        subscribed_topics: JSON.stringify(group.subscribedTopics),
        described_with: group.describedWith ?? null,
        describe_error: group.describeError ?? null,
        lifecycle,
        empty_since: emptySince,
        first_seen_at: now,
        last_seen_at: now,
        updated_at: now,
      };
    });

    // A refused group is listed: it is not gone.
    const listed = new Set(options.groups.map(g => g.groupId));
    const gone = existing.filter(row => !listed.has(row.group_id));
    let archived = 0;

    // Columns an update leaves as they are.
    const keep = new Set(['first_seen_at']);
    if (!linkOf) {
      keep.add('entity_ref');
      keep.add('linked_by');
    }
    const keepDescription = new Set([...keep, ...DESCRIPTION_COLUMNS]);
    const described = rows.filter(row => row.describe_error === null);
    const undescribed = rows.filter(row => row.describe_error !== null);
    await this.db.transaction(async tx => {
      for (const [batch, kept] of [
        [described, keep],
        [undescribed, keepDescription],
      ] as const) {
        for (const chunk of chunks(batch)) {
          await tx(GROUPS)
            .insert(chunk)
            .onConflict(['environment', 'group_id'])
            .merge(Object.keys(chunk[0]).filter(c => !kept.has(c)));
        }
      }
      for (const row of gone) {
        const unseenMs =
          now.getTime() - readTimestamp(row.last_seen_at).getTime();
        const lifecycle: ConsumerGroupLifecycle =
          unseenMs >= options.archiveAfterMs ? 'archived' : 'inactive';
        if (lifecycle === 'archived') archived++;
        const link = linkOf
          ? linkOf(row.group_id)
          : { entityRef: row.entity_ref, linkedBy: row.linked_by };
        const update = {
          state: 'Dead' as ConsumerGroupState,
          member_count: 0,
          members: '[]',
          describe_error: null,
          lifecycle,
          empty_since: null,
          entity_ref: link?.entityRef ?? null,
          linked_by: link?.linkedBy ?? null,
        };
        const unchanged =
          row.state === 'Dead' &&
          row.lifecycle === lifecycle &&
          row.entity_ref === update.entity_ref &&
          row.linked_by === update.linked_by;
        if (!unchanged) {
          await tx(GROUPS)
            .where({ environment, group_id: row.group_id })
            .update({ ...update, updated_at: now });
        }
      }
    });

    return {
      listed: options.groups.length,
      created,
      inactive: rows.filter(r => r.lifecycle === 'inactive').length,
      archived,
      gone: gone.length,
      refused,
    };
  }

  /** Groups of an environment in a lifecycle, e.g. the active ones to sample. */
  async listByLifecycle(
    environment: string,
    lifecycle: ConsumerGroupLifecycle,
  ): Promise<StoredConsumerGroup[]> {
    const rows: GroupRow[] = await this.db(GROUPS)
      .where({ environment, lifecycle })
      .orderBy('group_id');
    return rows.map(toGroup);
  }

  /**
   * The groups of an environment that read each topic: the topics the
   * members of a group not archived subscribe to or are assigned, and those
   * it has committed offsets on. Read in pages, so the memory held is the
   * answer, not every group's rows at once.
   */
  async readersOfTopics(environment: string): Promise<Map<string, string[]>> {
    const readers = new Map<string, Set<string>>();
    const add = (topic: string, groupId: string) => {
      let set = readers.get(topic);
      if (!set) {
        set = new Set();
        readers.set(topic, set);
      }
      set.add(groupId);
    };
    const PAGE = 1000;
    for (let after = ''; ; ) {
      const rows: Array<{
        group_id: string;
        subscribed_topics: string;
        partitions: string | null;
      }> = await this.db(`${GROUPS} as g`)
        .leftJoin(`${OFFSETS} as o`, function joinOffsets() {
          this.on('o.environment', 'g.environment').andOn(
            'o.group_id',
            'g.group_id',
          );
        })
        .where('g.environment', environment)
        .whereNot('g.lifecycle', 'archived')
        .where('g.group_id', '>', after)
        .orderBy('g.group_id')
        .limit(PAGE)
        .select('g.group_id', 'g.subscribed_topics', 'o.partitions');
      for (const row of rows) {
        for (const topic of JSON.parse(row.subscribed_topics) as string[]) {
          add(topic, row.group_id);
        }
        if (row.partitions) {
          for (const p of decodePartitions(row.partitions)) {
            if (p.committedOffset !== undefined) add(p.topic, row.group_id);
          }
        }
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].group_id;
    }
    return new Map(
      [...readers].map(([topic, groups]) => [topic, [...groups].sort()]),
    );
  }

  async get(
    environment: string,
    groupId: string,
  ): Promise<StoredConsumerGroupWithLag | undefined> {
    const row = await this.joined()
      .where({ 'g.environment': environment, 'g.group_id': groupId })
      .first();
    return row ? toGroupWithLag(row) : undefined;
  }

  /** Latest offsets of a group, the most lagging partitions first. */
  async latestOffsets(
    environment: string,
    groupId: string,
  ): Promise<PartitionOffsets[]> {
    const row: { partitions: string } | undefined = await this.db(OFFSETS)
      .where({ environment, group_id: groupId })
      .first('partitions');
    if (!row) return [];
    return decodePartitions(row.partitions).sort(
      (a, b) =>
        (b.lag ?? -1) - (a.lag ?? -1) ||
        a.topic.localeCompare(b.topic) ||
        a.partition - b.partition,
    );
  }

  /** Entity refs that have groups linked to them. */
  async linkedEntityRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(GROUPS)
      .whereNotNull('entity_ref')
      .distinct('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /** One page of groups with their latest lag, and the number matching. */
  async list(
    query: ListConsumerGroupsQuery,
  ): Promise<{ items: StoredConsumerGroupWithLag[]; total: number }> {
    if (query.entityRefs?.length === 0 && !query.includeUnlinked) {
      return { items: [], total: 0 };
    }
    const filtered = () => this.filtered(query);
    const [{ n }] = await filtered().count({ n: '*' });
    const order: Array<{ column: any; order: 'asc' | 'desc' }> = [];
    if (query.sort === 'lag') {
      order.push({
        column: this.db.raw('COALESCE(l.total_lag, -1)'),
        order: 'desc',
      });
    } else if (query.sort === 'timeLag') {
      order.push({
        column: this.db.raw('COALESCE(l.time_lag_seconds, -1)'),
        order: 'desc',
      });
    }
    order.push(
      { column: 'g.group_id', order: 'asc' },
      { column: 'g.environment', order: 'asc' },
    );
    let page = filtered();
    for (const { column, order: direction } of order) {
      page = page.orderBy(column, direction);
    }
    const rows = await page
      .select(this.joinedColumns())
      .limit(query.limit)
      .offset(query.offset);
    return { items: rows.map(toGroupWithLag), total: toNumber(n) };
  }

  /** State, lifecycle, status and lag of every matching group. */
  async counts(
    query: Omit<ListConsumerGroupsQuery, 'sort' | 'limit' | 'offset'>,
  ): Promise<GroupCounts[]> {
    if (query.entityRefs?.length === 0 && !query.includeUnlinked) {
      return [];
    }
    // Aggregated on the database: one row per combination, not per group.
    const rows: Array<{
      state: ConsumerGroupState;
      lifecycle: ConsumerGroupLifecycle;
      status: ConsumerGroupStatus | null;
      groups: number | string;
      total_lag: number | string | null;
      groups_with_lag: number | string | null;
    }> = await this.filtered({
      ...query,
      sort: 'name',
      limit: 0,
      offset: 0,
    })
      .select(['g.state', 'g.lifecycle', 'l.status'])
      .count({ groups: '*' })
      .sum({ total_lag: 'l.total_lag' })
      .select(
        this.db.raw(
          'SUM(CASE WHEN l.total_lag > 0 THEN 1 ELSE 0 END) AS groups_with_lag',
        ),
      )
      .groupBy(['g.state', 'g.lifecycle', 'l.status']);
    return rows.map(row => ({
      state: row.state,
      lifecycle: row.lifecycle,
      status: row.status ?? undefined,
      groups: toNumber(row.groups),
      totalLag: toOptionalNumber(row.total_lag) ?? 0,
      groupsWithLag: toOptionalNumber(row.groups_with_lag) ?? 0,
    }));
  }

  private joined() {
    return this.db(`${GROUPS} as g`)
      .leftJoin(`${LAG} as l`, join =>
        join
          .on('l.environment', '=', 'g.environment')
          .andOn('l.group_id', '=', 'g.group_id'),
      )
      .select(this.joinedColumns());
  }

  private joinedColumns() {
    return [
      'g.*',
      'l.sampled_at_ms',
      'l.total_lag',
      'l.max_partition_lag',
      'l.time_lag_seconds',
      'l.partitions_without_commit',
      'l.status',
      'l.status_reason',
      'l.trend',
    ];
  }

  private filtered(query: ListConsumerGroupsQuery) {
    const q = this.db(`${GROUPS} as g`).leftJoin(`${LAG} as l`, join =>
      join
        .on('l.environment', '=', 'g.environment')
        .andOn('l.group_id', '=', 'g.group_id'),
    );
    const { entityRefs, includeUnlinked } = query;
    if (entityRefs !== undefined) {
      q.where(inner => {
        // One statement however many refs a caller may read.
        if (entityRefs.length > 0) {
          whereEntityRefIn(inner, 'g.entity_ref', entityRefs);
        }
        if (includeUnlinked) inner.orWhereNull('g.entity_ref');
      });
    } else if (!includeUnlinked) {
      q.whereNotNull('g.entity_ref');
    }
    if (query.environment) q.where('g.environment', query.environment);
    if (query.state) q.where('g.state', query.state);
    if (query.lifecycle) q.where('g.lifecycle', query.lifecycle);
    if (query.hasLag === true) q.where('l.total_lag', '>', 0);
    if (query.hasLag === false) {
      q.where(inner =>
        inner.whereNull('l.total_lag').orWhere('l.total_lag', 0),
      );
    }
    if (query.search) {
      const pattern = `%${query.search
        .toLowerCase()
        .replace(/[\\%_]/g, c => `\\${c}`)}%`;
      q.whereRaw(`LOWER(g.group_id) LIKE ? ESCAPE '\\'`, [pattern]);
    }
    return q;
  }
}

function toGroup(row: GroupRow): StoredConsumerGroup {
  return {
    environment: row.environment,
    groupId: row.group_id,
    entityRef: row.entity_ref ?? undefined,
    linkedBy: row.linked_by ?? undefined,
    type: row.group_type ?? undefined,
    state: row.state,
    members: JSON.parse(row.members) as ConsumerGroupMember[],
    protocolType: row.protocol_type ?? undefined,
    assignmentStrategy: row.assignment_strategy ?? undefined,
    groupEpoch: toOptionalNumber(row.group_epoch),
    assignmentEpoch: toOptionalNumber(row.assignment_epoch),
    coordinator: row.coordinator ?? undefined,
    subscribedTopics: JSON.parse(row.subscribed_topics) as string[],
    describedWith: row.described_with ?? undefined,
    describeError: row.describe_error ?? undefined,
    lifecycle: row.lifecycle,
    emptySince: row.empty_since ? readTimestamp(row.empty_since) : undefined,
    firstSeenAt: readTimestamp(row.first_seen_at),
    lastSeenAt: readTimestamp(row.last_seen_at),
  };
}

function toGroupWithLag(row: GroupRow & LagRow): StoredConsumerGroupWithLag {
  const group = toGroup(row);
  if (row.sampled_at_ms === null || row.sampled_at_ms === undefined) {
    return group;
  }
  const lag: LatestGroupLag = {
    sampledAtMs: toNumber(row.sampled_at_ms),
    totalLag: toNumber(row.total_lag),
    maxPartitionLag: toNumber(row.max_partition_lag),
    timeLagSeconds: toOptionalNumber(row.time_lag_seconds),
    partitionsWithoutCommit: toNumber(row.partitions_without_commit),
    status: row.status ?? 'OK',
    statusReason: row.status_reason ?? '',
    trend: row.trend ? (JSON.parse(row.trend) as number[]) : [],
  };
  return { ...group, lag };
}
