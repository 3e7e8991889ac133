// Waits until a URL answers 2xx: node wait-for-http.mjs <url> <seconds> [log]
// On timeout prints the end of the log file and exits 1.
import { waitUntil } from './waitUntil.mjs';

const [url, seconds = '120', log] = process.argv.slice(2);
await waitUntil({
  what: `not ready: ${url}`,
  seconds,
  log,
  attempt: async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return res.ok
      ? { ok: true, message: `ready: ${url}` }
      : { ok: false, message: `HTTP ${res.status}` };
  },
});
