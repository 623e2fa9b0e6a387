#!/usr/bin/env bash
# Builds a consumer of an installed instructor with nothing but pkg-config, and runs it:
#   pkg_config.sh PREFIX PACKAGE SOURCE OUTPUT COMPILER...
# e.g. pkg_config.sh build/consumer/prefix instructor main.cpp build/consumer/pc/consumer ccache g++
# The compiler gets -std=c++20 and what `pkg-config --cflags --libs PACKAGE` prints, no more.
# Exit 77 (CTest: skipped) when pkg-config is missing.
set -euo pipefail
prefix=${1:?usage: pkg_config.sh PREFIX PACKAGE SOURCE OUTPUT COMPILER...}
package=${2:?} source=${3:?} output=${4:?}
shift 4
command -v pkg-config >/dev/null || { echo "SKIPPED: no pkg-config (Debian: apt-get install pkg-config)"; exit 77; }

# Only the installed prefix: a .pc found anywhere else would prove nothing.
pc_dir=$(dirname "$(find "$prefix" -name "$package.pc" -path '*/pkgconfig/*' | head -1)")
[[ -f $pc_dir/$package.pc ]] || { echo "no $package.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH=$pc_dir
flags=$(pkg-config --cflags --libs "$package")
echo "pkg-config --cflags --libs $package: $flags"
mkdir -p "$(dirname "$output")"
# shellcheck disable=SC2086 # the flags are words
"$@" -std=c++20 "$source" $flags -o "$output"
"$output"
