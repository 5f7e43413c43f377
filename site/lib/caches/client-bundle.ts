// Bundles the browser code (site/client) into one classic script with esbuild, at build
// time. Not an Astro <script>: those become module scripts, which browsers refuse to load
// from file:// pages.
import { join } from 'node:path';
import { keptBundle } from './bundle-cache.js';

const CLIENT_ENTRY = (): string => join(process.cwd(), 'site', 'client', 'main.ts');

let bundle: Promise<string> | null = null;

export function clientBundle(): Promise<string> {
  bundle ??= keptBundle('client', {
    entryPoints: [CLIENT_ENTRY()],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return bundle;
}
