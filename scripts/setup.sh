#!/usr/bin/env bash
# Installs what nmt needs from Debian's packages (only the missing ones; no apt when all are
# there) and builds it in build/ (Release). Safe to run again: it only redoes what changed.
#   scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make ccache pkg-config
  libtorch-dev           # LibTorch (C++ frontend), with its c10d and oneDNN
  libopenblas0-openmp    # fast fp32 BLAS (reference BLAS is ~17x slower) on LibTorch's OpenMP pool
  libgloo-dev            # headers for LibTorch's Gloo process group (distributed training)
  libsentencepiece-dev sentencepiece
  libcli11-dev nlohmann-json3-dev zlib1g-dev libgtest-dev
  libicu-dev             # Unicode categories and case mapping for sacreBLEU-exact metrics
  curl ca-certificates   # data/get_multi30k.sh downloads when no local copy exists
  libcpp-httplib-dev     # HTTP server for nmt serve
  libdnnl-dev            # oneDNN int8 matmul for int8 decoding (precision int8, nmt quantize)
  chromium               # headless browser tests of the report, attention and serving pages
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch must use OpenBLAS, not the reference BLAS that Debian may have selected first, and
# OpenBLAS's OpenMP build: its pthread build keeps a second pool of threads that fights LibTorch's
# OpenMP threads for the cores (fp32 training of the `small` preset on 2 cores: 1,202 target tok/s
# with the pthread build, 1,960 with the OpenMP build). All three names must point at one build.
dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ -d "$dir" ] && command -v update-alternatives >/dev/null && [ "$(id -u)" -eq 0 ]; then
  for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
    [ -e "$dir/$lib" ] || continue
    current=$(readlink -f "/usr/lib/x86_64-linux-gnu/$lib" || true)
    if [ "$current" != "$(readlink -f "$dir/$lib")" ]; then
      update-alternatives --set "$lib-x86_64-linux-gnu" "$dir/$lib" >/dev/null
    fi
  done
fi

[ "${1:-}" = "--no-build" ] && exit 0
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
echo "[setup] built build/app/nmt"
