// Waits until a URL answers 2xx: node wait-for-http.mjs <url> <seconds> [log]
// On timeout prints the end of the log file and exits 1.
import { readFileSync } from 'node:fs';

const [url, seconds = '120', log] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
let last = '';
while (Date.now() < deadline) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      console.log(`ready: ${url}`);
      process.exit(0);
    }
    last = `HTTP ${res.status}`;
  } catch (error) {
    last = error.cause?.message ?? error.message;
  }
  await new Promise(resolve => setTimeout(resolve, 1000));
}
console.error(`not ready after ${seconds}s: ${url} (${last})`);
if (log) {
  const lines = readFileSync(log, 'utf8').split('\n');
  console.error(lines.slice(-40).join('\n'));
}
process.exit(1);
