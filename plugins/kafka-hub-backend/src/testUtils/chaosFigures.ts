import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One measured figure of a chaos test: what the README test command prints
 * in its chaos table (scripts/chaos/report.mjs), beside the guarantee it must
 * show. The test asserts the guarantee itself; the figure is its evidence.
 */
export interface ChaosFigure {
  /** The scenario, as the table's first column: e.g. "Replica killed mid-run". */
  scenario: string;
  /** What was measured: e.g. "seconds to recovery". */
  measure: string;
  /** The measured value. */
  value: number | string;
  /** The guarantee, in words: e.g. "<= lease + one period (25 s)". */
  guarantee: string;
  /** Whether the value shows the guarantee. */
  held: boolean;
}

/**
 * Where figures go: `KAFKA_HUB_CHAOS_FIGURES` (the test command sets it to
 * its results directory), else a file in the temp directory.
 */
function chaosFiguresFile(): string {
  return (
    process.env.KAFKA_HUB_CHAOS_FIGURES ??
    path.join(os.tmpdir(), 'kafka-hub-chaos-figures.jsonl')
  );
}

/** Appends a figure (one JSON line) and logs it. */
export function recordChaosFigure(figure: ChaosFigure): void {
  const line = JSON.stringify({ ...figure, at: new Date().toISOString() });
  fs.mkdirSync(path.dirname(chaosFiguresFile()), { recursive: true });
  fs.appendFileSync(chaosFiguresFile(), `${line}\n`);
  // eslint-disable-next-line no-console
  console.log(
    `chaos figure: ${figure.scenario} / ${figure.measure}: ${figure.value} (${
      figure.guarantee
    }) ${figure.held ? 'held' : 'NOT HELD'}`,
  );
}
