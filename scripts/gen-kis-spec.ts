/**
 * Generates the shared KIS layout tables (`src/kis/spec/generated/*.ts`) from KIS's API workbook
 * turned into JSON (one entry per API: path, tr_ids, request/response layouts in order).
 *
 *   npx tsx scripts/gen-kis-spec.ts path/to/kis-spec.json
 *
 * Only the endpoints and realtime TRs krtrade uses are emitted; add ids to the lists below to grow it.
 * The output is committed: builds and tests never need the workbook.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Field { name: string; type?: string; required?: string; fields?: Field[] }
interface Api {
  examples?: { request?: string; response?: string };
  sheet: string; protocol: string; name: string; api_id: string; tr_id_real: string; tr_id_paper: string;
  method: string; path: string; layout: Record<string, Field[]>;
}

const REST_TR_IDS = [
  'FHKST01010100', 'FHKST03010200', 'FHKST03010230', 'FHKST03010100', 'FHMIF10000000', 'FHMIF10010000',
  'FHKIF03020200', 'FHKIF03020100', 'FHPIF05030100', 'FHPIO056104C0', 'FHPIF05030200', 'FHPIF05030000',
  'CTCA0903R', 'HHMCM000002C0',
];
const AUTH_PATHS = ['/oauth2/tokenP', '/oauth2/revokeP', '/oauth2/Approval', '/uapi/hashkey'];
const WS_TR_IDS = [
  'H0STCNT0', 'H0STASP0', 'H0STCNI0', 'H0STMKO0', 'H0IFCNT0', 'H0IFASP0', 'H0IOCNT0', 'H0IOASP0', 'H0ZFCNT0',
  'H0ZFASP0', 'H0ZOCNT0', 'H0MFCNT0', 'H0MFASP0', 'H0EUCNT0', 'H0EUASP0', 'H0IFCNI0', 'H0MFCNI0', 'H0EUCNI0',
];
const ENCRYPTED = new Set(['H0STCNI0', 'H0IFCNI0', 'H0MFCNI0', 'H0EUCNI0']);

const input = process.argv[2];
if (!input) {
  console.error('usage: tsx scripts/gen-kis-spec.ts KIS_SPEC_JSON');
  process.exit(2);
}
const apis = (JSON.parse(readFileSync(input, 'utf8')) as { apis: Api[] }).apis;
const outDir = fileURLToPath(new URL('../src/kis/spec/generated/', import.meta.url));
const paperId = (s: string): string | null => (/^[A-Z0-9]{5,13}$/.test(s.trim()) ? s.trim() : null);
const lit = (v: unknown): string => JSON.stringify(v);

/** Block names and kinds as they appear in KIS's own response example (the wire), when it parses. */
function exampleBlocks(a: Api): Map<string, 'object' | 'array'> {
  const out = new Map<string, 'object' | 'array'>();
  const text = a.examples?.response;
  if (!text) return out;
  for (const m of text.matchAll(/"(output\d?)"\s*:\s*([[{])/gi)) {
    out.set(m[1]!.toLowerCase(), m[2] === '[' ? 'array' : 'object');
  }
  return out;
}

/**
 * The workbook nests a second block inside the first (`output2` listed among output1's fields) and
 * prefixes field names with '-'. Flatten that into ordered blocks, then correct names and kinds from
 * the example where the table disagrees with the wire (e.g. `output1` in the table, `output` on the wire).
 */
function responseBlocks(a: Api): { top: string[]; blocks: Array<[string, 'object' | 'array', string[]]> } {
  const top: string[] = [];
  const blocks: Array<[string, 'object' | 'array', string[]]> = [];
  for (const f of a.layout['Response Body'] ?? []) {
    if (!f.fields?.length) {
      top.push(f.name);
      continue;
    }
    let current: [string, 'object' | 'array', string[]] = [f.name.toLowerCase(), /array/i.test(f.type ?? '') ? 'array' : 'object', []];
    blocks.push(current);
    for (const x of f.fields) {
      if (/^output\d$/i.test(x.name)) {
        current = [x.name.toLowerCase(), /object/i.test(x.type ?? '') && !/array/i.test(x.type ?? '') ? 'object' : 'array', []];
        blocks.push(current);
      } else current[2].push(x.name.replace(/^-+/, '').toLowerCase());
    }
  }
  const wire = exampleBlocks(a);
  if (wire.size) {
    const wireNames = [...wire.keys()];
    blocks.forEach((b, i) => {
      if (!wire.has(b[0]) && wireNames.length === blocks.length) b[0] = wireNames[i]!;
      const kind = wire.get(b[0]);
      if (kind) b[1] = kind;
    });
  }
  return { top, blocks };
}

function restEntry(a: Api): string {
  const query = (a.layout['Request Query Parameter'] ?? a.layout['Request Body'] ?? []).map((f) => ({
    name: f.name, required: f.required === 'Y',
  }));
  const { top, blocks } = responseBlocks(a);
  return `  {
    name: ${lit(a.name.trim())},
    apiId: ${lit(a.api_id)},
    method: ${lit(a.method)},
    path: ${lit(a.path)},
    trIdReal: ${lit(a.tr_id_real || null)},
    trIdPaper: ${lit(a.tr_id_paper ? paperId(a.tr_id_paper) : null)},
    query: ${lit(query)},
    responseHeaders: ${lit((a.layout['Response Header'] ?? []).map((f) => f.name.toLowerCase()))},
    topFields: ${lit(top)},
    blocks: {
${blocks.map(([n, k, f]) => `      ${lit(n)}: { kind: ${lit(k)}, fields: ${lit(f)} },`).join('\n')}
    },
  },`;
}

const rest = apis.filter((a) => a.protocol !== 'WEBSOCKET' && (REST_TR_IDS.includes(a.tr_id_real) || AUTH_PATHS.includes(a.path)));
const approval = apis.find((a) => a.path === '/oauth2/Approval');
if (approval && !rest.includes(approval)) rest.push(approval);
const missingRest = REST_TR_IDS.filter((id) => !rest.some((a) => a.tr_id_real === id));
if (missingRest.length) throw new Error(`workbook lacks ${missingRest.join(', ')}`);

const ws = new Map<string, Api>();
for (const a of apis) {
  if (a.protocol !== 'WEBSOCKET') continue;
  // The night-options notice sheet names H0MFCNI0 but its path (and the wire) is H0EUCNI0.
  const fromPath = /\/tryitout\/(H0[A-Z0-9]+)$/.exec(a.path)?.[1];
  const id = fromPath ?? a.tr_id_real;
  if (WS_TR_IDS.includes(id) && !ws.has(id)) ws.set(id, a);
}
const missingWs = WS_TR_IDS.filter((id) => !ws.has(id));
if (missingWs.length) throw new Error(`workbook lacks ${missingWs.join(', ')}`);

const header = `// Generated by scripts/gen-kis-spec.ts from KIS's API workbook (2026-06-03 edition). Do not edit.\n`;
writeFileSync(
  `${outDir}rest.ts`,
  `${header}import type { RestEndpointLayout } from '../types.js';\n\nexport const REST_LAYOUTS = [\n${rest.map(restEntry).join('\n')}\n] as const satisfies readonly RestEndpointLayout[];\n`,
);
const wsEntries = WS_TR_IDS.map((id) => {
  const a = ws.get(id)!;
  const fields = (a.layout['Response Body'] ?? []).map((f) => f.name.toLowerCase());
  return `  ${id}: {
    trId: ${lit(id)},
    name: ${lit(a.sheet.trim())},
    trIdPaper: ${lit(paperId(a.tr_id_paper))},
    encrypted: ${ENCRYPTED.has(id)},
    fields: ${lit(fields)},
  },`;
});
writeFileSync(
  `${outDir}realtime.ts`,
  `${header}import type { RealtimeTrLayout } from '../types.js';\n\nexport const REALTIME_LAYOUTS = {\n${wsEntries.join('\n')}\n} as const satisfies Record<string, RealtimeTrLayout>;\n`,
);
console.log(`wrote ${rest.length} REST layouts and ${ws.size} realtime TR layouts`);
