#!/usr/bin/env bash
# Installs what nmt needs from Debian's packages (only the missing ones; no apt when all are
# there) and builds it in build/ (Release). Safe to run again: it only redoes what changed.
#   scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make ccache pkg-config
  libtorch-dev           # LibTorch (C++ frontend), with its c10d and oneDNN
  libopenblas0-pthread   # fast fp32 BLAS: Debian's reference BLAS is ~17x slower
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

# LibTorch must use OpenBLAS, not the reference BLAS that Debian may have selected first.
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
if [ -e "$openblas" ] && command -v update-alternatives >/dev/null; then
  current=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
  if [ "$current" != "$(readlink -f $openblas)" ] && [ "$(id -u)" -eq 0 ]; then
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$openblas" >/dev/null
  fi
fi

[ "${1:-}" = "--no-build" ] && exit 0
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
echo "[setup] built build/app/nmt"
