/*
 * What the benchmarks share: where the broker and PostgreSQL are, a scratch
 * database with Kafka Hub's migrations, the environment they sample, and
 * how they print numbers.
 */
import { execSync } from 'child_process';
import { randomBytes } from 'crypto';
import knexFactory, { Knex } from 'knex';
import { EnvironmentConfig } from '../../plugins/kafka-hub-backend/src/config/types';

export const BROKERS = (process.env.BENCH_BROKERS ?? '127.0.0.1:9092').split(
  ',',
);
export const POSTGRES =
  process.env.BENCH_POSTGRES ??
  execSync('bash scripts/services/postgres.sh url').toString().trim();

/** The environment a benchmark samples: the local broker, plaintext. */
export const benchEnvironment: EnvironmentConfig = {
  name: 'bench',
  kafka: {
    brokers: BROKERS,
    clientId: 'kafka-hub-bench',
    ssl: false,
    connectionTimeoutMs: 5000,
    requestTimeoutMs: 30_000,
  },
};

/** The client that creates a benchmark's topics and groups (not counted). */
export const setupKafka = {
  ...benchEnvironment.kafka,
  clientId: 'kafka-hub-bench-setup',
};

export const log = (line: string) => console.log(`[bench] ${line}`);
export const ms = (t0: number) => Date.now() - t0;
export const seconds = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export const silentLogger: any = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** A new PostgreSQL database with Kafka Hub's migrations; `drop` removes it. */
export async function scratchDatabase(name: string): Promise<{
  knex: Knex;
  drop: () => Promise<void>;
}> {
  const database = `kafka_hub_bench_${name}_${randomBytes(3).toString('hex')}`;
  const root = knexFactory({ client: 'pg', connection: POSTGRES });
  await root.raw('CREATE DATABASE ??', [database]);
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 1, max: 4 },
  });
  await knex.migrate.latest({
    directory: 'plugins/kafka-hub-backend/migrations',
  });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await root.raw('DROP DATABASE IF EXISTS ??', [database]);
      await root.destroy();
    },
  };
}
