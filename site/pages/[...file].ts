// The files next to the pages: the specs that figures drawn from one template share
// (figure-specs/<key>.js), the datasets themselves (datasets/<name>.json.gz, gzip-compressed:
// links.ts datasetPath) and, in `astro dev`, every figure as PNG, CSV, Vega-Lite spec and live
// script; a build writes those once its pages are done (figure-files.ts), not one endpoint each.
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { join } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { DATASET_NAMES } from '../../data/schemas/datasets.js';
import { deferFigureFiles } from '../lib/render/figure-files.js';
import type { Figure } from '../lib/figures/figure-model.js';
import {
  FIGURE_FILES,
  figureFile,
  renderFigure,
  renderNarrow,
  sharedTemplates,
  templateFile,
  templateKey,
  templatePath,
  type FigureFile,
} from '../lib/render/render.js';
import { datasetPath } from '../lib/text/links.js';
import { getSite } from '../lib/model/site.js';

type Props =
  | { kind: 'figure'; figure: Figure; ext: FigureFile; template?: Figure }
  | { kind: 'narrow'; figure: Figure }
  | { kind: 'template'; template: Figure }
  | { kind: 'dataset'; file: string };

export const getStaticPaths = (() => {
  const site = getSite();
  const shared = sharedTemplates(site.figures);
  const figures = (deferFigureFiles(site.figures, shared) ? [] : site.figures).flatMap((figure) =>
    FIGURE_FILES.map((ext) => ({
      params: { file: `${figure.route}/${figure.id}.${ext}` },
      props: { kind: 'figure', figure, ext, template: shared.get(templateKey(figure)) } as Props,
    })),
  );
  // astro dev: each figure's phone picture (the wide one where it has no phone variant); a build writes them itself (figure-files.ts).
  // Dev serves no narrow live specs: a phone draws the wide figure live there.
  const narrow = (deferFigureFiles(site.figures, shared) ? [] : site.figures).map((figure) => ({
    params: { file: `${figure.route}/${figure.id}.narrow.png` },
    props: { kind: 'narrow', figure } as Props,
  }));
  const templates = [...shared].map(([key, template]) => ({ params: { file: templatePath(key) }, props: { kind: 'template', template } as Props }));
  const datasets = site.loaded
    ? DATASET_NAMES.map((n) => ({ params: { file: datasetPath(n) }, props: { kind: 'dataset', file: join(site.folder, `${n}.json`) } as Props }))
    : [];
  return [...figures, ...narrow, ...templates, ...datasets];
}) satisfies GetStaticPaths;

/**
 * zlib's default level: on the committed full study's 49 MB of datasets it takes 40 % of the time
 * of level 9 (1.5 s against 3.7 s, a tenth of a rebuild) for 5 % more bytes (5.41 MB against 5.13 MB).
 */
const GZIP_LEVEL = 6;
/** Read and compressed off the build's thread (libuv's pool), which renders pages meanwhile. */
const gzipAsync = promisify(gzip);

export const GET: APIRoute<Props> = async ({ props }) => {
  if (props.kind === 'dataset') {
    return new Response(await gzipAsync(await readFile(props.file), { level: GZIP_LEVEL }), { headers: { 'Content-Type': 'application/gzip' } });
  }
  if (props.kind === 'narrow') {
    const picture = (await renderNarrow(props.figure))?.rendered ?? (await renderFigure(props.figure));
    return new Response(picture.png, { headers: { 'Content-Type': 'image/png' } });
  }
  const { body, type } = props.kind === 'template' ? await templateFile(props.template) : await figureFile(props.figure, props.ext, props.template);
  return new Response(body, { headers: { 'Content-Type': type } });
};
