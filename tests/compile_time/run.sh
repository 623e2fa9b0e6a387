#!/usr/bin/env bash
# What a user's translation unit pays to compile instructor-cpp's headers: one create<T>
# (one_create.cpp, through <instructor/client.hpp>, and the same through <instructor/instructor.hpp>)
# beside the same struct read with nlohmann/json alone (nlohmann_only.cpp), at -O0 and -O2.
# Figures, not pass/fail; each the median of REPEAT compiles (default 5), no compiler cache.
#
#     bash tests/compile_time/run.sh [compiler]        # default c++; e.g. clang++
#
# Run it on a quiet machine: a compile beside it moves the figures by a third.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=${1:-c++}
repeat=${REPEAT:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/instructor-compile-time.XXXXXX")
trap 'rm -rf "$work"' EXIT
sed 's|<instructor/client.hpp>|<instructor/instructor.hpp>|' "$here/one_create.cpp" >"$work/one_create_all.cpp"

# The median wall time of $repeat compiles of one file, in seconds.
median_compile() {
  local file=$1 flags=$2 times=() i t0
  for ((i = 0; i < repeat; i++)); do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086 # the flags are words
    "$cxx" -std=c++20 $flags -I"$root/include" -c "$file" -o "$work/out.o"
    times+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p"
}

echo "compile time of one file, median of $repeat, $("$cxx" --version | head -1)"
printf '| %-5s | %-22s | %-26s | %-7s | %-30s | %-7s |\n' flags "floor: nlohmann only" "create<T>, client.hpp" ratio \
  "create<T>, instructor.hpp" ratio
printf '|%s|%s|%s|%s|%s|%s|\n' ------- ------------------------ ---------------------------- --------- \
  -------------------------------- ---------
for flags in -O0 -O2; do
  floor=$(median_compile "$here/nlohmann_only.cpp" "$flags")
  one=$(median_compile "$here/one_create.cpp" "$flags")
  all=$(median_compile "$work/one_create_all.cpp" "$flags")
  printf '| %-5s | %-22s | %-26s | %-7s | %-30s | %-7s |\n' "$flags" "$(printf '%.2f s' "$floor")" \
    "$(printf '%.2f s' "$one")" "$(awk -v a="$one" -v b="$floor" 'BEGIN { printf "%.2fx", a / b }')" \
    "$(printf '%.2f s' "$all")" "$(awk -v a="$all" -v b="$floor" 'BEGIN { printf "%.2fx", a / b }')"
done
