#!/usr/bin/env bash
# The main job: set up, then show what this build of nmt runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/app/nmt --version
