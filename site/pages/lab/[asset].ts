// The live lab's scripts (see site/lab/assets.ts): made only when the Fashion-MNIST files
// are there; without them the lab page says it is unavailable and nothing here is built.
import type { APIRoute, GetStaticPaths } from 'astro';
import { labAvailability, labBundle, labDataAssetScript, labWasmScript } from '../../lab/assets.js';

const ASSETS = {
  'page.js': () => labBundle('page'),
  'worker.js': () => labBundle('worker'),
  'fashion-mnist.js': () => labDataAssetScript(),
  'wasm-simd.js': () => labWasmScript('simd'),
  'wasm-plain.js': () => labWasmScript('plain'),
} as const;

type Asset = keyof typeof ASSETS;

export const getStaticPaths = (() =>
  labAvailability().available ? (Object.keys(ASSETS) as Asset[]).map((asset) => ({ params: { asset }, props: { asset } })) : []) satisfies GetStaticPaths;

export const GET: APIRoute<{ asset: Asset }> = async ({ props }) =>
  new Response(await ASSETS[props.asset](), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
