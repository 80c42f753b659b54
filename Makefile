# chainkg: the commands the README names. `make test` is what CI runs.
SHELL := /bin/bash

.PHONY: test test-go neo4j-up neo4j-down serve build bench web

## test: vet, every Go test with -race on both stores (starts a local Neo4j
## when NEO4J_URI is unset, stops it afterwards), then the HTTP/browser checks.
test:
	bash deploy/test.sh

## test-go: only the Go tests, against whatever NEO4J_URI points at.
test-go:
	go vet ./... && go test -race -count=1 ./...

## neo4j-up / neo4j-down: a real Neo4j 5.26 Community server on loopback,
## fetched from Maven Central (deploy/neo4j/README.md).
neo4j-up:
	bash deploy/neo4j/neo4j.sh up

neo4j-down:
	bash deploy/neo4j/neo4j.sh down

## serve: the GraphQL server on the embedded store with the bundled data.
serve:
	go run ./cmd/chainkg serve

build:
	go build -o bin/chainkg ./cmd/chainkg

## web: rebuild the embedded GraphiQL bundle from web/ (needs Node 20 + npm).
web:
	bash web/build.sh

## bench: side-by-side benchmarks (see bench/README.md).
bench:
	bash bench/run.sh
