import { JsonObject } from '@backstage/types';
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const replicasScript = require.resolve(
  '../../../../scripts/services/replicas.sh',
);

/** Runs scripts/services/replicas.sh; rejects with its output on failure. */
function replicasSh(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [replicasScript, ...args],
      // Above the script's own start timeout, so its clearer message wins.
      { timeout: 900_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `replicas.sh ${args.join(' ')} failed (${
                error.code ?? error.signal
              }):\n${stdout}${stderr}`,
            ),
          );
        } else {
          resolve(stdout.trim());
        }
      },
    );
  });
}

/** One process of the demo backend (packages/backend), numbered from 1. */
export interface BackendReplica {
  readonly index: number;
  /** E.g. `http://127.0.0.1:7101`. */
  readonly baseUrl: string;
  /** Its log file (every start of this replica appends to it). */
  readonly logFile: string;
  /** The node process's pid, or undefined when it does not run. */
  pid(): Promise<number | undefined>;
  /** `kill -9` of the node process itself. */
  kill(): Promise<void>;
  /** SIGTERM, waiting until it exited. */
  stop(): Promise<void>;
  /** Stops it if it runs, starts it with the same config, waits until ready. */
  restart(): Promise<void>;
  /** A request to this replica as the harness's service principal. */
  fetch(urlPath: string, init?: RequestInit): Promise<Response>;
  /** `fetch` of JSON; rejects on a status other than 2xx, naming it. */
  json<T = any>(urlPath: string, init?: RequestInit): Promise<T>;
}

export interface BackendReplicas {
  readonly replicas: BackendReplica[];
  /** Replica `index` (from 1). */
  replica(index: number): BackendReplica;
  /** The database every replica uses: `postgresql://.../kafka_hub_replicas_...`. */
  readonly databaseUrl: string;
  /** Stops every replica and drops the database. */
  stop(): Promise<void>;
}

export interface BackendReplicasOptions {
  /** How many replicas. Default: 2. */
  count?: number;
  /**
   * App config every replica reads after app-config.yaml, e.g. short
   * schedules, a short `kafkaHub.provisioning.leaseTimeout`, or an
   * environment's `schemaRegistry.url` pointing at the fault proxy. The
   * harness's own keys (port, database, service token) always win.
   */
  config?: JsonObject;
}

/**
 * Starts N processes of the demo backend against one fresh PostgreSQL
 * database with scripts/services/replicas.sh (see its header) and waits until
 * each is ready. The script allows one set of replicas at a time: stop them
 * in `afterAll`.
 */
export async function startBackendReplicas(
  options: BackendReplicasOptions = {},
): Promise<BackendReplicas> {
  const count = options.count ?? 2;
  const configDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'kafka-hub-replicas-'),
  );
  const configFile = path.join(configDir, 'harness.yaml');
  // JSON is YAML.
  fs.writeFileSync(configFile, JSON.stringify(options.config ?? {}, null, 2));
  try {
    await replicasSh('start', String(count), '--config', configFile);
  } catch (error) {
    fs.rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
  const token = await replicasSh('token');
  const databaseUrl = await replicasSh('database');

  const replicas: BackendReplica[] = [];
  for (let index = 1; index <= count; index++) {
    const baseUrl = await replicasSh('url', String(index));
    const logFile = await replicasSh('log', String(index));
    const replicaFetch = (urlPath: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${urlPath}`, {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${token}` },
      });
    replicas.push({
      index,
      baseUrl,
      logFile,
      pid: async () => {
        try {
          return Number(await replicasSh('pid', String(index)));
        } catch {
          return undefined;
        }
      },
      kill: async () => {
        await replicasSh('kill', String(index));
      },
      stop: async () => {
        await replicasSh('stop-one', String(index));
      },
      restart: async () => {
        await replicasSh('restart', String(index));
      },
      fetch: replicaFetch,
      json: async (urlPath, init) => {
        const res = await replicaFetch(urlPath, init);
        if (!res.ok) {
          throw new Error(
            `replica ${index}: ${init?.method ?? 'GET'} ${urlPath} answered ${
              res.status
            }: ${(await res.text()).slice(0, 500)}`,
          );
        }
        return res.json();
      },
    });
  }

  return {
    replicas,
    replica: index => {
      const replica = replicas[index - 1];
      if (!replica) {
        throw new Error(`no replica ${index} (1..${replicas.length})`);
      }
      return replica;
    },
    databaseUrl,
    stop: async () => {
      try {
        await replicasSh('stop');
      } finally {
        fs.rmSync(configDir, { recursive: true, force: true });
      }
    },
  };
}

/** A line of a replica's log. */
export interface ReplicaLogLine {
  /** Epoch ms of the line's timestamp. */
  at: number;
  level: string;
  message: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const KAFKA_HUB_LINE =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) kafka-hub (\w+) (.*)$/;

/** The kafka-hub plugin's lines in a replica's log so far, in order. */
export function kafkaHubLogLines(replica: BackendReplica): ReplicaLogLine[] {
  const text = fs.existsSync(replica.logFile)
    ? fs.readFileSync(replica.logFile, 'utf8')
    : '';
  const lines: ReplicaLogLine[] = [];
  for (const raw of text.split('\n')) {
    const line = KAFKA_HUB_LINE.exec(raw.replace(ANSI, ''));
    if (line) {
      lines.push({ at: Date.parse(line[1]), level: line[2], message: line[3] });
    }
  }
  return lines;
}
