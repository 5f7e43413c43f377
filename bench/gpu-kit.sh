#!/usr/bin/env bash
# Builds the GPU check kit (npm run gpu:kit) into .cache/gpu-kit: everything `bash run.sh` needs
# on a GPU machine without internet or node_modules. The engine and bench/gpu.ts bundled by
# esbuild, Dawn's dawn.node, tfjs-backend-wasm's binaries, Fashion-MNIST, the Vulkan loader, and
# this machine's Node binary (used only where the GPU machine has no Node 20+), all xz-compressed.
#   npm run gpu:kit -- [--repo] [DIR]    (DIR: .cache/gpu-kit; --repo: make DIR a git repository of the kit alone)
# See docs/gpu.md.
set -euo pipefail
cd "$(dirname "$0")/.."

kit=.cache/gpu-kit
repo=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo=1; shift ;;
    -*) echo "gpu:kit: unknown option $1 (usage: npm run gpu:kit -- [--repo] [DIR])" >&2; exit 2 ;;
    *) kit="$1"; shift ;;
  esac
done
staging="$kit.staging-$$"
trap 'rm -rf "$staging"' EXIT
rm -rf "$staging"
mkdir -p "$staging/node_modules/webgpu/dist/linux-x64" "$staging/wasm" "$staging/lib/vulkan" "$staging/lib/glvnd" "$staging/data"

# The bench and the engine in one ES module; only Dawn's binding stays a package (it loads dawn.node beside it).
# The banner gives the bundled CommonJS code (tfjs-backend-wasm's Emscripten loader) require and __dirname.
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 --outfile="$staging/gpu.mjs" \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --ignore-annotations --log-level=warning \
  --banner:js="import { createRequire as __kitRequire } from 'node:module'; import { fileURLToPath as __kitPath } from 'node:url'; import { dirname as __kitDir } from 'node:path'; const require = __kitRequire(import.meta.url); const __filename = __kitPath(import.meta.url); const __dirname = __kitDir(__filename);"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$staging/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$staging/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
# Node never runs the threaded build (no SharedArrayBuffer workers there): the SIMD build and its fallback.
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm "$staging/wasm/"
cp bench/gpu_torch.py "$staging/"

# Fashion-MNIST as plain IDX files, xz-compressed (the loader reads plain or gzipped files).
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -dc "/usr/share/datasets/fashion-mnist/$f.gz" | xz -T0 -6 >"$staging/data/$f.xz"
done

# The Vulkan loader, for a machine whose GPU driver ships only the ICD (the software GPU's cache has
# it), and libglvnd's dispatch library, which NVIDIA's ICD (libGLX_nvidia.so.0) links against.
[ -f .cache/software-gpu/lib/libvulkan.so.1 ] || bash pipeline/software-gpu.sh
cp -L .cache/software-gpu/lib/libvulkan.so.1 "$staging/lib/vulkan/"
glvnd="$(ldconfig -p | awk '/libGLdispatch.so.0 .*x86-64/ { print $NF; exit }')"
if [ -z "$glvnd" ]; then
  (cd "$staging" && apt-get download libglvnd0 >/dev/null && dpkg -x libglvnd0_*.deb glvnd-deb && rm libglvnd0_*.deb)
  glvnd="$(find "$staging/glvnd-deb" -name 'libGLdispatch.so.0*' | head -1)"
fi
cp -L "$glvnd" "$staging/lib/glvnd/libGLdispatch.so.0"
rm -rf "$staging/glvnd-deb"
xz -T0 -9 -c "$(command -v node)" >"$staging/node.xz"

