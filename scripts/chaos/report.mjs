#!/usr/bin/env node
// Prints the chaos suite's table from the figures its tests recorded
// (plugins/kafka-hub-backend/src/testUtils/chaosFigures.ts), one row per
// figure, and fails when a guarantee did not hold or a scenario recorded
// nothing.
//   node scripts/chaos/report.mjs FIGURES.jsonl
import fs from 'node:fs';

// Every scenario of issue 12's chaos suite must report at least one figure.
const SCENARIOS = [
  'Exactly-once across replicas',
  'Replica killed mid-run',
  'Broker killed mid-sample',
  'Registry faults',
  'Task timeouts',
  'Rollback with data',
];

const file = process.argv[2];
if (!file) {
  console.error('usage: report.mjs FIGURES.jsonl');
  process.exit(2);
}
const figures = fs.existsSync(file)
  ? fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(line => line.trim() !== '')
      .map(line => JSON.parse(line))
  : [];

const rows = [
  ['Scenario', 'Measure', 'Value', 'Guarantee', 'Held'],
  ...figures.map(f => [
    f.scenario,
    f.measure,
    String(f.value),
    f.guarantee,
    f.held ? 'yes' : 'NO',
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
const line = cells => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(rows[0]));
console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
for (const row of rows.slice(1)) console.log(line(row));

const missing = SCENARIOS.filter(s => !figures.some(f => f.scenario === s));
const broken = figures.filter(f => !f.held);
if (missing.length > 0) {
  console.error(`\nNo figures from: ${missing.join(', ')}`);
}
if (broken.length > 0) {
  console.error(`\n${broken.length} guarantee(s) did not hold.`);
}
process.exit(missing.length > 0 || broken.length > 0 ? 1 : 0);
