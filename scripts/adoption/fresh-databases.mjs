// Drops the PostgreSQL databases an adoption app's backend made on an earlier
// run (one per plugin, named <prefix><pluginId>), so each start is a fresh
// install: the app's backend creates them again and runs every migration.
//
//   node scripts/adoption/fresh-databases.mjs <postgres url> <prefix>
import pg from 'pg';

const [url, prefix] = process.argv.slice(2);
if (!url || !/^[a-z][a-z0-9_]*_$/.test(prefix ?? '')) {
  console.error(
    'usage: fresh-databases.mjs <postgres url> <prefix: lower-case letters, digits and _, ending in _>',
  );
  process.exit(2);
}

const client = new pg.Client({ connectionString: `${url}/postgres` });
await client.connect();
try {
  const { rows } = await client.query(
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
    [prefix],
  );
  for (const { datname } of rows) {
    // WITH (FORCE): a backend killed mid-run may leave a connection behind.
    await client.query(
      `DROP DATABASE ${client.escapeIdentifier(datname)} WITH (FORCE)`,
    );
  }
  console.log(
    `  ${rows.length} database${
      rows.length === 1 ? '' : 's'
    } of ${prefix}* dropped`,
  );
} finally {
  await client.end();
}
