#!/usr/bin/env bash
# bench/run.sh: the standard benchmark, cms beside the floor (bench/README.md).
# A thin wrapper of `python -m bench.compare`: the environment it reads
# (BENCH_ROUNDS, BENCH_DURATION, BENCH_CACHE, BENCH_FLOOR_WORKDIR, BENCH_KEEP,
# CMS_FLOOR, VENV) and any arguments are passed on.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
cd "$ROOT"
exec "$VENV/bin/python" -m bench.compare "$@"
