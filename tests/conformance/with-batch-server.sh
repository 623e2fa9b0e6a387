#!/usr/bin/env bash
# Runs a command against the loopback batch server (batch-server.mjs), started on 127.0.0.1, and
# stops the server afterwards. The command finds it in INSTRUCTOR_BATCH_SERVER_URL
# (http://127.0.0.1:PORT, no path). When INSTRUCTOR_LLAMA_SERVER_URL is set (with_llama_server.sh
# around this script), the server runs each line on that real llama-server.
#
#   with-batch-server.sh NODE SERVER_DIR SPECS_DIR COMMAND...
#
# Exit 77 (CTest: skipped) when node, the server's npm packages or the specs are missing.
set -euo pipefail
node=${1:?usage: with-batch-server.sh NODE SERVER_DIR SPECS_DIR COMMAND...}
dir=${2:?}
specs=${3:?}
shift 3
[[ -x $node ]] || { echo "SKIPPED: no node at '$node' (install Debian's nodejs and npm)"; exit 77; }
[[ -d $dir/node_modules/ajv ]] || { echo "SKIPPED: no npm packages in $dir (the conformance.npm_ci test installs them)"; exit 77; }
[[ -d $specs ]] || { echo "SKIPPED: specs folder $specs not found"; exit 77; }

engine=()
[[ -n ${INSTRUCTOR_LLAMA_SERVER_URL-} ]] && engine=(--engine "$INSTRUCTOR_LLAMA_SERVER_URL")
log=$(mktemp "${TMPDIR:-/tmp}/batch-server.XXXXXX.log")
server=
stop_server() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap stop_server EXIT
"$node" "$dir/batch-server.mjs" "$specs" "${engine[@]}" >"$log" 2>&1 &
server=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/^batch-server listening on \([0-9]*\)$/\1/p' "$log")
  [[ -n $port ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "batch-server exited"; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { cat "$log"; echo "batch-server did not start within 30 s"; exit 1; }
export INSTRUCTOR_BATCH_SERVER_URL=http://127.0.0.1:$port
set +e
"$@"
status=$?
set -e
if [[ $status -ne 0 ]]; then echo "--- batch-server log"; tail -n 40 "$log"; fi
exit $status