cat >"$staging/run.sh" <<'RUN'
#!/usr/bin/env bash
# The GPU check (docs/gpu.md). Results go to $OUT (else ./results): bench.txt/json, numerics.txt/json.
#   bash run.sh bench      the dispatch profile of a step, then the table: img/s of widths 16, 32, 64
#                          at batches 32, 64, 256 on webgpu, the wasm engine and PyTorch (~5 min on an H100 host)
#   bash run.sh numerics   the main configuration at width 16 for 2,000 iterations on wasm and on
#                          webgpu at once, compared checkpoint by checkpoint (~8 min: the wasm run)
#   bash run.sh all        both (over the 10 minutes one device command may take: run them as two)
# Options after the mode go to gpu.mjs: --steps N --warmup N --widths L --batches L (bench),
# --iterations N --probe-size N --test-images N (numerics). SOFTWARE_GPU_DIR names a lavapipe
# folder (pipeline/software-gpu.sh) to check the kit without a GPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/results}"
mkdir -p "$out"
mode="${1:-all}"
[ $# -gt 0 ] && shift
case "$mode" in bench | numerics | all) ;; *) echo "usage: bash run.sh bench|numerics|all [gpu.mjs options]" >&2; exit 2 ;; esac
bench_args=() numerics_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --steps | --warmup | --widths | --batches | --python) bench_args+=("$1" "$2"); shift 2 ;;
    --iterations | --probe-size | --test-images) numerics_args+=("$1" "$2"); shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# Unpack once: dawn.node, the dataset, and Node where the machine has none of version 20 or later.
dawn="$here/node_modules/webgpu/dist/linux-x64/dawn.node"
[ -f "$dawn" ] || xz -dk "$dawn.xz"
for f in "$here"/data/*.xz; do [ -f "${f%.xz}" ] || xz -dk "$f"; done
node=node
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  [ -x "$here/node" ] || { xz -dk "$here/node.xz"; chmod +x "$here/node"; }
  node="$here/node"
fi
# The Vulkan loader and libglvnd where the system has none; NVIDIA's ICD where the driver is mounted.
for lib in vulkan:libvulkan.so.1 glvnd:libGLdispatch.so.0; do
  ldconfig -p 2>/dev/null | grep -q "${lib#*:} " || export LD_LIBRARY_PATH="$here/lib/${lib%%:*}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
done
export TFJS_WASM_DIR="$here/wasm/" CODE_VERSION="$(cat "$here/VERSION")"
cd "$here"
{
  echo "kit $(cat VERSION), node $("$node" --version), $(nproc) CPU cores, $(uname -srm)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || echo "no nvidia-smi"
} | tee "$out/machine.txt"
quiet() { grep -v 'artificially reduced' || true; }
if [ "$mode" != numerics ]; then
  echo "== dispatch profile" | tee "$out/bench.txt"
  "$node" gpu.mjs --profile --widths 16 --batches 64 --json "$out/profile.json" 2>&1 | quiet | tee -a "$out/bench.txt"
  echo "== benchmark" | tee -a "$out/bench.txt"
  "$node" gpu.mjs ${bench_args[@]+"${bench_args[@]}"} --json "$out/bench.json" 2>&1 | quiet | tee -a "$out/bench.txt"
fi
if [ "$mode" != bench ]; then
  echo "== numerics" | tee "$out/numerics.txt"
  "$node" gpu.mjs --numerics --data-dir "$here/data" ${numerics_args[@]+"${numerics_args[@]}"} --json "$out/numerics.json" 2>&1 | quiet | tee -a "$out/numerics.txt"
fi
RUN
git rev-parse HEAD >"$staging/VERSION" 2>/dev/null || echo unknown >"$staging/VERSION"
rm -rf "$kit" && mv "$staging" "$kit"
trap - EXIT
size="$(du -sb --exclude=.git "$kit" | cut -f1)"
limit=$((64 * 1024 * 1024))
if [ "$repo" = 1 ]; then
  # A repository whose working tree is the kit alone: a session started in it sends only the kit.
  (cd "$kit" && printf 'results/\n' >.gitignore && git init -q && git add -A && git -c user.name=gpu-kit -c user.email=gpu-kit@localhost commit -qm "GPU kit $(cat VERSION)")
fi
echo "gpu:kit: $size bytes ($((size * 100 / limit)) % of 64 MiB) in $kit (bash $kit/run.sh bench|numerics; docs/gpu.md)" >&2
[ "$size" -lt "$limit" ] || { echo "gpu:kit: over the 64 MiB a device command may take" >&2; exit 1; }
