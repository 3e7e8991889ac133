// Serves the demo app's production build (packages/app/dist, built by
// `yarn workspace app build`, with the frontend config embedded) for the
// browser end-to-end tests: each navigation loads a few minified bundles
// instead of the dev server's unminified ones, several times faster on a
// two-core machine. Unknown paths answer index.html, as the app routes them.
//
//   node scripts/e2e/serve-app.mjs [port]      (default 3000, on 127.0.0.1)
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const dist = path.join(root, 'packages/app/dist');
const index = path.join(dist, 'index.html');
const port = Number(process.argv[2] ?? 3000);

if (!fs.existsSync(index)) {
  console.error(`${index} is missing: run \`yarn workspace app build\` first`);
  process.exit(1);
}

const app = express();
// Hashed file names under static/: a test's later navigations hit the cache.
app.use(
  '/static',
  express.static(path.join(dist, 'static'), { immutable: true, maxAge: '1d' }),
);
app.use(express.static(dist, { index: false }));
app.use((_req, res) => res.sendFile(index));
app
  .listen(port, '127.0.0.1', () =>
    console.log(`serving ${dist} at http://localhost:${port}`),
  )
  .on('error', error => {
    console.error(`could not listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  });
