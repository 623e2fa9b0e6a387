#!/usr/bin/env bash
# The Debian package libinstructor-dev, built and proved:
#   cmake/debian/build-package.sh [WORKDIR]
# 1. copies the source tree (the files git knows, as they are now) to WORKDIR with this directory
#    as its debian/, and writes debian/changelog with the version of include/instructor/version.hpp
#    (the version lives in one place);
# 2. dpkg-buildpackage -b, then lintian, which must report no error;
# 3. installs the package with apt-get (as root), builds the consumer of tests/consumer against the
#    installed files through CMake (find_package) and through pkg-config, runs both, and removes
#    the package again.
# WORKDIR defaults to ~/.cache/instructor-cpp/deb: a fixed place outside the clone, so the compiler
# cache serves the next build. Needs debhelper, dpkg-dev, fakeroot, lintian (.ci/install-deps).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/instructor-cpp/deb}

part() { sed -n "s/^#define INSTRUCTOR_VERSION_$1 \([0-9]*\)$/\1/p" "$root/include/instructor/version.hpp"; }
version="$(part MAJOR).$(part MINOR).$(part PATCH)"
src=$work/instructor-cpp-$version

echo "::: source tree $src"
# Only what an earlier run of this script left there: WORKDIR may hold other things.
rm -rf "$src" "$work"/consumer-cmake "$work"/consumer-pc "$work"/libinstructor-dev_* "$work"/instructor-cpp_*
mkdir -p "$src"
(cd "$root" && git ls-files -z | grep -zv '^cmake/debian/' | xargs -0 cp --parents -t "$src")
cp -r "$root/cmake/debian" "$src/debian"
rm "$src/debian/build-package.sh"
cat >"$src/debian/changelog" <<CHANGELOG
instructor-cpp ($version) unstable; urgency=medium

  * Built from the instructor-cpp source tree; CHANGELOG.md says what changed.

 -- instructor-cpp maintainers <maintainers@users.noreply.b-seed-21075407.example>  $(date -R)
CHANGELOG

echo "::: dpkg-buildpackage -b"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS-}" dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log"; echo "build-package: dpkg-buildpackage failed, see $work/build.log" >&2; exit 1; }
deb=$(ls "$work"/libinstructor-dev_"$version"_*.deb)
echo "::: $(basename "$deb"): its files"
dpkg-deb --contents "$deb" | awk '{print $6}' | grep -v '/$'

echo "::: lintian"
lintian --fail-on error --info "$deb" || { echo "build-package: lintian reports errors" >&2; exit 1; }
echo "lintian: no errors"

echo "::: apt-get install $deb"
trap 'apt-get remove -y -q libinstructor-dev >/dev/null 2>&1 || true' EXIT
apt-get install -y -q --reinstall "$deb" >"$work/install.log" 2>&1 || {
  cat "$work/install.log"; exit 1; }

echo "::: a consumer through find_package(instructor), from /usr"
env -u CMAKE_PREFIX_PATH cmake -S "$root/tests/consumer" -B "$work/consumer-cmake" -G Ninja \
  -DINSTRUCTOR_EXPECTED_PREFIX=/usr >"$work/consumer.log" 2>&1 &&
  cmake --build "$work/consumer-cmake" >>"$work/consumer.log" 2>&1 || {
  cat "$work/consumer.log"; exit 1; }
"$work/consumer-cmake/consumer" >/dev/null

echo "::: a consumer through pkg-config, from /usr"
flags=$(env -u PKG_CONFIG_PATH pkg-config --cflags --libs instructor)
echo "pkg-config --cflags --libs instructor: $flags"
# shellcheck disable=SC2086 # the flags are words
${CMAKE_CXX_COMPILER_LAUNCHER:-} c++ -std=c++20 "$root/tests/consumer/main.cpp" $flags -o "$work/consumer-pc"
"$work/consumer-pc" >/dev/null
echo "build-package: $(basename "$deb") built, lintian clean of errors, installed, and both consumers built and ran"
