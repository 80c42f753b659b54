#!/usr/bin/env bash
# The npm/Node part of the test command (deploy/test.sh runs `bash web/test.sh`):
#   1. npm ci in web/;
#   2. the committed web/dist must be byte-identical to what the sources build;
#   3. Debian's chromium is installed if /usr/bin/chromium is missing (CI is root);
#   4. the chainkg binary serves the bundled data on a free loopback port, and
#      e2e/audit.mjs (graphql-http's auditServer) and e2e/graphiql.mjs (headless
#      Chromium via playwright-core, network to anything else blocked) run against it,
#      with e2e/examples.mjs, which runs every example tab of the page.
# Set CHAINKG_URL=http://HOST:PORT to test an already running server instead of (4)'s.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/chainkg-webtest.XXXXXX")"
server_pid=""
failures=()

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# up URL: true once URL answers 2xx (curl when present, else Node's fetch).
up() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else
    node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$1"
  fi
}

step() { printf '\n== web: %s\n' "$*"; }
die() { echo "web/test.sh: $*" >&2; exit 1; }

cd "$here"

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"

step "web/dist is what web/ builds"
start=$(date +%s)
npx --no-install vite build --outDir "$tmp/dist" --emptyOutDir --logLevel warn \
  || die "vite build failed"
echo "built in $(( $(date +%s) - start )) s"
if ! diff -r "$tmp/dist" "$here/dist" >"$tmp/dist.diff" 2>&1; then
  head -20 "$tmp/dist.diff"
  die "the committed web/dist differs from what the sources in web/ build: run 'make web' (bash web/build.sh) and commit web/dist"
fi
echo "web/dist matches the build ($(find "$here/dist" -type f | wc -l) files, $(du -sk "$here/dist" | cut -f1) KiB)"

if [[ ! -x /usr/bin/chromium ]]; then
  step "install Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium >"$tmp/apt.log" 2>&1; } \
    || { tail -20 "$tmp/apt.log" 2>/dev/null; die "apt-get install chromium failed"; }
  [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium still missing after apt-get install"
fi
/usr/bin/chromium --version 2>/dev/null || true

if [[ -n "${CHAINKG_URL:-}" ]]; then
  base="${CHAINKG_URL%/}"
  step "testing the server at $base"
else
  step "build and start chainkg serve"
  (cd "$repo" && go build -o "$tmp/chainkg" ./cmd/chainkg) || die "go build ./cmd/chainkg failed"
  port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  base="http://127.0.0.1:$port"
  # --neo4j= : the embedded store with the bundled data even when deploy/test.sh
  # exported NEO4J_URI for the Go tests (that database is theirs, and wiped).
  (cd "$repo" && exec env -u NEO4J_URI "$tmp/chainkg" serve --addr "127.0.0.1:$port" --neo4j=) \
    >"$tmp/server.log" 2>&1 &
  server_pid=$!
  ready=""
  for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if up "$base/healthz"; then ready=1; break; fi
    sleep 0.1
  done
  if [[ -z "$ready" ]]; then
    tail -40 "$tmp/server.log"
    die "chainkg serve did not answer $base/healthz within 60 s"
  fi
  echo "chainkg serve is up on $base (pid $server_pid)"
fi

step "graphql-http audit of $base/graphql"
node e2e/audit.mjs "$base/graphql" || failures+=("graphql-http audit")

step "the example tabs GraphiQL opens with"
node e2e/examples.mjs "$base" || failures+=("GraphiQL example queries")

step "GraphiQL in headless Chromium"
mkdir -p "$here/.build"  # gitignored; the screenshot stays there for a look
node e2e/graphiql.mjs "$base" "$here/.build/graphiql-e2e.png" || failures+=("GraphiQL browser test")

if [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null; then
  failures+=("chainkg serve died during the tests")
fi
if (( ${#failures[@]} )); then
  if [[ -n "$server_pid" ]]; then echo "--- server log (last 40 lines)"; tail -40 "$tmp/server.log"; fi
  die "failed: ${failures[*]}"
fi
echo "web: all checks passed"
