// The files next to the pages: every figure as SVG, PNG, CSV, JSON and Vega-Lite spec,
// and the datasets themselves (datasets/<name>.json.gz, gzip-compressed: links.ts datasetPath).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { DATASET_NAMES } from '../../data/schemas/datasets.js';
import type { Figure } from '../lib/figure-model.js';
import { FIGURE_FILES, figureFile, type FigureFile } from '../lib/render.js';
import { datasetPath } from '../lib/links.js';
import { getSite } from '../lib/site.js';

type Props = { kind: 'figure'; figure: Figure; ext: FigureFile } | { kind: 'dataset'; file: string };

export const getStaticPaths = (() => {
  const site = getSite();
  const figures = site.figures.flatMap((figure) =>
    FIGURE_FILES.map((ext) => ({ params: { file: `${figure.route}/${figure.id}.${ext}` }, props: { kind: 'figure', figure, ext } as Props })),
  );
  const datasets = site.loaded ? DATASET_NAMES.map((n) => ({ params: { file: datasetPath(n) }, props: { kind: 'dataset', file: join(site.folder, `${n}.json`) } as Props })) : [];
  return [...figures, ...datasets];
}) satisfies GetStaticPaths;

export const GET: APIRoute<Props> = async ({ props }) => {
  if (props.kind === 'dataset') {
    return new Response(gzipSync(readFileSync(props.file), { level: 9 }), { headers: { 'Content-Type': 'application/gzip' } });
  }
  const { body, type } = await figureFile(props.figure, props.ext);
  return new Response(body, { headers: { 'Content-Type': type } });
};
