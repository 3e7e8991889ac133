import { execFile, execFileSync } from 'child_process';
import { promisify } from 'util';
import { Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka';
import { KafkaClientTuning, kafkaClientOptions } from '../kafka';

/*
 * Drives the local three-node KRaft cluster of scripts/services/kafka-cluster.sh
 * for tests that crash and restart brokers: start, stop, kill -9, restart, and
 * the waits that tell when the cluster has reacted (a leader moved, a node is
 * registered again, a node is back in the ISR).
 *
 * Node ids are the script's node numbers (node.id=N), so the leader of a
 * partition or the coordinator of a group, as the brokers report them, is the
 * node to kill.
 */

const script = require.resolve('../../../../scripts/services/kafka-cluster.sh');

export type KafkaClusterNode = 1 | 2 | 3;

export const kafkaClusterNodes: readonly KafkaClusterNode[] = [1, 2, 3];

/** The script's output; on failure an error with its stderr (ending with the node's last log lines). */
async function runScript(...args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [script, ...args], {
      timeout: 400_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stderr?: string; stdout?: string };
    throw new Error(
      `kafka-cluster.sh ${args.join(' ')} failed: ${failure.message}\n${
        failure.stdout ?? ''
      }${failure.stderr ?? ''}`,
    );
  }
}

let bootstrap: string[] | undefined;

/**
 * The commands of scripts/services/kafka-cluster.sh, run without blocking
 * the event loop (clients of the test keep working while a node restarts).
 */
export const kafkaCluster = {
  /** Starts the three nodes (fresh data unless they already run); resolves once all three brokers are registered. */
  start: () => runScript('start'),
  /** Stops every node. */
  stop: () => runScript('stop'),
  /** `kill -9` of one node, like a crash: no controlled shutdown. */
  killNode: (node: KafkaClusterNode) => runScript('kill', String(node)),
  /** Graceful stop of one node (controlled shutdown moves its leaderships first). */
  stopNode: (node: KafkaClusterNode) => runScript('stop-node', String(node)),
  /** Starts one node on its existing data; resolves once it serves and is registered (unfenced) again. */
  startNode: (node: KafkaClusterNode) => runScript('start-node', String(node)),
  /** Graceful stop, then start on its existing data. */
  restartNode: (node: KafkaClusterNode) => runScript('restart', String(node)),

  /** `host:port` of the three brokers, as clients' bootstrap list. */
  bootstrapBrokers(): string[] {
    bootstrap ??= execFileSync('bash', [script, 'bootstrap'], {
      encoding: 'utf8',
    })
      .trim()
      .split(',');
    return bootstrap;
  },

  /** Client options of `@platformatic/kafka` clients of the cluster (PLAINTEXT, no auth). */
  clientOptions(clientId: string, tuning: KafkaClientTuning = {}) {
    return kafkaClientOptions(
      {
        brokers: kafkaCluster.bootstrapBrokers(),
        clientId,
        ssl: false,
        connectionTimeoutMs: 2000,
        requestTimeoutMs: 10_000,
      },
      tuning,
    );
  },

  /** An admin client of the cluster (close it when done). */
  admin(clientId = 'kafka-hub-cluster-harness'): Admin {
    return new Admin(kafkaCluster.clientOptions(clientId, { retries: 8 }));
  },
};

const byNumber = (a: number, b: number) => a - b;

export interface PartitionState {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/** Leader, replicas and ISR of every partition of a topic, fresh from the brokers. */
export async function partitionStates(
  admin: Admin,
  topic: string,
): Promise<PartitionState[]> {
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  const partitions = metadata.topics.get(topic)?.partitions;
  if (!partitions) throw new Error(`The cluster has no metadata of ${topic}`);
  return partitions.map((p, partition) => ({
    partition,
    leader: p.leader,
    replicas: [...p.replicas].sort(byNumber),
    isr: [...p.isr].sort(byNumber),
  }));
}

/** The node that leads one partition now. */
export async function partitionLeader(
  admin: Admin,
  topic: string,
  partition: number,
): Promise<KafkaClusterNode> {
  const state = (await partitionStates(admin, topic))[partition];
  if (!state) throw new Error(`${topic} has no partition ${partition}`);
  return asNode(state.leader, `leader of ${topic}-${partition}`);
}

/** The node that coordinates a consumer group now. */
export async function groupCoordinator(
  admin: Admin,
  groupId: string,
): Promise<KafkaClusterNode> {
  const [found] = await admin.findCoordinator({
    keyType: FindCoordinatorKeyTypes.GROUP,
    keys: [groupId],
  });
  if (!found) throw new Error(`No coordinator was found for ${groupId}`);
  return asNode(found.nodeId, `coordinator of ${groupId}`);
}

/** Brokers in the cluster's metadata: registered and not fenced. */
async function liveBrokers(admin: Admin): Promise<number[]> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  return [...metadata.brokers.keys()].sort(byNumber);
}

