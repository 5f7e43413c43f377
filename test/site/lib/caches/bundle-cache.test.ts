// The kept esbuild bundles: bundled once, taken from the cache while every file they are made
// from stays as it was, bundled again when one of them or the options change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keptBundle } from '../../../../site/lib/caches/bundle-cache.js';

const work = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a kept bundle', () => {
  it('is made once, read back while its files stay, and made again when a file or an option changes', async () => {
    const cache = join(work, 'cache');
    writeFileSync(join(work, 'entry.ts'), "import { word } from './dep';\nconsole.log(word);\n");
    writeFileSync(join(work, 'dep.ts'), "export const word = 'first';\n");
    const options = { entryPoints: [join(work, 'entry.ts')], bundle: true, format: 'iife' as const, write: false, logLevel: 'silent' as const };
    const first = await keptBundle('t', options, '', cache, work);
    expect(first).toContain('first');
    const entry = join(cache, 't.json');
    const kept = JSON.parse(readFileSync(entry, 'utf8')) as { key: string; inputs: string[]; code: string };
    expect(kept.inputs.sort()).toEqual(['dep.ts', 'entry.ts']);
    expect(kept.code).toBe(first);
    // Read back: a marked copy of the code under the same key comes out as it is.
    writeFileSync(entry, JSON.stringify({ ...kept, code: `${first}// kept` }));
    expect(await keptBundle('t', options, '', cache, work)).toBe(`${first}// kept`);
    // A changed input file, then changed options or plugins: bundled again.
    writeFileSync(join(work, 'dep.ts'), "export const word = 'second';\n");
    const second = await keptBundle('t', options, '', cache, work);
    expect(second).toContain('second');
    expect(second).not.toContain('// kept');
    const minified = await keptBundle('t', { ...options, minify: true }, '', cache, work);
    expect(minified.length).toBeLessThan(second.length);
    writeFileSync(entry, JSON.stringify({ ...(JSON.parse(readFileSync(entry, 'utf8')) as object), code: 'marked' }));
    expect(await keptBundle('t', { ...options, minify: true }, 'another plugin', cache, work)).not.toBe('marked');
  });
});
