#!/usr/bin/env bash
# Runs a test of many servers (tests/real_server/test_real_fleet.cpp), which starts, kills and
# restarts its own llama-servers (and HAProxy): this finds the programs and names them in the
# environment the test reads.
#
#   with_llama_fleet.sh BINARY SHARED_DIR HAPROXY COMMAND...
#
# BINARY     llama-server b10156; "" looks in $INSTRUCTOR_LLAMA_SERVER_B10156, then in the build cache
#            .ci/run fills: ${XDG_CACHE_HOME:-$HOME/.cache}/instructor-cpp/llama.cpp/b10156/bin/llama-server
# SHARED_DIR the project's ../shared (the model)
# HAPROXY    "" for a test without HAProxy; else the haproxy to use ("haproxy": the one on PATH, or
#            /usr/sbin/haproxy, Debian's place for it)
#
# Exit 77 (CTest: skipped) when a program or the model is missing, with a line saying why.
set -euo pipefail

binary=${1-}
shared=${2:?usage: with_llama_fleet.sh BINARY SHARED_DIR HAPROXY COMMAND...}
haproxy=${3-}
shift 3

[[ -n $binary ]] || binary=${INSTRUCTOR_LLAMA_SERVER_B10156-}
[[ -n $binary ]] || binary=${XDG_CACHE_HOME:-$HOME/.cache}/instructor-cpp/llama.cpp/b10156/bin/llama-server
if [[ ! -x $binary ]]; then
  echo "SKIPPED: no llama-server b10156 at $binary; build one with" \
       "'$shared/llama.cpp/build.sh b10156-91f8c9c5 <dir>' and set INSTRUCTOR_LLAMA_SERVER_B10156"
  exit 77
fi
model=$shared/models/stories260K.gguf
[[ -f $model ]] || { echo "SKIPPED: no model at $model"; exit 77; }
export INSTRUCTOR_FLEET_LLAMA_SERVER=$binary INSTRUCTOR_FLEET_MODEL=$model

if [[ -n $haproxy ]]; then
  if [[ $haproxy == haproxy ]]; then
    haproxy=$(command -v haproxy || true)
    [[ -n $haproxy || ! -x /usr/sbin/haproxy ]] || haproxy=/usr/sbin/haproxy
  fi
  if [[ -z $haproxy || ! -x $haproxy ]]; then
    echo "SKIPPED: no haproxy (Debian: apt-get install haproxy, which .ci/install-deps does)"
    exit 77
  fi
  export INSTRUCTOR_FLEET_HAPROXY=$haproxy
fi
exec "$@"
