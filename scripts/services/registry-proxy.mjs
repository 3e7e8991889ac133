// The Schema Registry fault proxy as a process (issue 12's harness): the
// tests' in-process proxy (plugins/kafka-hub-backend/src/schemaRegistry/
// __testUtils__/registryFaultProxy.ts, loaded through Backstage's TypeScript
// transform) in front of the real registry, switched at run time over a small
// control API, so faults can change while backend processes sync through it.
//
//   node scripts/services/registry-proxy.mjs <registry base URL> <state file>
//
// Both servers listen on free loopback ports picked by the system; once they
// listen, the state file gets {"pid", "url", "controlUrl", "registryUrl"}.
// scripts/services/registry-proxy.sh starts and stops it.
//
// Control API (JSON):
//   GET  /status             the rules in force and how many requests came
//   POST /faults             {"fault": "pass" | "status" | "hang" | "reset" | "garbage",
//                             "status": 500, "body": "...", "contentType": "...",
//                             "path": "<regex on the path below the base URL>",
//                             "method": "GET", "times": 3}
//                            adds a rule (newest first; unmatched requests pass)
//   POST /reset              drops every rule: everything passes again
//   GET  /requests?since=N   the requests seen from the N-th on (method, path, subject, at)
import { createRequire } from 'node:module';
import http from 'node:http';
import { writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
require(join(
  root,
  'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
));
const { registryFaultProxy } = require(join(
  root,
  'plugins/kafka-hub-backend/src/schemaRegistry/__testUtils__/registryFaultProxy.ts',
));

const [registryUrl, stateFile] = process.argv.slice(2);
if (!registryUrl || !stateFile) {
  console.error(
    'usage: node registry-proxy.mjs <registry base URL> <state file>',
  );
  process.exit(2);
}

const log = message =>
  console.log(`${new Date().toISOString()} registry-proxy: ${message}`);

const proxy = await registryFaultProxy(registryUrl);
/** The rules as the control API reports them (the proxy keeps its own). */
let rules = [];
/** When each request came, by its index in proxy.requests. */
const arrivals = [];

const FAULTS = ['pass', 'status', 'hang', 'reset', 'garbage'];

/** Turns a control request into the proxy's fault, or throws a clear error. */
function parseRule(input) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('the body must be a JSON object');
  }
  const { fault, status, body, contentType, path, method, times } = input;
  if (!FAULTS.includes(fault)) {
    throw new Error(
      `"fault" must be one of ${FAULTS.join(', ')} (got ${JSON.stringify(
        fault,
      )})`,
    );
  }
  if (
    status !== undefined &&
    (!Number.isInteger(status) || status < 100 || status > 599)
  ) {
    throw new Error(
      `"status" must be an HTTP status 100-599 (got ${JSON.stringify(status)})`,
    );
  }
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
    throw new Error(
      `"times" must be a positive integer (got ${JSON.stringify(times)})`,
    );
  }
  for (const [key, value] of Object.entries({
    body,
    contentType,
    path,
    method,
  })) {
    if (value !== undefined && typeof value !== 'string') {
      throw new Error(`"${key}" must be a string`);
    }
  }
  let pathPattern;
  try {
    pathPattern = path === undefined ? undefined : new RegExp(path);
  } catch (error) {
    throw new Error(`"path" is not a regular expression: ${error.message}`);
  }
  const upperMethod = method?.toUpperCase();
  const matches = request =>
    (!pathPattern || pathPattern.test(request.path)) &&
    (!upperMethod || request.method === upperMethod);
  const proxyFault = {
    pass: () => ({ kind: 'pass' }),
    status: () => ({ kind: 'error', status: status ?? 500, body }),
    hang: () => ({ kind: 'hang' }),
    reset: () => ({ kind: 'reset' }),
    garbage: () => ({
      kind: 'garbage',
      body: body ?? '<html><body>502 Bad Gateway</body></html>',
      contentType:
        contentType ?? (body === undefined ? 'text/html' : undefined),
    }),
  }[fault]();
  return {
    matches,
    proxyFault,
    times: times ?? Infinity,
    description: {
      fault,
      ...(fault === 'status' ? { status: status ?? 500 } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(upperMethod ? { method: upperMethod } : {}),
      ...(times !== undefined ? { times } : {}),
    },
  };
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() === '' ? {} : JSON.parse(text));
      } catch {
        reject(new Error('the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function stampArrivals() {
  while (arrivals.length < proxy.requests.length) {
    arrivals.push(new Date().toISOString());
  }
}

// Stamps each request as it arrives (the proxy calls listeners in order).
const watch = () =>
  proxy
    .next(() => true)
    .then(() => {
      stampArrivals();
      watch();
    });
watch();

const control = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  try {
    if (req.method === 'GET' && url.pathname === '/status') {
      return send(res, 200, {
        registryUrl,
        url: proxy.url,
        rules: rules.map(r => r.description),
        requests: proxy.requests.length,
      });
    }
    if (req.method === 'POST' && url.pathname === '/faults') {
      let rule;
      try {
        rule = parseRule(await readJson(req));
      } catch (error) {
        return send(res, 400, { error: error.message });
      }
      proxy.on(rule.matches, rule.proxyFault, rule.times);
      rules.unshift(rule);
      log(`rule added: ${JSON.stringify(rule.description)}`);
      return send(res, 201, { rules: rules.map(r => r.description) });
    }
    if (req.method === 'POST' && url.pathname === '/reset') {
      proxy.reset();
      rules = [];
      log('rules reset: every request passes');
      return send(res, 200, { rules: [] });
    }
    if (req.method === 'GET' && url.pathname === '/requests') {
      const since = Number(url.searchParams.get('since') ?? 0);
      if (!Number.isInteger(since) || since < 0) {
        return send(res, 400, {
          error: `"since" must be a non-negative integer (got ${url.searchParams.get(
            'since',
          )})`,
        });
      }
      stampArrivals();
      return send(res, 200, {
        total: proxy.requests.length,
        items: proxy.requests
          .slice(since)
          .map((request, i) => ({ ...request, at: arrivals[since + i] })),
      });
    }
    return send(res, 404, {
      error: `no ${req.method} ${url.pathname}; try GET /status, POST /faults, POST /reset, GET /requests`,
    });
  } catch (error) {
    return send(res, 500, { error: String(error) });
  }
});
await new Promise(resolve => control.listen(0, '127.0.0.1', resolve));
const controlUrl = `http://127.0.0.1:${control.address().port}`;

// Written last and atomically: its presence means both servers listen.
writeFileSync(
  `${stateFile}.tmp`,
  `${JSON.stringify({
    pid: process.pid,
    url: proxy.url,
    controlUrl,
    registryUrl,
  })}\n`,
);
renameSync(`${stateFile}.tmp`, stateFile);
log(`${proxy.url} -> ${registryUrl}; control API on ${controlUrl}`);

const shutdown = () => {
  control.closeAllConnections();
  control.close();
  proxy.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
