#!/usr/bin/env node
// Prints the axe counts the @tour walks appended (KAFKA_HUB_AXE_REPORT, one
// JSON line per page and theme) as a table: violating nodes by impact, and
// by rule.
//
//   node scripts/e2e/axe-report.mjs <axe.jsonl>
//
// Exit codes: 0 printed; 1 no such file or no line in it (the walks did not
// report, so the table would claim nothing was checked).
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error(`axe-report: no report at ${file ?? '(no path given)'}`);
  process.exit(1);
}
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(line => JSON.parse(line));
if (rows.length === 0) {
  console.error(`axe-report: ${file} has no page in it`);
  process.exit(1);
}
const impacts = ['critical', 'serious', 'moderate', 'minor'];
const header = ['page', 'theme', ...impacts, 'rules (nodes)'];
const table = rows.map(r => [
  r.page,
  r.theme,
  ...impacts.map(i => String(r.counts?.[i] ?? 0)),
  Object.entries(r.rules ?? {})
    .map(([rule, nodes]) => `${rule} ${nodes}`)
    .join(', ') || '-',
]);
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map(row => row[i].length)),
);
const line = cells => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(header));
console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
for (const row of table) console.log(line(row));
