#!/usr/bin/env bash
# Builds the GPU check kit (npm run gpu:kit) into .cache/gpu-kit: everything `bash run.sh` needs
# on a GPU machine without internet or node_modules. The engine and bench/gpu.ts bundled by
# esbuild, Dawn's dawn.node, tfjs-backend-wasm's binaries, Fashion-MNIST, the Vulkan loader, and
# this machine's Node binary (used only where the GPU machine has no Node 20+), all xz-compressed.
# See docs/gpu.md.
set -euo pipefail
cd "$(dirname "$0")/.."

kit="${1:-.cache/gpu-kit}"
staging="$kit.staging-$$"
trap 'rm -rf "$staging"' EXIT
rm -rf "$staging"
mkdir -p "$staging/node_modules/webgpu/dist/linux-x64" "$staging/wasm" "$staging/lib" "$staging/data"

# The bench and the engine in one ES module; only Dawn's binding stays a package (it loads dawn.node beside it).
# The banner gives the bundled CommonJS code (tfjs-backend-wasm's Emscripten loader) require and __dirname.
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 --outfile="$staging/gpu.mjs" \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --ignore-annotations --log-level=warning \
  --banner:js="import { createRequire as __kitRequire } from 'node:module'; import { fileURLToPath as __kitPath } from 'node:url'; import { dirname as __kitDir } from 'node:path'; const require = __kitRequire(import.meta.url); const __filename = __kitPath(import.meta.url); const __dirname = __kitDir(__filename);"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$staging/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$staging/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$staging/wasm/"
cp bench/gpu_torch.py "$staging/"

# Fashion-MNIST as plain IDX files, xz-compressed (the loader reads plain or gzipped files).
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -dc "/usr/share/datasets/fashion-mnist/$f.gz" | xz -T0 -6 >"$staging/data/$f.xz"
done

# The Vulkan loader, for a machine whose GPU driver ships only the ICD (the software GPU's cache has it).
[ -f .cache/software-gpu/lib/libvulkan.so.1 ] || bash pipeline/software-gpu.sh
cp -L .cache/software-gpu/lib/libvulkan.so.1 "$staging/lib/"
xz -T0 -6 -c "$(command -v node)" >"$staging/node.xz"

cat >"$staging/run.sh" <<'RUN'
#!/usr/bin/env bash
# The GPU check: the benchmark table (webgpu against the wasm engine and PyTorch on this machine),
# then the numerics of the main configuration on wasm and webgpu. Results in $OUT (or ./results).
#   bash run.sh [--iterations N] [--steps N]     (defaults: 2000 iterations, 10 timed steps a cell)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/results}"
mkdir -p "$out"
iterations=2000 steps=10
while [ $# -gt 0 ]; do
  case "$1" in --iterations) iterations="$2"; shift 2 ;; --steps) steps="$2"; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac
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
# The Vulkan loader where the system has none, and the NVIDIA driver's ICD where containers mount it.
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_ADD_DRIVER_FILES="$icd${VK_ADD_DRIVER_FILES:+:$VK_ADD_DRIVER_FILES}"; break; fi
done
export TFJS_WASM_DIR="$here/wasm/" CODE_VERSION="$(cat "$here/VERSION")"
cd "$here"
"$node" --version
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
echo "== benchmark" | tee "$out/bench.txt"
"$node" gpu.mjs --steps "$steps" --json "$out/bench.json" 2>&1 | grep -v 'artificially reduced' | tee -a "$out/bench.txt"
echo "== numerics, $iterations iterations" | tee "$out/numerics.txt"
"$node" gpu.mjs --numerics --iterations "$iterations" --data-dir "$here/data" --json "$out/numerics.json" 2>&1 | grep -v 'artificially reduced' | tee -a "$out/numerics.txt"
RUN
git rev-parse HEAD >"$staging/VERSION" 2>/dev/null || echo unknown >"$staging/VERSION"
rm -rf "$kit" && mv "$staging" "$kit"
trap - EXIT
echo "gpu:kit: $(du -sh "$kit" | cut -f1) in $kit (bash $kit/run.sh runs the check; docs/gpu.md)" >&2
