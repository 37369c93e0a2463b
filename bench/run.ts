/**
 * Runs every benchmark in this folder one after another (`npm run bench`), or the ones named:
 * `npm run bench -- upsert ws-parse`. Each prints its absolute figures and its ratio to a baseline
 * measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const HELPERS = new Set(['run', 'upsert-methods']);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !HELPERS.has(n))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench/${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${name} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
