#!/usr/bin/env bash
# Runs the README's worked token example (the sh block after "*Worked example*") against a real
# server: both tokens it mints, openssl's and python3-jwt's, must get a 200 as jwt:my-app.
#   tests/readme_token_example.sh REELSTAT_BINARY SOURCE_DIR
set -euo pipefail
reelstat=$1 source_dir=$2
work=$(mktemp -d /tmp/reelstat-readme-token.XXXXXX)
server_pid=
cleanup() {
  # The example's server, also when the example failed before it was known here.
  [ -n "$server_pid" ] || server_pid=$(cat "$work/server.pid" 2>/dev/null || true)
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"$reelstat" ingest "$source_dir/tests/data/movies_metadata.sample.csv" --data-dir data >/dev/null 2>&1
# The block, with the server given a data dir and a port of its own (any free one, which it names
# when it listens: a port guessed at random could be taken), and every curl printing its status.
/usr/bin/python3 - "$source_dir/README.md" "$reelstat" > example.sh <<'PY'
import re, sys
readme, binary = sys.argv[1], sys.argv[2]
text = open(readme).read()
block = re.search(r"\*Worked example\*.*?```sh\n(.*?)```", text, re.S).group(1)
block = block.replace("reelstat serve --config serve.toml &",
                      f"{binary} serve --data-dir data --listen 127.0.0.1:0 --config serve.toml >access.log 2>serve.err &\n"
                      "echo $! > server.pid\n"
                      # Ready when it answers, not after a guess: under CI's load a second was too short.
                      # At most 20 s, and no longer than the server lives.
                      "port=\n"
                      "for _ in $(seq 200); do\n"
                      "  port=$(sed -n 's|.*listening on http://127.0.0.1:\\([0-9]*\\).*|\\1|p' serve.err)\n"
                      "  [ -z \"$port\" ] || ! curl -s -o /dev/null http://127.0.0.1:$port/healthz || break\n"
                      "  kill -0 \"$(cat server.pid)\" 2>/dev/null || { echo 'the server stopped'; exit 1; }\n"
                      "  sleep 0.1\n"
                      "done\n")
block = block.replace("http://127.0.0.1:8080", "http://127.0.0.1:$port")
block = block.replace("python3 -c", "/usr/bin/python3 -c")
block = block.replace("curl -H", "curl -s -o /dev/null -w 'status %{http_code}\\n' -H")
# The openssl token is checked too, before the Python one replaces it.
block = block.replace('TOKEN="$header.$payload.$sig"\n',
                      'TOKEN="$header.$payload.$sig"\n'
                      "curl -s -o /dev/null -w 'status %{http_code}\\n' -H \"Authorization: Bearer $TOKEN\" "
                      "http://127.0.0.1:$port/v1/genres\n")
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
