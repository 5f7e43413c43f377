#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, skipping what is already there:
# the Fashion-MNIST package, the Liberation fonts the site's pictures are drawn with, Debian's Chromium (with --browser, for the browser tests) and
# the npm packages from the lock file; with --browser (the tests' setup) also a software GPU for the
# WebGPU tests (pipeline/software-gpu.sh, into .cache/, no system change).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || packages+=(dataset-fashion-mnist)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || packages+=(fonts-liberation)
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then packages+=(chromium); fi
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${packages[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# Reinstall the npm packages only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--browser" ]; then bash pipeline/software-gpu.sh; fi
