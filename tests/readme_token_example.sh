#!/usr/bin/env bash
# Runs the README's worked token example (the sh block after "*Worked example*") against a real
# server: both tokens it mints, openssl's and python3-jwt's, must get a 200 as jwt:my-app.
#   tests/readme_token_example.sh REELSTAT_BINARY SOURCE_DIR
set -euo pipefail
reelstat=$1 source_dir=$2
work=$(mktemp -d /tmp/reelstat-readme-token.XXXXXX)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"$reelstat" ingest "$source_dir/tests/data/movies_metadata.sample.csv" --data-dir data >/dev/null 2>&1
port=$((20000 + RANDOM % 20000))
# The block, with the server given a data dir and a port of its own, and every curl printing its status.
/usr/bin/python3 - "$source_dir/README.md" "$reelstat" "$port" > example.sh <<'PY'
import re, sys
readme, binary, port = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(readme).read()
block = re.search(r"\*Worked example\*.*?```sh\n(.*?)```", text, re.S).group(1)
block = block.replace("reelstat serve --config serve.toml &",
                      f"{binary} serve --data-dir data --listen 127.0.0.1:{port} --config serve.toml >access.log 2>serve.err &\n"
                      "echo $! > server.pid\n"
                      # Ready when it answers, not after a guess: under CI's load a second was too short.
                      f"for _ in $(seq 200); do curl -s -o /dev/null http://127.0.0.1:{port}/healthz && break; sleep 0.1; done")
block = block.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}")
block = block.replace("python3 -c", "/usr/bin/python3 -c")
block = block.replace("curl -H", "curl -s -o /dev/null -w 'status %{http_code}\\n' -H")
# The openssl token is checked too, before the Python one replaces it.
block = block.replace('TOKEN="$header.$payload.$sig"\n',
                      'TOKEN="$header.$payload.$sig"\n'
                      f"curl -s -o /dev/null -w 'status %{{http_code}}\\n' -H \"Authorization: Bearer $TOKEN\" "
                      f"http://127.0.0.1:{port}/v1/genres\n")
print("set -euo pipefail\n" + block)
PY
out=$(bash example.sh 2>&1) || { echo "$out"; cat serve.err; exit 1; }
server_pid=$(cat server.pid)
echo "$out"
[ "$(grep -c '^status 200$' <<<"$out")" = 2 ] || { echo "FAIL: both tokens should get a 200"; cat serve.err; exit 1; }
kill "$server_pid"  # the access log is written in batches: stop the server to have all of it
for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
server_pid=
grep -q '"key":"jwt:my-app"' access.log || { echo "FAIL: jwt:my-app not logged"; exit 1; }
echo "the README's token example works"
