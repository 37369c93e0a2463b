// Prints the plain "N passed, N failed" line from vitest's JSON report. A test file that failed to
// load (no test inside failed) counts as one failure, so a broken import can never pass silently.
import { readFileSync } from 'node:fs';
const file = process.argv[2];
let r;
try {
  r = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`no test report at ${file}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const files = r.testResults ?? [];
const brokenFiles = files.filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
);
for (const f of brokenFiles) console.log(`failed to run: ${f.name}: ${(f.message ?? '').split('\n')[0]}`);
const passed = r.numPassedTests ?? 0;
const failed = (r.numFailedTests ?? 0) + brokenFiles.length;
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
