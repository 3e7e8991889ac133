// The polling loop of the scripts that wait for a service: calls `attempt`
// every second until it answers { ok: true }; on timeout prints what the
// last attempt saw and the end of `log`, and exits 1.
import { readFileSync } from 'node:fs';

export async function waitUntil({ what, seconds, log, attempt }) {
  const deadline = Date.now() + Number(seconds) * 1000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const result = await attempt();
      if (result.ok) {
        console.log(result.message);
        return;
      }
      last = result.message;
    } catch (error) {
      last = error.cause?.message ?? error.message;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  console.error(`${what} within ${seconds}s (${last})`);
  if (log) {
    try {
      console.error(
        readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'),
      );
    } catch {
      // no log yet
    }
  }
  process.exit(1);
}
