// Prints one closing line for all test runners:
// node test-summary.mjs <playwright.json> <jest.json>...
import { readFileSync } from 'node:fs';

const [e2eFile, ...jestFiles] = process.argv.slice(2);
const read = file => JSON.parse(readFileSync(file, 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of jestFiles) {
  const jest = read(file);
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  skipped += jest.numPendingTests + jest.numTodoTests;
  console.log(
    `jest ${file.split('/').pop()}: ${jest.numPassedTests} passed, ${
      jest.numFailedTests
    } failed in ${jest.numTotalTestSuites} suites`,
  );
}
const { stats } = read(e2eFile);
passed += stats.expected;
failed += stats.unexpected + stats.flaky;
skipped += stats.skipped;
console.log(`playwright: ${stats.expected} passed, ${stats.unexpected} failed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
