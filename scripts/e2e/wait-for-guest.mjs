// Waits until the demo backend signs the guest in as a member of a team:
// the guest provider resolves the user's groups from the catalog, which
// ingests the demo's entities a few seconds after the backend is ready. A
// browser test that signs in before that gets an identity without its team
// (or a sign-in error in the production build).
//
//   node scripts/e2e/wait-for-guest.mjs <backend base url> <seconds> [log]
import { waitUntil } from '../waitUntil.mjs';

const [baseUrl, seconds = '120', log] = process.argv.slice(2);
const url = `${baseUrl}/api/auth/guest/refresh`;
await waitUntil({
  what: `the guest could not sign in with a team: ${url}`,
  seconds,
  log,
  attempt: async () => {
    const res = await fetch(url, {
      // The auth backend refuses refreshes without it (CSRF protection).
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) {
      return { ok: false, message: `HTTP ${res.status}` };
    }
    const body = await res.json();
    const refs = body?.backstageIdentity?.identity?.ownershipEntityRefs ?? [];
    return refs.some(ref => ref.startsWith('group:'))
      ? { ok: true, message: `guest signs in with ${refs.join(', ')}` }
      : {
          ok: false,
          message: `signed in without a group (${
            refs.join(', ') || 'no refs'
          })`,
        };
  },
});
