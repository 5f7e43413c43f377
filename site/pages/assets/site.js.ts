// assets/site.js: the browser code, bundled at build time (see site/lib/caches/client-bundle.ts).
import type { APIRoute } from 'astro';
import { clientBundle } from '../../lib/caches/client-bundle.js';

export const GET: APIRoute = async () => new Response(await clientBundle(), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
