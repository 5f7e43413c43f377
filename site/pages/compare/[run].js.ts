// compare/<run>.js: one run's comparison data as a classic script the compare page loads on
// demand (scripts load from file:// pages, where fetch() of a file does not).
import type { APIRoute, GetStaticPaths } from 'astro';
import { comparisonScript, runComparison } from '../../lib/model/run-comparison.js';
import { getSite, type RunPage } from '../../lib/model/site.js';

export const getStaticPaths = (() => getSite().runPages.map((page) => ({ params: { run: page.run.run }, props: { page } }))) satisfies GetStaticPaths;

export const GET: APIRoute<{ page: RunPage }> = ({ props }) =>
  new Response(comparisonScript(runComparison(props.page)), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
