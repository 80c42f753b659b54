#!/usr/bin/env bash
# Rebuild the embedded GraphiQL bundle (web/dist) from the sources in web/.
# Needs Node 20+ and npm; `make web` runs it. Extra arguments go to `vite build`
# (web/test.sh passes --outDir to build a copy elsewhere and compare).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install vite build "$@"
