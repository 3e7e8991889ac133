import { execFileSync } from 'child_process';

const kafkaScript = require.resolve('../../../../scripts/services/kafka.sh');

/**
 * Runs the project's local broker script, e.g. `kafkaService('stop')` or
 * `kafkaService('start', '--keep-data')`, for the fault tests that stop
 * the real broker under a running backend.
 */
export function kafkaService(...args: string[]): void {
  execFileSync('bash', [kafkaScript, ...args], { stdio: 'inherit' });
}
