#!/usr/bin/env node
// Writes a fresh Backstage app (root, packages/app, packages/backend) from
// scripts/adoption/templates into DIR, depending on the registry and on the
// Kafka Hub tarballs only.
//
//   node scripts/adoption/create-app.mjs <new|legacy> DIR \
//     --frontend F.tgz --backend B.tgz --common C.tgz --yarn-cache CACHE_DIR
//
// Everything in DIR but node_modules folders, the packages' dist folders and
// yarn's install state is deleted first: the sources are always the
// templates' (so the app is created from scratch), while an earlier install
// and build of the same app are reused as caches (verify.sh decides whether a
// build is still current).
//
// Same Backstage release as the monorepo: the app starts from the monorepo's
// yarn.lock, so registry packages resolve to the versions the plugins are
// built and tested with (a fresh resolution would pick newer @backstage/*
// packages that need newer cores than 1.55). Packages the monorepo does not
// use are pinned in the templates. Yarn drops the lock entries the app does
// not need. The registry-gap `resolutions` come from the monorepo's root
// package.json (README "Registry gaps"), so they are kept in one place.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const monorepo = path.resolve(here, '../..');
const templates = path.join(here, 'templates');

function usage(message) {
  console.error(`create-app: ${message}`);
  console.error(
    'usage: create-app.mjs <new|legacy> DIR --frontend F.tgz --backend B.tgz --common C.tgz --yarn-cache DIR',
  );
  process.exit(2);
}

const [kind, dirArg, ...rest] = process.argv.slice(2);
if (kind !== 'new' && kind !== 'legacy') usage(`unknown app kind "${kind}"`);
if (!dirArg) usage('DIR is missing');
const options = {};
for (let i = 0; i < rest.length; i += 2) {
  const key = rest[i]?.replace(/^--/, '');
  if (!['frontend', 'backend', 'common', 'yarn-cache'].includes(key))
    usage(`unknown option ${rest[i]}`);
  if (!rest[i + 1]) usage(`${rest[i]} needs a value`);
  options[key] = path.resolve(rest[i + 1]);
}
for (const key of ['frontend', 'backend', 'common']) {
  if (!options[key]) usage(`--${key} is missing`);
  if (!fs.existsSync(options[key])) usage(`${options[key]} does not exist`);
}
if (!options['yarn-cache']) usage('--yarn-cache is missing');

const dir = path.resolve(dirArg);
if (dir === monorepo || dir.startsWith(`${monorepo}${path.sep}`))
  usage(`${dir} is inside the monorepo; the app must live outside it`);

/**
 * Deletes everything below `root` except node_modules, .yarn/install-state.gz
 * and (in a package) dist.
 */
function clean(root, isPackage = false) {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.name === 'node_modules') continue;
    if (isPackage && entry.name === 'dist') continue;
    if (entry.name === '.yarn' && entry.isDirectory()) {
      for (const inner of fs.readdirSync(full)) {
        if (inner !== 'install-state.gz')
          fs.rmSync(path.join(full, inner), { recursive: true, force: true });
      }
      continue;
    }
    if (entry.name === 'packages' && entry.isDirectory()) {
      for (const pkg of fs.readdirSync(full)) clean(path.join(full, pkg), true);
      continue;
    }
    fs.rmSync(full, { recursive: true, force: true });
  }
}

/** Copies a template folder, replacing @NAME@ placeholders in every file. */
function copyTemplate(from, to, values) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTemplate(src, dest, values);
      continue;
    }
    let text = fs.readFileSync(src, 'utf8');
    text = text.replace(/@([A-Z_]+)@/g, (match, name) => {
      if (!(name in values)) throw new Error(`${src}: no value for ${match}`);
      return values[name];
    });
    fs.writeFileSync(dest, text);
  }
}

const rootPackage = JSON.parse(
  fs.readFileSync(path.join(monorepo, 'package.json'), 'utf8'),
);
const backstageJson = fs.readFileSync(
  path.join(monorepo, 'backstage.json'),
  'utf8',
);
const yarnRelease = fs
  .readFileSync(path.join(monorepo, '.yarnrc.yml'), 'utf8')
  .match(/^yarnPath:\s*(\S+)/m)?.[1];
if (!yarnRelease) throw new Error('no yarnPath in the monorepo .yarnrc.yml');

clean(dir);
fs.mkdirSync(dir, { recursive: true });

const values = {
  APP_KIND: kind === 'new' ? 'new frontend system' : 'legacy frontend system',
  APP_PACKAGES:
    kind === 'new'
      ? 'Feature discovery: every plugin package of packages/app is installed.\n  packages: all'
      : 'Legacy frontend system: plugins are wired in App.tsx and EntityPage.tsx.',
  TGZ_FRONTEND: `file:${options.frontend}`,
  TGZ_BACKEND: `file:${options.backend}`,
};
copyTemplate(path.join(templates, 'root'), dir, values);
copyTemplate(
  path.join(templates, `app-${kind}`),
  path.join(dir, 'packages/app'),
  values,
);
copyTemplate(
  path.join(templates, 'backend'),
  path.join(dir, 'packages/backend'),
  values,
);

fs.writeFileSync(path.join(dir, 'backstage.json'), backstageJson);
fs.mkdirSync(path.join(dir, '.yarn/releases'), { recursive: true });
fs.copyFileSync(
  path.join(monorepo, yarnRelease),
  path.join(dir, '.yarn/releases', path.basename(yarnRelease)),
);
fs.writeFileSync(
  path.join(dir, '.yarnrc.yml'),
  [
    'nodeLinker: node-modules',
    `yarnPath: .yarn/releases/${path.basename(yarnRelease)}`,
    '# One cache for both adoption apps and every run of verify.sh.',
    `cacheFolder: ${options['yarn-cache']}`,
    'enableGlobalCache: false',
    'enableTelemetry: false',
    '',
  ].join('\n'),
);
fs.copyFileSync(path.join(monorepo, 'yarn.lock'), path.join(dir, 'yarn.lock'));

const appPackage = {
  name: 'root',
  version: '1.0.0',
  private: true,
  engines: rootPackage.engines,
  scripts: {
    build: 'backstage-cli repo build',
    tsc: 'tsc',
  },
  workspaces: ['packages/*'],
  devDependencies: {
    '@backstage/cli': rootPackage.devDependencies['@backstage/cli'],
    '@backstage/cli-defaults':
      rootPackage.devDependencies['@backstage/cli-defaults'],
    typescript: rootPackage.devDependencies.typescript,
  },
  resolutions: {
    ...rootPackage.resolutions,
    // Not on the registry: the frontend and backend tarballs depend on it by
    // version, so point that version at its tarball.
    '@kafka-hub/backstage-plugin-kafka-hub-common': `file:${options.common}`,
  },
  dependenciesMeta: rootPackage.dependenciesMeta,
  packageManager: rootPackage.packageManager,
};
fs.writeFileSync(
  path.join(dir, 'package.json'),
  `${JSON.stringify(appPackage, null, 2)}\n`,
);
console.log(`create-app: ${kind} app written to ${dir}`);
