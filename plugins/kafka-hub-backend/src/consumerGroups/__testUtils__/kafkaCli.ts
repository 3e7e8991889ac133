import { ChildProcess, spawn } from 'child_process';
import { testServices } from '../../testUtils/testServices';
import { runKafkaTool } from './testKafka';

/**
 * Kafka's own tools as the oracle of the group tests: its console consumer
 * as a child process, and what `ConsumerGroupCommand` prints of a group.
 */

const kafkaScript = require.resolve('../../../../../scripts/services/kafka.sh');
const bootstrap = testServices.kafkaPlaintextBrokers[0];

/** Kafka's console consumer, running as a child process. */
export interface ConsoleConsumer {
  /** Stops it as Ctrl-C would: it leaves its group and exits. */
  stop(): Promise<void>;
  /** What it printed on stderr, for a failure's message. */
  stderr(): string;
}

const running = new Set<ChildProcess>();

/**
 * Starts `org.apache.kafka.tools.consumer.ConsoleConsumer` in `groupId` on
 * `topic` from the beginning, with the given rebalance protocol
 * (`group.protocol`). It commits what it reads (auto commit).
 */
export function startConsoleConsumer(options: {
  groupId: string;
  topic: string;
  groupProtocol: 'consumer' | 'classic';
  /** `host:port,...` of another cluster than the shared broker. */
  bootstrapServer?: string;
}): ConsoleConsumer {
  // Its own process group: the script's bash and the JVM stop together.
  const child = spawn(
    'bash',
    [
      kafkaScript,
      'run-class',
      'org.apache.kafka.tools.consumer.ConsoleConsumer',
      '--bootstrap-server',
      options.bootstrapServer ?? bootstrap,
      '--topic',
      options.topic,
      '--group',
      options.groupId,
      '--from-beginning',
      '--consumer-property',
      `group.protocol=${options.groupProtocol}`,
      '--consumer-property',
      'auto.commit.interval.ms=100',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', chunk => {
    stderr += String(chunk);
  });
  const exited = new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  exited.then(() => running.delete(child));
  return {
    stop: async () => {
      signal(child, 'SIGTERM');
      const killed = setTimeout(() => signal(child, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(killed);
    },
    stderr: () => stderr,
  };
}

function signal(child: ChildProcess, name: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, name);
  } catch {
    // Already gone.
  }
}

/** Kills the console consumers a test left running (for afterAll). */
export function killConsoleConsumers(): void {
  for (const child of running) signal(child, 'SIGKILL');
}

/**
 * The rows of a table Kafka's tools print: each column starts where its
 * header does (values are padded to the widest; `COORDINATOR (ID)` and its
 * values hold a space, an empty assignor is blank).
 */
export function parseToolTable(output: string): Array<Record<string, string>> {
  const lines = output.split('\n');
  const headerAt = lines.findIndex(line => line.startsWith('GROUP '));
  if (headerAt < 0) return [];
  const header = lines[headerAt];
  const columns = [...header.matchAll(/COORDINATOR \(ID\)|\S+/g)].map(m => ({
    name: m[0],
    start: m.index ?? 0,
  }));
  return lines
    .slice(headerAt + 1)
    .filter(line => line.trim() !== '')
    .map(line =>
      Object.fromEntries(
        columns.map(({ name, start }, i) => [
          name,
          line.slice(start, columns[i + 1]?.start ?? line.length).trim(),
        ]),
      ),
    );
}

/** A group as `ConsumerGroupCommand --describe --state --verbose` prints it. */
export interface ToolGroupState {
  coordinator: string;
  assignmentStrategy: string;
  state: string;
  groupEpoch: string;
  targetAssignmentEpoch: string;
  members: number;
}

/** A member as `ConsumerGroupCommand --describe --members --verbose` prints it. */
export interface ToolGroupMember {
  consumerId: string;
  host: string;
  clientId: string;
  partitions: number;
  currentEpoch: string;
  currentAssignment: string;
  targetEpoch: string;
  targetAssignment: string;
}

/** What Kafka's `ConsumerGroupCommand` says of a group, with its raw output. */
export async function describeGroupWithTool(groupId: string): Promise<{
  state: ToolGroupState;
  members: ToolGroupMember[];
  output: string;
}> {
  const command = [
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--group',
    groupId,
  ];
  const tool = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
  const stateOutput = await runKafkaTool(tool, [
    ...command,
    '--state',
    '--verbose',
  ]);
  const membersOutput = await runKafkaTool(tool, [
    ...command,
    '--members',
    '--verbose',
  ]);
  const [row] = parseToolTable(stateOutput);
  if (!row) {
    throw new Error(`ConsumerGroupCommand printed no state:\n${stateOutput}`);
  }
  return {
    state: {
      coordinator: row['COORDINATOR (ID)'],
      assignmentStrategy: row['ASSIGNMENT-STRATEGY'],
      state: row.STATE,
      groupEpoch: row['GROUP-EPOCH'],
      targetAssignmentEpoch: row['TARGET-ASSIGNMENT-EPOCH'],
      members: Number(row['#MEMBERS']),
    },
    // "Consumer group '...' has no active members." prints no table.
    members: parseToolTable(membersOutput).map(m => ({
      consumerId: m['CONSUMER-ID'],
      host: m.HOST,
      clientId: m['CLIENT-ID'],
      partitions: Number(m['#PARTITIONS']),
      currentEpoch: m['CURRENT-EPOCH'],
      currentAssignment: m['CURRENT-ASSIGNMENT'],
      targetEpoch: m['TARGET-EPOCH'],
      targetAssignment: m['TARGET-ASSIGNMENT'],
    })),
    output: `${stateOutput.trim()}\n\n${membersOutput.trim()}`,
  };
}

/**
 * Assignments as the tool prints them (`orders:0,1,2`, `-` for none) and
 * as Kafka Hub stores them.
 */
export function toolAssignment(
  assignments: Array<{ topic: string; partitions: number[] }> | undefined,
): string {
  if (!assignments || assignments.length === 0) return '-';
  return assignments
    .map(({ topic, partitions }) => `${topic}:${partitions.join(',')}`)
    .join(',');
}