function asNode(id: number, what: string): KafkaClusterNode {
  if (!kafkaClusterNodes.includes(id as KafkaClusterNode)) {
    throw new Error(`The ${what} is node ${id}, not one of the cluster's`);
  }
  return id as KafkaClusterNode;
}

/** One look at the cluster: done with a value, or what was seen instead. */
type Probe<T> = { done: true; value: T } | { done: false; seen: string };

/**
 * Polls the cluster until `probe` is done. The brokers react on their own
 * clock (fencing after the session timeout, elections, replica fetches), so
 * this waits for what they report, with a deadline that fails naming what
 * was last seen.
 */
export async function waitForCluster<T>(
  what: string,
  probe: () => Promise<Probe<T>>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  for (;;) {
    try {
      const result = await probe();
      if (result.done) return result.value;
      seen = result.seen;
    } catch (error) {
      seen = `error: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${
          timeoutMs / 1000
        }s waiting for ${what}; last seen: ${seen}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

const describeStates = (states: PartitionState[]) =>
  states
    .map(
      s =>
        `p${s.partition} leader ${s.leader} replicas [${s.replicas}] isr [${s.isr}]`,
    )
    .join('; ');

/** Waits until a partition is led by another node than `formerLeader`; the new leader. */
export function waitForNewLeader(
  admin: Admin,
  topic: string,
  partition: number,
  formerLeader: KafkaClusterNode,
  timeoutMs?: number,
): Promise<KafkaClusterNode> {
  return waitForCluster(
    `${topic}-${partition} to be led by another node than ${formerLeader}`,
    async () => {
      const states = await partitionStates(admin, topic);
      const { leader } = states[partition];
      return leader !== formerLeader && leader >= 0
        ? {
            done: true,
            value: asNode(leader, `leader of ${topic}-${partition}`),
          }
        : { done: false, seen: describeStates(states) };
    },
    timeoutMs,
  );
}

/** Waits until `node` is in the ISR of every partition of `topic`. */
export function waitForInSync(
  admin: Admin,
  topic: string,
  node: KafkaClusterNode,
  timeoutMs?: number,
): Promise<PartitionState[]> {
  return waitForCluster(
    `node ${node} in the ISR of every partition of ${topic}`,
    async () => {
      const states = await partitionStates(admin, topic);
      return states.every(s => s.isr.includes(node))
        ? { done: true, value: states }
        : { done: false, seen: describeStates(states) };
    },
    timeoutMs,
  );
}

/** Waits until every partition of `topic` has all `replicas` in its ISR and a leader. */
export function waitForFullIsr(
  admin: Admin,
  topic: string,
  replicas: number,
  timeoutMs?: number,
): Promise<PartitionState[]> {
  return waitForCluster(
    `${replicas} in-sync replicas and a leader for every partition of ${topic}`,
    async () => {
      const states = await partitionStates(admin, topic);
      return states.every(s => s.leader >= 0 && s.isr.length === replicas)
        ? { done: true, value: states }
        : { done: false, seen: describeStates(states) };
    },
    timeoutMs,
  );
}

/** Waits until the brokers' metadata lists exactly `nodes` as live brokers. */
export function waitForLiveBrokers(
  admin: Admin,
  nodes: readonly KafkaClusterNode[],
  timeoutMs?: number,
): Promise<number[]> {
  const want = [...nodes].sort(byNumber).join(',');
  return waitForCluster(
    `live brokers [${want}]`,
    async () => {
      const live = await liveBrokers(admin);
      return live.join(',') === want
        ? { done: true, value: live }
        : { done: false, seen: `live brokers [${live}]` };
    },
    timeoutMs,
  );
}

/** Waits until a group is coordinated by another node than `formerCoordinator`; the new one. */
export function waitForNewCoordinator(
  admin: Admin,
  groupId: string,
  formerCoordinator: KafkaClusterNode,
  timeoutMs?: number,
): Promise<KafkaClusterNode> {
  return waitForCluster(
    `${groupId} to be coordinated by another node than ${formerCoordinator}`,
    async () => {
      const coordinator = await groupCoordinator(admin, groupId);
      return coordinator !== formerCoordinator
        ? { done: true, value: coordinator }
        : { done: false, seen: `coordinator ${coordinator}` };
    },
    timeoutMs,
  );
}
