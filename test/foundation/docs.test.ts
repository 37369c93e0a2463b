import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { innerSchema } from '../../src/config/load.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Every documented path of the schema: object leaves as `a.b.c`, arrays as `a.b[]` with their element's fields. */
function schemaKeys(s: z.ZodType, path: string[] = []): { path: string; fields?: string[] }[] {
  const t = innerSchema(s);
  if (t instanceof z.ZodObject) {
    return Object.entries(t.shape as Record<string, z.ZodType>).flatMap(([k, v]) =>
      schemaKeys(v, [...path, k]),
    );
  }
  if (t instanceof z.ZodArray) {
    const el = innerSchema(t.element as z.ZodType);
    return [
      {
        path: `${path.join('.')}[]`,
        ...(el instanceof z.ZodObject ? { fields: Object.keys(el.shape) } : {}),
      },
    ];
  }
  return [{ path: path.join('.') }];
}

describe('README', () => {
  const section = README.slice(README.indexOf('## Configuration'), README.indexOf('## Time policy'));

  it('documents every key of the config schema in its configuration reference', () => {
    const keys = schemaKeys(configSchema);
    expect(keys.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const k of keys) {
      const row = section.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${k.path}\``));
      if (!row) missing.push(k.path);
      else
        for (const f of k.fields ?? [])
          if (!row.includes(`\`${f}\``) && !row.includes(`"${f}"`)) missing.push(`${k.path} ${f}`);
    }
    expect(missing).toEqual([]);
  });

  it('names no key the schema does not have', () => {
    const known = new Set(schemaKeys(configSchema).map((k) => k.path));
    const documented = [...section.matchAll(/^\| ((?:`[^`]+`(?:, )?)+) \|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!),
    );
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((d) => !known.has(d))).toEqual([]);
  });

  it('has the test command and the troubleshooting entry for naive vs aware timestamps', () => {
    expect(README).toContain('npm test');
    expect(README).toMatch(/## Troubleshooting[\s\S]*offset-naive and offset-aware/);
  });
});

describe('docs cite only what a reader can find', () => {
  it('no section numbers of a reference document that is not in the repository', async () => {
    const { readdirSync } = await import('node:fs');
    const docs = readdirSync(new URL('../../docs/', import.meta.url)).filter((f) => f.endsWith('.md'));
    for (const f of [...docs.map((d) => `docs/${d}`), 'README.md']) {
      const text = readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
      expect(text.match(/§\s?\d[\d.]*/g) ?? [], f).toEqual([]);
    }
  });
});
