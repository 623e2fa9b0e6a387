#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz build for a bounded time, one after the other, each on a
# temporary copy of its seed corpus and regressions (the checked-in files are never written to).
# Fails if any target finds a crash, a leak, a timeout or a sanitizer report, after printing the
# reproducer. CI's fuzz stage runs it; so can anyone:
#
#     cmake --preset fuzz && cmake --build --preset fuzz && bash tests/fuzz/run_fuzzers.sh
#
# Inputs are at most FUZZ_MAX_LEN bytes (libFuzzer's -max_len; it would otherwise take the size of
# the largest seed), and regressions larger than that are left out: those, hundreds of kilobytes
# deep or long, are replayed whole by the test suite (fuzz_regressions.<target>).
#
# Environment: FUZZ_SECONDS (per target, default 30), FUZZ_MAX_LEN (default 4096), FUZZ_SEED (default 1), FUZZ_TARGETS
# (default all), FUZZ_BUILD_DIR (default build/fuzz), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

seconds=${FUZZ_SECONDS:-30}
max_len=${FUZZ_MAX_LEN:-4096}
# A fixed seed: a CI run explores the same way each time it runs the same code, so a finding is
# the change's, not the luck of the draw (FUZZ_SEED=0 lets libFuzzer pick one, for longer hunts).
seed=${FUZZ_SEED:-1}
build_dir=${FUZZ_BUILD_DIR:-build/fuzz}
all_targets="fuzz_framing fuzz_partial_json fuzz_provider_replies fuzz_extract_json fuzz_from_json"
all_targets+=" fuzz_extraction fuzz_cassette fuzz_error_bodies"
targets=${FUZZ_TARGETS:-$all_targets}
read -r -a extra_args <<<"${FUZZ_ARGS:-}"

work=$(mktemp -d "${TMPDIR:-/tmp}/instructor-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Halt at the first report, with its stack, and find leaks too. (Not abort_on_error: after a
# sanitizer report libFuzzer would then print the reproducer twice, once more for the abort.)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Prints a reproducer: where it is kept, and its bytes (base64, to paste into
# tests/fuzz/regressions/<target>/ with `base64 -d`).
show_reproducer() {
  local file=$1 size
  size=$(wc -c <"$file")
  echo "--- reproducer: $file ($size bytes)"
  if [[ $size -le 4096 ]]; then
    echo "--- base64:"
    base64 -w 76 "$file"
  else
    echo "--- first 1024 bytes, base64 (the whole file is too large to print):"
    head -c 1024 "$file" | base64 -w 76
  fi
}

failed=()
for target in $targets; do
  binary=$build_dir/tests/$target
  if [[ ! -x $binary ]]; then
    echo "run_fuzzers: $binary is missing: build the fuzz preset first" >&2
    exit 2
  fi
  corpus=$work/$target/corpus
  artifacts=$work/$target/artifacts
  mkdir -p "$corpus" "$artifacts"
  # Regressions join the seeds: each is an input that once mattered.
  for seeds in "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target"; do
    if [[ -d $seeds ]]; then
      find "$seeds" -maxdepth 1 -type f ! -name '.*' -size -$((max_len + 1))c -exec cp -p {} "$corpus"/ \;
    fi
  done

  echo "::: $target: ${seconds}s on $(find "$corpus" -type f | wc -l) seeds"
  log=$work/$target/log
  status=0
  "$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$max_len" -seed="$seed" -dict=tests/fuzz/fuzz.dict -artifact_prefix="$artifacts/" -print_final_stats=1 "${extra_args[@]}" >"$log" 2>&1 || status=$?
  if [[ $status -eq 0 ]] && ! grep -qE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:" "$log"; then
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" | tr '\n' ' '
    echo
    continue
  fi
  failed+=("$target")
  echo "::: $target FAILED (exit $status); the end of its log:"
  grep -vE "^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD)" "$log" | tail -n 60
  found=0
  for file in "$artifacts"/*; do
    [[ -f $file ]] || continue
    found=1
    kept=$PWD/$build_dir/fuzz-artifacts/$target
    mkdir -p "$kept"
    cp -p "$file" "$kept/"
    show_reproducer "$kept/$(basename "$file")"
    for known in "tests/fuzz/regressions/$target"/*; do
      if [[ -f $known ]] && cmp -s "$file" "$known"; then echo "--- this is the regression $known: still open"; fi
    done
  done
  [[ $found -eq 1 ]] || echo "--- (no reproducer was written)"
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run_fuzzers: findings in ${failed[*]}; copy each new reproducer into tests/fuzz/regressions/<target>/ under a name that says what it does" >&2
  exit 1
fi
echo "run_fuzzers: no findings in $targets (${seconds}s each)"
