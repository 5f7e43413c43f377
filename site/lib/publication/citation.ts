// The citations the cite page offers, made from the repository's CITATION.cff (one source for
// both): BibTeX for the paper (its preferred-citation) and for this reproduction, naming the
// code and data versions of the build. Build time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';

const person = z.union([
  z.object({ 'family-names': z.string(), 'given-names': z.string().optional() }).passthrough(),
  z.object({ name: z.string() }).passthrough(),
]);
/** The fields the site reads; the full file is checked against the CFF 1.2.0 schema in test/site/lib/publication/citation.test.ts. */
const citationSchema = z
  .object({
    title: z.string(),
    version: z.union([z.string(), z.number()]).optional(),
    authors: z.array(person).min(1),
    'preferred-citation': z
      .object({
        title: z.string(),
        authors: z.array(person).min(1),
        'collection-title': z.string(),
        year: z.number().int(),
        url: z.string().optional(),
        identifiers: z.array(z.object({ type: z.string(), value: z.string() }).passthrough()).optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type Citation = z.infer<typeof citationSchema>;

const CITATION_FILE = (): string => join(process.cwd(), 'CITATION.cff');

export function readCitation(file = CITATION_FILE()): Citation {
  const parsed = citationSchema.safeParse(load(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file} lacks what the cite page needs: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Fix the file (Citation File Format 1.2.0).`,
    );
  }
  return parsed.data;
}

const bibAuthor = (p: z.infer<typeof person>) =>
  'family-names' in p ? `${p['family-names']}${p['given-names'] ? `, ${p['given-names']}` : ''}` : `{${p.name}}`;

function bibtex(type: string, key: string, fields: Array<[string, string | undefined]>): string {
  const lines = fields.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `  ${k} = {${v}},`);
  return `@${type}{${key},\n${lines.join('\n')}\n}`;
}

export function paperBibtex(c: Citation): string {
  const p = c['preferred-citation'];
  const arxiv = p.identifiers?.find((i) => /^arXiv:/i.test(i.value))?.value.replace(/^arXiv:/i, '');
  const first = p.authors[0];
  const surname: string = 'family-names' in first ? String(first['family-names']) : String((first as { name: string }).name);
  const key = `${surname.toLowerCase().replace(/[^a-z]/g, '')}${p.year}implicit`;
  return bibtex('inproceedings', key, [
    ['title', `{${p.title}}`],
    ['author', p.authors.map(bibAuthor).join(' and ')],
    ['booktitle', p['collection-title']],
    ['year', String(p.year)],
    ['eprint', arxiv],
    ['archivePrefix', arxiv ? 'arXiv' : undefined],
    ['url', p.url],
  ]);
}

export interface BuildVersions {
  code: string;
  data: string;
  scale: string;
  runs: number;
  /** Year of the build, for the entry. */
  year: number;
}

export function reproductionBibtex(c: Citation, v: BuildVersions): string {
  return bibtex('software', 'implicitsparsityreproduction', [
    ['title', `{${c.title}}`],
    ['author', c.authors.map(bibAuthor).join(' and ')],
    ['year', String(v.year)],
    ['version', `${c.version ?? 'unversioned'} (code ${v.code})`],
    ['note', `Code version ${v.code}; data version ${v.data} (${v.scale} scale, ${v.runs} runs)`],
  ]);
}
