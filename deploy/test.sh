#!/usr/bin/env bash
# `make test`: every check CI runs, from a fresh clone on a fresh machine.
#   1. go vet ./...
#   2. a real Neo4j 5.26 (deploy/neo4j, fetched from Maven Central) unless
#      NEO4J_URI points at one already; stopped again at the end
#   3. go test -race ./... : unit tests, the conformance suite on the embedded
#      store and on Neo4j (with CI set, a skipped Neo4j test is a failure),
#      golden GraphQL tests on both stores, loaders, analyses
#   4. web/test.sh: the embedded GraphiQL bundle is what web/ builds, the
#      graphql-http audit against a live server, headless Chromium on GraphiQL
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start ))s)"; }

export NEO4J_USERNAME="${NEO4J_USERNAME:-neo4j}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-chainkg-local}"

step "go vet ./..."
go vet ./...

if [ -z "${NEO4J_URI:-}" ]; then
  # A dedicated test server (own port and data dir): the tests wipe the
  # database, so they must never run against a developer's loaded server.
  export NEO4J_PORT="${CHAINKG_TEST_NEO4J_PORT:-7697}"
  export NEO4J_DATA_DIR="${CHAINKG_TEST_NEO4J_DATA_DIR:-$PWD/.neo4j/test-$NEO4J_PORT}"
  step "starting Neo4j for the tests on port $NEO4J_PORT"
  trap 'bash deploy/neo4j/neo4j.sh down || true' EXIT
  bash deploy/neo4j/neo4j.sh up
  export NEO4J_URI="bolt://127.0.0.1:$NEO4J_PORT"
fi
echo "Neo4j tests run against $NEO4J_URI"

step "go test -race ./..."
go test -race -count=1 -timeout 20m ./...

step "web: bundle, graphql-http audit, headless Chromium"
bash web/test.sh

step "all checks passed"
