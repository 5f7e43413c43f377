#!/usr/bin/env bash
# Installs a software GPU for the WebGPU backend's tests: Mesa's lavapipe (Vulkan on the CPU) 25
# from Debian bookworm-backports and the Vulkan loader, unpacked into .cache/software-gpu without
# touching the system (bookworm's own lavapipe 22.3 is rejected by Dawn). Prints nothing and does
# nothing when it is there already. experiments/backend/webgpu.ts finds it there; see docs/gpu.md.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${SOFTWARE_GPU_DIR:-$PWD/.cache/software-gpu}"
icd="$dir/lvp_icd.json"
[ -f "$icd" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "setup: no apt-get/dpkg here, so no software GPU: the WebGPU tests need a Vulkan driver (see docs/gpu.md)" >&2
  exit 0
fi
[ "$(dpkg --print-architecture)" = amd64 ] || { echo "setup: the software GPU is fetched for amd64 only; the WebGPU tests will skip" >&2; exit 0; }

echo "setup: installing a software GPU (Mesa lavapipe 25 from bookworm-backports) into $dir" >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/software-gpu.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
printf 'deb http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian bookworm-backports main\n' >"$work/sources.list"
apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
apt-get "${apt[@]}" update -qq
# lavapipe 25 needs libdrm >= 2.4.121 (backports); the loader and xshmfence are bookworm's.
(cd "$work/debs" && apt-get "${apt[@]}" download -qq mesa-vulkan-drivers/bookworm-backports libdrm2/bookworm-backports \
  libdrm-amdgpu1/bookworm-backports libvulkan1 libxshmfence1)
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/root"; done

# Only the loader, lavapipe and the libraries they need; an ICD file with lavapipe's absolute path.
staging="$dir.staging-$$"
rm -rf "$staging" && mkdir -p "$staging/lib"
lib="$work/root/usr/lib/x86_64-linux-gnu"
cp -a "$lib"/libvulkan.so.1* "$lib"/libvulkan_lvp.so "$lib"/libdrm.so.2* "$lib"/libdrm_amdgpu.so.1* "$lib"/libxshmfence.so.1* "$staging/lib/"
api="$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' "$work/root/usr/share/vulkan/icd.d/lvp_icd.json")"
printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"%s"}}\n' "$dir/lib/libvulkan_lvp.so" "$api" >"$staging/lvp_icd.json"
ls "$work"/debs >"$staging/packages.txt"
rm -rf "$dir" && mv "$staging" "$dir"
echo "setup: software GPU ready ($(tr '\n' ' ' <"$dir/packages.txt"))" >&2
