#!/usr/bin/env bash
# One command for the whole benchmark suite: builds trainer in release, generates the seeded
# data (once; ~4 GB under Benchmarks/data/, git-ignored), runs trainer and its peers, and
# writes BENCHMARKS.md. Extra arguments go to bench.py (e.g. --repeats 5, --baseline <binary>,
# --skip-peers, --only solve to re-run the least-squares section alone and splice it in).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "install GNU time (apt-get install time)" >&2; exit 1; }
swift build -c release
if [[ " $* " == *" --only solve "* ]]; then
    python3 Benchmarks/gen_data.py big  # the only data that section reads
else
    python3 Benchmarks/gen_data.py
fi
python3 Benchmarks/bench.py "$@"
echo "wrote BENCHMARKS.md" >&2
