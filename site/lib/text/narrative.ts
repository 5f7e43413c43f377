// The narrative: Markdown processed with remark, with directives that bind numbers to the
// datasets and place figures and verdicts. The HTML it yields is sanitised. Pure.
//
//   :value{of="verdict.2"}            a number or word computed from the datasets
//   ::figure{id="optimizer-sparsity"} a figure (on the page, or linked when elsewhere)
//   ::verdict{h="2"}                  the verdict card of one hypothesis
//   ::verdicts                        the table of all verdicts
import type { Root, RootContent } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

export type Segment = { kind: 'html'; html: string } | { kind: 'figure'; id: string } | { kind: 'verdict'; hypothesis: number } | { kind: 'verdicts' };

export interface NarrativeContext {
  /** File name, for error messages. */
  file: string;
  /** The text a `:value` directive stands for; throws when the name is unknown. */
  value(of: string, attributes: Readonly<Record<string, string>>): string;
}

export class NarrativeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NarrativeError';
  }
}

/** GitHub's schema, plus the class and title of the spans that carry bound values. */
const schema: SanitizeSchema = {
  ...defaultSchema,
  attributes: { ...defaultSchema.attributes, span: [...(defaultSchema.attributes?.span ?? []), ['className', 'bound'], 'title'] },
};

const toHtml = unified().use(remarkRehype).use(rehypeSanitize, schema).use(rehypeStringify);

function where(ctx: NarrativeContext, node: { position?: { start: { line: number } } }): string {
  return `${ctx.file}${node.position ? `:${node.position.start.line}` : ''}`;
}

function attrs(node: { attributes?: Record<string, string | null | undefined> | null }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.attributes ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Replaces the inline `:value` directives with the text they stand for. */
function bindValues(tree: Root, ctx: NarrativeContext): void {
  visit(tree, (node, index, parent) => {
    if (node.type === 'textDirective') {
      if (node.name !== 'value') throw new NarrativeError(`${where(ctx, node)}: unknown inline directive ":${node.name}" (known: :value)`);
      const a = attrs(node);
      if (!a.of) throw new NarrativeError(`${where(ctx, node)}: :value needs an "of" attribute, e.g. :value{of="runs.total"}`);
      let text: string;
      try {
        text = ctx.value(a.of, a);
      } catch (error) {
        throw new NarrativeError(`${where(ctx, node)}: ${(error as Error).message}`);
      }
      const replacement = {
        type: 'text',
        value: text,
        data: {
          hName: 'span',
          hProperties: { className: ['bound'], title: `computed from the datasets: ${a.of}` },
          hChildren: [{ type: 'text', value: text }],
        },
      };
      (parent as { children: unknown[] }).children[index as number] = replacement;
      return 'skip';
    }
    if (node.type === 'containerDirective') throw new NarrativeError(`${where(ctx, node)}: container directives (":::${node.name}") are not used here`);
    return undefined;
  });
}

function directiveSegment(node: RootContent, ctx: NarrativeContext): Segment {
  if (node.type !== 'leafDirective') throw new Error('not a directive');
  const a = attrs(node);
  switch (node.name) {
    case 'figure':
      if (!a.id) throw new NarrativeError(`${where(ctx, node)}: ::figure needs an id, e.g. ::figure{id="optimizer-sparsity"}`);
      return { kind: 'figure', id: a.id };
    case 'verdict': {
      const h = Number(a.h);
      if (!Number.isInteger(h) || h < 1 || h > 9) throw new NarrativeError(`${where(ctx, node)}: ::verdict needs h="1".."9"`);
      return { kind: 'verdict', hypothesis: h };
    }
    case 'verdicts':
      return { kind: 'verdicts' };
    default:
      throw new NarrativeError(`${where(ctx, node)}: unknown directive "::${node.name}" (known: ::figure, ::verdict, ::verdicts)`);
  }
}

/** Markdown to segments of sanitised HTML and placed components. */
export function renderNarrative(markdown: string, ctx: NarrativeContext): Segment[] {
  const tree = unified().use(remarkParse).use(remarkDirective).parse(markdown) as Root;
  unified().use(remarkDirective).runSync(tree);
  bindValues(tree, ctx);
  const segments: Segment[] = [];
  let chunk: RootContent[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const hast = toHtml.runSync({ type: 'root', children: chunk } as Root);
    segments.push({ kind: 'html', html: String(toHtml.stringify(hast as never)) });
    chunk = [];
  };
  for (const node of tree.children) {
    if (node.type === 'leafDirective') {
      flush();
      segments.push(directiveSegment(node, ctx));
    } else {
      chunk.push(node);
    }
  }
  flush();
  return segments;
}
