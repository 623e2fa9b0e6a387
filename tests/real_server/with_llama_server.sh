#!/usr/bin/env bash
# Runs a command against a real llama.cpp server (llama-server) started on 127.0.0.1 with a tiny
# model, and stops the server afterwards. The command finds the server in its environment:
#   INSTRUCTOR_LLAMA_SERVER_URL      base URL, e.g. http://127.0.0.1:41234 (no /v1)
#   INSTRUCTOR_LLAMA_SERVER_VERSION  b4748 | b10156 | custom
# and starts it with a thinking chat template and its reasoning parser on when
# INSTRUCTOR_LLAMA_SERVER_THINKING is set.
#
#   with_llama_server.sh VERSION BINARY SHARED_DIR COMMAND...
#
# VERSION   b4748 (Feb 2025) or b10156 (Jul 2026): which start command and which expectations.
# BINARY    the llama-server to start; "" looks in $INSTRUCTOR_LLAMA_SERVER_<VERSION> (for example
#           INSTRUCTOR_LLAMA_SERVER_B4748), then in the build cache .ci/run fills:
#           ${XDG_CACHE_HOME:-$HOME/.cache}/instructor-cpp/llama.cpp/VERSION/bin/llama-server
# SHARED_DIR the project's ../shared (the model and the chat templates)
#
# A user's own running server: set INSTRUCTOR_LLAMA_SERVER_URL (and, to hold it to one version's
# expectations, INSTRUCTOR_LLAMA_SERVER_VERSION) before running ctest; nothing is started then.
# Exit 77 (CTest: skipped) when there is no server to run against, with a line saying why.
set -euo pipefail

version=${1:?usage: with_llama_server.sh VERSION BINARY SHARED_DIR COMMAND...}
binary=${2-}
shared=${3:?usage: with_llama_server.sh VERSION BINARY SHARED_DIR COMMAND...}
shift 3

if [[ -n ${INSTRUCTOR_LLAMA_SERVER_URL-} ]]; then
  export INSTRUCTOR_LLAMA_SERVER_VERSION=${INSTRUCTOR_LLAMA_SERVER_VERSION:-custom}
  echo "real-server: using the running server at $INSTRUCTOR_LLAMA_SERVER_URL ($INSTRUCTOR_LLAMA_SERVER_VERSION)"
  exec "$@"
fi

variable=INSTRUCTOR_LLAMA_SERVER_${version^^}
[[ -n $binary ]] || binary=${!variable-}
[[ -n $binary ]] || binary=${XDG_CACHE_HOME:-$HOME/.cache}/instructor-cpp/llama.cpp/$version/bin/llama-server
if [[ ! -x $binary ]]; then
  echo "SKIPPED: no llama-server $version at $binary; build one with" \
       "'$shared/llama.cpp/build.sh <snapshot> <dir>' and set $variable, or set INSTRUCTOR_LLAMA_SERVER_URL"
  exit 77
fi
model=$shared/models/stories260K.gguf
[[ -f $model ]] || { echo "SKIPPED: no model at $model"; exit 77; }

# The start commands of shared/llama.cpp/README.md. -n bounds a reply whose request does not, and
# --seed makes a request that names no seed (extract) sample the same way on every run.
# INSTRUCTOR_LLAMA_SERVER_SLOTS: requests the server decodes at once (-np), 1 unless set.
slots=${INSTRUCTOR_LLAMA_SERVER_SLOTS:-1}
common=(-m "$model" --host 127.0.0.1 -c $((4096 * slots)) -np "$slots" -t 1 --alias stories260K -n 512 --seed 7)
case $version in
  b4748) args=(--jinja --chat-template chatml) ;;
  b10156) args=(--chat-template-file
                "$shared/llama.cpp/b10156-91f8c9c5/models/templates/CohereForAI-c4ai-command-r-plus-tool_use.jinja"
                --override-kv llama.context_length=int:4096) ;;
  *) echo "with_llama_server.sh: unknown version $version" >&2; exit 2 ;;
esac
# INSTRUCTOR_LLAMA_SERVER_CHAT_TEMPLATE: a built-in template by name instead (b10156's tool-use
# template makes every reply about 20 times slower to serve; tests without tools need none).
if [[ -n ${INSTRUCTOR_LLAMA_SERVER_CHAT_TEMPLATE-} && $version == b10156 ]]; then
  args=(--chat-template "$INSTRUCTOR_LLAMA_SERVER_CHAT_TEMPLATE" --override-kv llama.context_length=int:4096)
fi
# INSTRUCTOR_LLAMA_SERVER_THINKING=1: a thinking chat template (DeepSeek-R1's, which leaves <think>
# open at the end of the prompt) and the server's reasoning parser on.
if [[ -n ${INSTRUCTOR_LLAMA_SERVER_THINKING-} ]]; then
  case $version in
    b4748) args=(--jinja --reasoning-format deepseek --chat-template-file
                 "$shared/llama.cpp/b4748-c392e50/models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja") ;;
    b10156) args=(--reasoning-format deepseek --override-kv llama.context_length=int:4096 --chat-template-file
                  "$shared/llama.cpp/b10156-91f8c9c5/models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja") ;;
  esac
fi

log=$(mktemp "${TMPDIR:-/tmp}/llama-server-$version.XXXXXX.log")
server=
stop_server() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap stop_server EXIT

# GET /health answers 200 once the model is loaded (503 while loading). Bash's /dev/tcp, so that no
# HTTP client program is needed.
healthy() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 2 line <&3 || line=
  exec 3<&-
  [[ $line == *" 200 "* ]]
}

# A free port: try a few at random in the ephemeral range, since two tests may start servers at once.
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  "$binary" "${common[@]}" "${args[@]}" --port "$port" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do  # up to 30 s: loading the model takes about a second
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    if healthy "$port"; then
      export INSTRUCTOR_LLAMA_SERVER_URL=http://127.0.0.1:$port
      export INSTRUCTOR_LLAMA_SERVER_VERSION=$version
      echo "real-server: llama-server $version on port $port (pid $server)"
      status=0
      "$@" || status=$?
      exit $status
    fi
    sleep 0.1
  done
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
  if grep -q "couldn't bind\|Address already in use" "$log"; then continue; fi
  echo "with_llama_server.sh: llama-server $version did not become ready; its log:" >&2
  tail -n 30 "$log" >&2
  exit 1
done
echo "with_llama_server.sh: no free port found for llama-server" >&2
exit 1
