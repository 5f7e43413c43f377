// The live lab's files, made at build time: the training worker and the page script bundled
// from the engine with esbuild, the wasm binaries and the Fashion-MNIST subset, each wrapped in
// a classic script (file:// pages may run scripts, not fetch files). Runs in Node only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { loadFashionMnistRaw, FASHION_MNIST_DEFAULT_DIR, FASHION_MNIST_FILES } from '../../experiments/data/idx.js';
import { stratifiedSubset } from '../../experiments/data/dataset.js';
import { codeVersion, engineCode } from '../../experiments/provenance.js';
import { createRandom } from '../../experiments/random.js';
import { writeFileAtomic } from '../../experiments/record-file.js';
import { keptBundle } from '../lib/caches/bundle-cache.js';
import { idxImagesBytes, idxLabelsBytes, labDataScript, LAB_DATA_FORMAT, LAB_WASM_GLOBAL, LAB_WORKER_GLOBAL } from './data-asset.js';

/** Images per class in the lab's subset (train, test): small enough to ship, large enough for a few epochs of distinct batches. */
export const LAB_SUBSET = { trainPerClass: 500, testPerClass: 100 } as const;

/** The wasm binaries the lab ships: the SIMD build, and the plain one for browsers without SIMD. */
const LAB_WASM = { simd: 'tfjs-backend-wasm-simd.wasm', plain: 'tfjs-backend-wasm.wasm' } as const;

/** Where the lab reads Fashion-MNIST at build time. */
const labDataDir = (): string => process.env.LAB_DATA_DIR ?? FASHION_MNIST_DEFAULT_DIR;

export type LabAvailability = { available: true } | { available: false; reason: string };

let warned = false;

/** Whether the dataset files are there; when not, the build says once how to get them. */
export function labAvailability(): LabAvailability {
  const dir = labDataDir();
  const missing = Object.values(FASHION_MNIST_FILES).filter((f) => !existsSync(join(dir, `${f}.gz`)) && !existsSync(join(dir, f)));
  if (missing.length === 0) return { available: true };
  const reason =
    `the Fashion-MNIST files are not in ${dir} (missing ${missing.join(', ')}): install them with ` +
    `apt-get install -y dataset-fashion-mnist, or set LAB_DATA_DIR to a folder holding them, and build again`;
  if (!warned) {
    warned = true;
    console.warn(`[lab] the live lab is left out of this build: ${reason}. The rest of the site builds as usual.`);
  }
  return { available: false, reason };
}

/** Base64 of bytes (Node's encoder: btoa over char codes took 0.8 s of every build). */
function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The data script made from the files in `dir`: a class-balanced subset of the training and test files, chosen with a fixed seed. */
async function makeLabDataScript(dir: string): Promise<string> {
  const raw = await loadFashionMnistRaw(dir);
  const size = raw.height * raw.width;
  const part = (split: typeof raw.train, perClass: number, purpose: string) => {
    const which = stratifiedSubset(split.labels, raw.numClasses, perClass * raw.numClasses, createRandom(0, purpose));
    const pixels = new Uint8Array(which.length * size);
    which.forEach((j, i) => pixels.set(split.pixels.subarray(j * size, (j + 1) * size), i * size));
    const labels = Array.from(which, (j) => split.labels[j]);
    return { images: idxImagesBytes(pixels, which.length, raw.height, raw.width), labels: idxLabelsBytes(labels), count: which.length };
  };
  const train = part(raw.train, LAB_SUBSET.trainPerClass, 'lab-train');
  const test = part(raw.test, LAB_SUBSET.testPerClass, 'lab-test');
  // zlib's default level: on these images a ninth of level 9's time (0.33 s against 3.1 s, a
  // sixth of a site rebuild) for 0.8 % more bytes.
  const gz = (bytes: Uint8Array) => toBase64(gzipSync(bytes, { level: 6 }));
  return labDataScript({
    format: LAB_DATA_FORMAT,
    dataset: 'fashion-mnist',
    selection: `${LAB_SUBSET.trainPerClass} training and ${LAB_SUBSET.testPerClass} test images of each class, chosen uniformly at random (seed 0) and kept in file order`,
    trainImages: train.count,
    testImages: test.count,
    source: raw.files,
    files: {
      [`${FASHION_MNIST_FILES.trainImages}.gz`]: gz(train.images),
      [`${FASHION_MNIST_FILES.trainLabels}.gz`]: gz(train.labels),
      [`${FASHION_MNIST_FILES.testImages}.gz`]: gz(test.images),
      [`${FASHION_MNIST_FILES.testLabels}.gz`]: gz(test.labels),
    },
  });
}

/** Where data scripts are kept between builds: SITE_LAB_CACHE, else .cache/lab in the working directory (gitignored). */
export function labCacheDir(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return env.SITE_LAB_CACHE ?? join(cwd, '.cache', 'lab');
}

/**
 * The key of the data script made from `dir`: the dataset files' bytes, and the code that reads,
 * selects and writes them (the engine's digest for experiments/, the source of the functions here
 * and in site/lab/data-asset.ts). Null outside git, where the engine's code has no digest: then
 * the script is made again at every build.
 */
