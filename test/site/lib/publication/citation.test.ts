// CITATION.cff validates against the Citation File Format 1.2.0 schema (committed, offline), and
// the cite page's BibTeX is made from it: the paper's authors, venue, year and arXiv id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { paperBibtex, readCitation, reproductionBibtex } from '../../../../site/lib/publication/citation.js';

const ROOT = process.cwd();
const schema = JSON.parse(readFileSync(join(ROOT, 'data/schemas/external/citation-file-format-1.2.0.schema.json'), 'utf8')) as object;

function validator() {
  // The schema is draft-07 and uses "format" (date, uri, email): formats are not checked, structure is.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(schema);
}

describe('CITATION.cff', () => {
  it('is valid Citation File Format 1.2.0', () => {
    const validate = validator();
    const cff = load(readFileSync(join(ROOT, 'CITATION.cff'), 'utf8'));
    const ok = validate(cff);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator rejects a file that breaks the schema', () => {
    const validate = validator();
    const cff = load(readFileSync(join(ROOT, 'CITATION.cff'), 'utf8')) as Record<string, unknown>;
    expect(validate({ ...cff, authors: [] })).toBe(false);
    const { title: _title, ...untitled } = cff;
    expect(validate(untitled)).toBe(false);
    expect(validate({ ...cff, 'cff-version': '9.9' })).toBe(false);
  });

  it('gives the BibTeX of the paper and of this reproduction', () => {
    const c = readCitation(join(ROOT, 'CITATION.cff'));
    const paper = paperBibtex(c);
    expect(paper).toMatch(/^@inproceedings\{mehta2019implicit,/);
    expect(paper).toContain('title = {{On Implicit Filter Level Sparsity in Convolutional Neural Networks}}');
    expect(paper).toContain('author = {Mehta, Dushyant and Kim, Kwang In and Theobalt, Christian}');
    expect(paper).toContain('year = {2019}');
    expect(paper).toContain('eprint = {1811.12495}');
    expect(paper).toContain('CVPR');
    const own = reproductionBibtex(c, { code: 'abc123def456', data: '0123456789ab', scale: 'full', runs: 69, year: 2026 });
    expect(own).toMatch(/^@software\{/);
    expect(own).toContain('Code version abc123def456; data version 0123456789ab (full scale, 69 runs)');
  });
});
