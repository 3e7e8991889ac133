import fs from 'fs';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from './migrations';
import { testDatabaseIds } from '../testUtils/testServices';
import { listTables } from './__testUtils__/databaseTables';
import {
  compareSnapshots,
  DatabaseSnapshot,
  droppedTables,
  rowCount,
  shapeOf,
  TableChange,
  takeSnapshot,
} from './__testUtils__/databaseSnapshot';
import { populateTables } from './__testUtils__/populateTables';
import { recordChaosFigure } from '../testUtils/chaosFigures';

jest.setTimeout(300_000);

const config: Knex.MigratorConfig = { directory: migrationsDir };

/** Every migration in the folder, in the order knex runs them. */
function migrationFiles(): string[] {
  return fs
    .readdirSync(migrationsDir)
    .filter(file => file.endsWith('.js'))
    .sort();
}

type ReportLine = {
  step: string;
  migration: string;
  rowsBefore: number;
  rowsAfterDown: number;
  rowsAfterUp?: number;
  droppedWithTables: number;
  lostByDown: number;
  /** Rows the down kept that the up again lost or changed. */
  lostByUp: number;
};

function lostRows(changes: TableChange[]): number {
  return changes.reduce((sum, change) => sum + change.lost.length, 0);
}

type Damage = {
  table: string;
  rowsBefore: number;
  rowsAfter: number;
  lost: string[];
  gained: string[];
};

/** Tables whose rows went missing, changed or appeared: for the failure message. */
function damaged(changes: TableChange[]): Damage[] {
  return changes
    .filter(change => change.lost.length > 0 || change.gained.length > 0)
    .map(({ table, rowsBefore, rowsAfter, lost, gained }) => ({
      table,
      rowsBefore,
      rowsAfter,
      lost: lost.slice(0, 3),
      gained: gained.slice(0, 3),
    }));
}

function printReport(databaseId: string, lines: ReportLine[]) {
  const header = [
    'step',
    'migration',
    'rows before',
    'after down',
    'after up',
    'dropped with tables',
    'rows lost',
  ];
  const rows = lines.map(line => [
    line.step,
    line.migration,
    String(line.rowsBefore),
    String(line.rowsAfterDown),
    line.rowsAfterUp === undefined ? '-' : String(line.rowsAfterUp),
    String(line.droppedWithTables),
    String(line.lostByDown + line.lostByUp),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map(row => row[i].length)),
  );
  const format = (row: string[]) =>
    row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  const total = lines.reduce(
    (sum, line) => sum + line.lostByDown + line.lostByUp,
    0,
  );
  // eslint-disable-next-line no-console
  console.log(
    [
      `Rollback with data on ${databaseId}`,
      format(header),
      ...rows.map(format),
      `rows lost in rollbacks: ${total}`,
    ].join('\n'),
  );
}

describe('down-migrations keep data', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it('runs on PostgreSQL when the test command provides it', () => {
    const required = process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true';
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !required).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'rolls every migration back and up again on a populated %p database',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const files = migrationFiles();
      const [, pending] = await knex.migrate.list(config);
      expect(pending.map((m: { file: string }) => m.file)).toEqual(files);

      const lines: ReportLine[] = [];
      // Rows lost or changed, per step and table; checked once every step
      // ran, so the report covers every migration.
      const failures: Array<{ step: string } & Damage> = [];
      // The shape (tables and columns) before each migration's up: its down
      // must bring back exactly that shape. So a down may drop only the
      // tables and columns its own up added, and every other table keeps
      // every row and the contents of every column it keeps.
      const shapeBeforeUp = new Map<string, Record<string, string[]>>();
      let generation = 0;
      try {
        // One step at a time: up, fill, down, check, up again, check.
        for (const file of files) {
          shapeBeforeUp.set(file, shapeOf(await takeSnapshot(knex)));
          expect((await knex.migrate.up(config))[1]).toEqual([file]);
          generation += 1;
          await populateTables(knex, generation);
          const before = await takeSnapshot(knex);
          for (const [table, { rows }] of before) {
            expect({ table, filled: rows.length > 0 }).toEqual({
              table,
              filled: true,
            });
          }

          expect((await knex.migrate.down(config))[1]).toEqual([file]);
          const afterDown = await takeSnapshot(knex);
          expect(shapeOf(afterDown)).toEqual(shapeBeforeUp.get(file));
          const downChanges = compareSnapshots(before, afterDown);

          expect((await knex.migrate.up(config))[1]).toEqual([file]);
          const afterUp = await takeSnapshot(knex);
          expect(shapeOf(afterUp)).toEqual(shapeOf(before));
          // What the up again did to the tables and columns the down kept.
          const upChanges = compareSnapshots(afterDown, afterUp);

          lines.push({
            step: 'down-up',
            migration: file,
            rowsBefore: rowCount(before),
            rowsAfterDown: rowCount(afterDown),
            rowsAfterUp: rowCount(afterUp),
            droppedWithTables: sumOf(droppedTables(before, afterDown)),
            lostByDown: lostRows(downChanges),
            lostByUp: lostRows(upChanges),
          });
          failures.push(
            ...damaged(downChanges).map(change => ({
              step: `down-up ${file}: the down`,
              ...change,
            })),
            // An up may add rows (a backfill), never lose or change one.
            ...damaged(upChanges)
              .filter(change => change.lost.length > 0)
              .map(change => ({ step: `down-up ${file}: the up`, ...change })),
          );
        }

        // The full down, newest first, with the final shape filled once more.
        generation += 1;
        await populateTables(knex, generation);
        const finalShape = shapeOf(await takeSnapshot(knex));
        for (const file of [...files].reverse()) {
          const before: DatabaseSnapshot = await takeSnapshot(knex);
          expect((await knex.migrate.down(config))[1]).toEqual([file]);
          const after = await takeSnapshot(knex);
          // Allowed to drop: the tables (and columns) this migration's up
          // added, nothing else.
          expect(shapeOf(after)).toEqual(shapeBeforeUp.get(file));
          const changes = compareSnapshots(before, after);
          lines.push({
            step: 'full down',
            migration: file,
            rowsBefore: rowCount(before),
            rowsAfterDown: rowCount(after),
            droppedWithTables: sumOf(droppedTables(before, after)),
            lostByDown: lostRows(changes),
            lostByUp: 0,
          });
          failures.push(
            ...damaged(changes).map(change => ({
              step: `full down ${file}`,
              ...change,
            })),
          );
        }
        expect(await listTables(knex)).toEqual([]);

        // And up again from nothing to the same final shape.
        await knex.migrate.latest(config);
        expect(shapeOf(await takeSnapshot(knex))).toEqual(finalShape);
      } finally {
        printReport(databaseId, lines);
        await knex.destroy();
      }
      const lost = lines.reduce(
        (sum, line) => sum + line.lostByDown + line.lostByUp,
        0,
      );
      recordChaosFigure({
        scenario: 'Rollback with data',
        measure: `rows lost, ${files.length} migrations down and up on a populated ${databaseId}`,
        value: lost,
        guarantee: '0',
        held: lost === 0 && failures.length === 0,
      });
      expect(failures).toEqual([]);
      expect(lost).toBe(0);
      expect(lines).toHaveLength(files.length * 2);
    },
  );
});

function sumOf(counts: Map<string, number>): number {
  return [...counts.values()].reduce((sum, count) => sum + count, 0);
}