export function labDataKey(dir: string): string | null {
  const engine = engineCode();
  if (engine === 'unknown') return null;
  const hash = createHash('sha256').update(JSON.stringify({ engine, format: LAB_DATA_FORMAT, subset: LAB_SUBSET, zlib: process.versions.zlib }));
  for (const f of [makeLabDataScript, labDataScript, idxImagesBytes, idxLabelsBytes, toBase64]) hash.update(f.toString());
  for (const name of Object.values(FASHION_MNIST_FILES)) {
    const file = existsSync(join(dir, `${name}.gz`)) ? join(dir, `${name}.gz`) : join(dir, name);
    hash.update(`${name}\n`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

const dataScripts = new Map<string, Promise<string>>();

/**
 * The lab's data script, kept between builds by its key (labDataKey): reading, subsetting and
 * compressing the Fashion-MNIST files took 1 to 2 s of every build, a tenth of a rebuild.
 */
export function labDataAssetScript(cacheDir = labCacheDir()): Promise<string> {
  let script = dataScripts.get(cacheDir);
  if (script) return script;
  script = (async () => {
    const dir = labDataDir();
    const key = labDataKey(dir);
    const file = key && join(cacheDir, `fashion-mnist-${key}.js`);
    if (file && existsSync(file)) return readFileSync(file, 'utf8');
    const made = await makeLabDataScript(dir);
    if (file) writeFileAtomic(file, made);
    return made;
  })();
  dataScripts.set(cacheDir, script);
  return script;
}

export async function labWasmScript(kind: keyof typeof LAB_WASM): Promise<string> {
  // Imported here, not above: only the lab's files need the engine's Node side.
  const { wasmBinaryFolder } = await import('../../experiments/backend/resolve.js');
  const bytes = readFileSync(join(wasmBinaryFolder(), LAB_WASM[kind]));
  return `self.${LAB_WASM_GLOBAL} = ${JSON.stringify({ name: LAB_WASM[kind], simd: kind === 'simd', base64: toBase64(bytes) })};\n`;
}

/**
 * The engine imports a few Node modules in code the lab never calls (reading files, git, the
 * data folder's path). In the browser bundle they become modules whose functions say so when
 * called; node:crypto becomes site/lab/node-crypto.ts, which computes the run's hash as Node does.
 */
const NODE_STAND_INS: Record<string, string[]> = {
  'node:fs': ['existsSync', 'readFileSync', 'rmSync', 'mkdirSync', 'openSync', 'writeSync', 'fsyncSync', 'closeSync', 'renameSync'],
  'node:fs/promises': ['readFile', 'stat', 'access'],
  'node:path': ['resolve', 'join', 'dirname', 'basename'],
  'node:zlib': ['gunzip'],
  'node:os': ['hostname'],
  'node:child_process': ['execFileSync'],
  'node:url': ['fileURLToPath'],
  'node:module': ['createRequire'],
};

function nodeStandIns(): Plugin {
  return {
    name: 'node-stand-ins',
    setup(build) {
      build.onResolve({ filter: /^node:crypto$/ }, () => ({ path: join(process.cwd(), 'site', 'lab', 'node-crypto.ts') }));
      // The union package only registers the gradients for the engine (experiments/gradients.ts); its layers, converter and webgl backend stay out.
      build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: 'tfjs-gradients', namespace: 'lab-stand-in' }));
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'lab-stand-in' }));
      build.onLoad({ filter: /.*/, namespace: 'lab-stand-in' }, (args) => {
        if (args.path === 'tfjs-gradients') {
          return {
            contents:
              "import '@tensorflow/tfjs-core/dist/register_all_gradients';\nimport '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';\n",
            resolveDir: process.cwd(),
            loader: 'js',
          };
        }
        if (args.path === 'node:util')
          return { contents: `export const promisify = () => () => Promise.reject(new Error('node:util is not available in the browser lab'));`, loader: 'js' };
        const names = NODE_STAND_INS[args.path];
        if (!names)
          return {
            errors: [
              {
                text: `the lab bundle imports ${args.path}, which has no browser stand-in: add one in site/lab/assets.ts or keep that import out of the code the lab bundles`,
              },
            ],
          };
        const body = names.map((n) => `export function ${n}() { throw new Error('${args.path} ${n} is not available in the browser lab'); }`).join('\n');
        return { contents: body, loader: 'js' };
      });
    },
  };
}

const bundles = new Map<string, Promise<string>>();

/** Bundles a lab entry (site/lab/<entry>.ts) into one classic script. */
export function labBundle(entry: 'worker' | 'page'): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = (async () => {
      const code = await keptBundle(
        `lab-${entry}`,
        {
          entryPoints: [join(process.cwd(), 'site', 'lab', `${entry}.ts`)],
          bundle: true,
          format: 'iife',
          platform: 'browser',
          target: 'es2022',
          minify: true,
          write: false,
          legalComments: 'none',
          logLevel: 'silent',
          plugins: [nodeStandIns()],
          define: { LAB_CODE_VERSION: JSON.stringify(codeVersion()), LAB_ENGINE_CODE: JSON.stringify(engineCode()) },
        },
        `${nodeStandIns.toString()}\n${JSON.stringify(NODE_STAND_INS)}`,
      );
      // The worker starts from a Blob of its source: file:// pages may not start workers from files.
      return entry === 'worker' ? `self.${LAB_WORKER_GLOBAL} = ${JSON.stringify(code)};\n` : code;
    })();
    bundles.set(entry, bundle);
  }
  return bundle;
}
