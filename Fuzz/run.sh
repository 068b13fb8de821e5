#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for SECONDS (default 60):
#   Fuzz/run.sh [seconds]          (FUZZ_SKIP_BUILD=1 to reuse the last build)
# Targets are the TrainerCore sources plus one entry file, compiled by swiftc with
# -sanitize=fuzzer,address (the Swift toolchain ships libFuzzer). New inputs go to
# Fuzz/.work/<target>/ (ignored by git); the committed seeds in Fuzz/corpus/<target>/ are read
# only. A crash leaves crash-* files in Fuzz/.work and makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=Fuzz/.work
mkdir -p "$out/bin"
sources=$(find Sources/TrainerCore -name '*.swift' | sort)
blas_flags=$(pkg-config --cflags openblas | sed 's/-I/-Xcc -I/g')
for target in csv config; do
    # FUZZ_SKIP_BUILD=1 reuses binaries from an earlier build (a build takes minutes).
    if [ "${FUZZ_SKIP_BUILD:-0}" = 1 ] && [ -x "$out/bin/fuzz-$target" ]; then continue; fi
    entry=Fuzz/$([ "$target" = csv ] && echo CSV || echo Config)FuzzTarget.swift
    echo "== building fuzz-$target"
    # shellcheck disable=SC2086
    swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name "Fuzz${target}" \
        -I Sources/CLinearAlgebra $blas_flags -L "$(pkg-config --variable=libdir openblas)" \
        $sources "$entry" -o "$out/bin/fuzz-$target"
done
status=0
for target in csv config; do
    mkdir -p "$out/$target"
    echo "== fuzz-$target for ${seconds}s"
    (cd "$out" && ./bin/"fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=65536 -print_final_stats=1 "$target" "../corpus/$target") || status=$?
done
exit "$status"
