// Bundles the browser code (site/client) into one classic script with esbuild, at build
// time. Not an Astro <script>: those become module scripts, which browsers refuse to load
// from file:// pages.
import { join } from 'node:path';

const CLIENT_ENTRY = (): string => join(process.cwd(), 'site', 'client', 'main.ts');

let bundle: Promise<string> | null = null;

export function clientBundle(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
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
    return result.outputFiles[0].text;
  })();
  return bundle;
}
