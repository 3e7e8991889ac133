// Waits until the demo backend signs the guest in as a member of a team:
// the guest provider resolves the user's groups from the catalog, which
// ingests the demo's entities a few seconds after the backend is ready. A
// browser test that signs in before that gets an identity without its team
// (or a sign-in error in the production build).
//
//   node scripts/e2e/wait-for-guest.mjs <backend base url> <seconds> [log]
import { readFileSync } from 'node:fs';

const [baseUrl, seconds = '120', log] = process.argv.slice(2);
const url = `${baseUrl}/api/auth/guest/refresh`;
const deadline = Date.now() + Number(seconds) * 1000;
let last = '';
while (Date.now() < deadline) {
  try {
    const res = await fetch(url, {
      // The auth backend refuses refreshes without it (CSRF protection).
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      signal: AbortSignal.timeout(5000),
    });
    if (res.ok) {
      const body = await res.json();
      const refs = body?.backstageIdentity?.identity?.ownershipEntityRefs ?? [];
      if (refs.some(ref => ref.startsWith('group:'))) {
        console.log(`guest signs in with ${refs.join(', ')}`);
        process.exit(0);
      }
      last = `signed in without a group (${refs.join(', ') || 'no refs'})`;
    } else {
      last = `HTTP ${res.status}`;
    }
  } catch (error) {
    last = error.cause?.message ?? error.message;
  }
  await new Promise(resolve => setTimeout(resolve, 1000));
}
console.error(
  `the guest could not sign in with a team within ${seconds}s (${url}: ${last})`,
);
if (log) {
  try {
    console.error(readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
  } catch {
    // no log yet
  }
}
process.exit(1);
