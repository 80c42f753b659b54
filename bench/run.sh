#!/usr/bin/env bash
# Side-by-side load benchmark into a real Neo4j 5.26 (bench/README.md):
# the same synthetic dataset (chainkg gen), the same CSV files, loaded
#   (a) by `chainkg load --neo4j URI DIR` and
#   (b) by Neo4j's own LOAD CSV ... CALL (row) { MERGE ... } IN TRANSACTIONS
#       (bench/loadcsv builds the statements from dataset.yaml and graph.Kinds),
# each into an empty database (a fresh data dir, then `chainkg migrate` for the
# same constraints and indexes), then prints rows/s of each and the ratio.
#
#   bash bench/run.sh [--enterprises N] [--seed S] [--batch B] [--runs R] [--keep] [--base BIN] [--warm [--warmup K]]
#
# --base BIN also loads with another chainkg binary (e.g. one built from an
# earlier commit) in the same runs, for a side-by-side before/after.
# --warm loads into one running server: after K (default 2) untimed rounds
# of loads with every method (the JVM's JIT warm-up), every timed load
# starts from a graph emptied by `loadcsv -wipe` (schema kept) instead of
# from a newly started server.
#
# It starts its own Neo4j on BENCH_NEO4J_PORT (default 7688) with its data under
# bench/out/ (gitignored) and stops it at the end; the shared server on 7687 is
# not touched. NEO4J_HEAP / NEO4J_PAGECACHE (default 1g each) size it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

N=100000
SEED=1
BATCH=5000
RUNS=1
KEEP=0
BASE=""
WARM=0
WARMUP=2
while (($#)); do
	case $1 in
	--enterprises | -n) N=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--batch) BATCH=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--base) BASE=$(realpath "$2"); shift 2 ;;
	--warm) WARM=1; shift ;;
	--warmup) WARMUP=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
done

OUT=$REPO/bench/out
DS=$OUT/dataset-$N-seed$SEED
BIN=$OUT/bin
RES=$OUT/results-$N
PORT=${BENCH_NEO4J_PORT:-7688}
[[ $PORT != 7687 ]] || { echo "bench/run.sh: 7687 is the shared test server; pick another BENCH_NEO4J_PORT" >&2; exit 2; }
export NEO4J_PORT=$PORT
export NEO4J_DATA_DIR=$OUT/neo4j-$PORT
export NEO4J_IMPORT_DIR=$DS # LOAD CSV's file:/// root is the dataset directory itself
export NEO4J_PASSWORD=${BENCH_NEO4J_PASSWORD:-chainkg-bench}
export NEO4J_USERNAME=neo4j
export NEO4J_URI=bolt://127.0.0.1:$PORT
NEO4J_SH=$REPO/deploy/neo4j/neo4j.sh
unset NEO4J_CONF_EXTRA

log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
now() { date +%s.%N; }

stop_server() { bash "$NEO4J_SH" down >/dev/null 2>&1 || true; }
trap stop_server EXIT

mkdir -p "$BIN" "$RES"
log "building chainkg and bench/loadcsv"
go build -o "$BIN/chainkg" ./cmd/chainkg
go build -o "$BIN/loadcsv" ./bench/loadcsv
go build -o "$BIN/probe" ./deploy/neo4j/probe

if [[ -f $DS/dataset.yaml && $KEEP == 1 ]]; then
	log "reusing $DS"
else
	log "generating $N enterprises (seed $SEED) into $DS"
	rm -rf "$DS"
	"$BIN/chainkg" gen --enterprises "$N" --seed "$SEED" --out "$DS" >&2
fi
# Rows as the CSV parser counts them (nodes + edges), the same for both loaders.
"$BIN/loadcsv" -dir "$DS" -batch "$BATCH" -print >"$RES/loadcsv.cypher"
ROWS=$(sed -n 's|^// .* (\([0-9]*\) rows)$|\1|p' "$RES/loadcsv.cypher" | paste -sd+ | bc)
NODE_ROWS=$(sed -n 's|^// nodes/.* (\([0-9]*\) rows)$|\1|p' "$RES/loadcsv.cypher" | paste -sd+ | bc)
log "dataset: $ROWS rows ($NODE_ROWS node rows, $((ROWS - NODE_ROWS)) edge rows), $(du -sh "$DS/" | cut -f1)"

# fresh: an empty database with chainkg's schema (constraints, range and
# full-text indexes), on a newly started server.
fresh() {
	stop_server
	rm -rf "$NEO4J_DATA_DIR"
	bash "$NEO4J_SH" up >/dev/null
	"$BIN/chainkg" migrate --neo4j "$NEO4J_URI" >/dev/null
}

counts() { # prints "nodes rels"
	local n r
	n=$("$BIN/probe" 'MATCH (n:Node) RETURN count(n) AS c' | tr -dc 0-9)
	r=$("$BIN/probe" 'MATCH ()-[r]->() RETURN count(r) AS c' | tr -dc 0-9)
	echo "$n $r"
}

# sample: the first nodes and SUPPLIES/OPERATES_IN edges by id with all their
# labels and properties (JSON with sorted keys), less chainkg's content hash
# `_h`, so the two loaders' graphs can be compared value by value.
sample() {
	"$BIN/probe" 'MATCH (n:Node) WITH n ORDER BY n.id LIMIT 300 RETURN labels(n) AS l, properties(n) AS p'
	"$BIN/probe" 'MATCH (n:Enterprise) WITH n ORDER BY n.id DESC LIMIT 300 RETURN labels(n) AS l, properties(n) AS p'
	"$BIN/probe" 'MATCH (a:Node)-[r]->(b:Node) WITH a, r, b ORDER BY a.id, type(r), b.id LIMIT 600 RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p'
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

load_cmd() { # method -> the command that loads with it
	case $1 in
	chainkg) cmd=("$BIN/chainkg" load --neo4j "$NEO4J_URI" --batch "$BATCH" --json "$DS") ;;
	base) cmd=("$BASE" load --neo4j "$NEO4J_URI" --batch "$BATCH" --json "$DS") ;;
	*) cmd=("$BIN/loadcsv" -dir "$DS" -batch "$BATCH" -json) ;;
	esac
}

declare -A SECS=() CNT=() SCPU=() CCPU=() LOADAVG=()
METHODS=(chainkg loadcsv)
[[ -z $BASE ]] || METHODS=(base chainkg loadcsv)
if ((WARM)); then
	log "warm: one server on $NEO4J_URI for every run; $WARMUP untimed warm-up rounds first"
	fresh
	for ((w = 1; w <= WARMUP; w++)); do
		for method in "${METHODS[@]}"; do
			load_cmd "$method"
			t0=$(now)
			"${cmd[@]}" >/dev/null 2>"$RES/$method-warmup.err" || { cat "$RES/$method-warmup.err" >&2; exit 1; }
			log "warm-up $w: $method: $(printf '%.1f' "$(echo "$(now) - $t0" | bc -l)") s"
			"$BIN/loadcsv" -wipe
		done
	done
fi
for ((run = 1; run <= RUNS; run++)); do
	# Run r starts with the r-th method (cyclically), so that no method
	# always loads first, or always right after the same other one.
	order=()
	for ((i = 0; i < ${#METHODS[@]}; i++)); do
		order+=("${METHODS[(run - 1 + i) % ${#METHODS[@]}]}")
	done
	for method in "${order[@]}"; do
		if ((WARM)); then
			log "run $run: $method: emptying the graph (loadcsv -wipe)"
			"$BIN/loadcsv" -wipe
		else
			log "run $run: $method: starting an empty Neo4j on $NEO4J_URI"
			fresh
		fi
		pid=$(<"$NEO4J_DATA_DIR/neo4j.pid")
		log "run $run: $method: loading (load average $(cut -d' ' -f1-3 /proc/loadavg))"
		c0=$(cpu_ticks "$pid")
		load_cmd "$method"
		TIMEFORMAT='%R %U %S'
		if ! { time "${cmd[@]}" >"$RES/$method-$run.json" 2>"$RES/$method-$run.err"; } 2>"$RES/$method-$run.time"; then
			cat "$RES/$method-$run.err" >&2
			log "run $run: $method failed (${cmd[*]})"
			exit 1
		fi
		c1=$(cpu_ticks "$pid")
		read -r s cu cs <"$RES/$method-$run.time"
		SECS[$method-$run]=$s
		SCPU[$method-$run]=$(echo "($c1 - $c0) / $TICK" | bc -l)
		CCPU[$method-$run]=$(echo "$cu + $cs" | bc -l)
		LOADAVG[$method-$run]=$(cut -d' ' -f1 /proc/loadavg)
		c=$(counts)
		sample | sed -E 's/"_h":"[0-9a-f]*",?//; s/,\}/}/' >"$RES/$method-$run.sample"
		CNT[$method-$run]=$c
		rss=$(ps -o rss= -p "$pid" | tr -d ' ')
		log "run $run: $method: $(printf '%.1f' "$s") s wall, Neo4j CPU $(printf '%.1f' "${SCPU[$method-$run]}") s, client CPU $(printf '%.1f' "${CCPU[$method-$run]}") s, graph: ${c% *} nodes, ${c#* } relationships, Neo4j RSS $((rss / 1024)) MiB"
	done
done

best() { # method -> lowest seconds over the runs
	local m=$1 b="" r s
	for ((r = 1; r <= RUNS; r++)); do
		s=${SECS[$m-$r]}
		if [[ -z $b ]] || (($(echo "$s < $b" | bc -l))); then b=$s; fi
	done
	echo "$b"
}

best_cpu() { # method -> lowest Neo4j + client CPU seconds over the runs
	local m=$1 b="" r s
	for ((r = 1; r <= RUNS; r++)); do
		s=$(echo "${SCPU[$m-$r]} + ${CCPU[$m-$r]}" | bc -l)
		if [[ -z $b ]] || (($(echo "$s < $b" | bc -l))); then b=$s; fi
	done
	echo "$b"
}

median() { # method -> median seconds over the runs
	local m=$1 r
	for ((r = 1; r <= RUNS; r++)); do echo "${SECS[$m-$r]}"; done | sort -g |
		awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'
}

paired() { # method -> per run, LOAD CSV's seconds / the method's (runs alternate, so each pair shares the machine's state)
	local m=$1 r out=""
	for ((r = 1; r <= RUNS; r++)); do
		out+=$(printf ' %.2f' "$(echo "${SECS[loadcsv-$r]} / ${SECS[$m-$r]}" | bc -l)")
	done
	echo "${out# }"
}

status=0
printf '\nLoad of %d enterprises (seed %d): %d rows (%d nodes, %d edges), batch %d, %s, %s, Neo4j %s\n' \
	"$N" "$SEED" "$ROWS" "$NODE_ROWS" "$((ROWS - NODE_ROWS))" "$BATCH" "$( ((WARM)) && echo "warm server (--warm)" || echo "a fresh server per load")" "$(date -u +%FT%TZ)" \
	"$(grep -o '<neo4j.version>[^<]*' deploy/neo4j/pom.xml | cut -d'>' -f2)"
printf '%-30s %3s %8s %8s %9s %9s %8s %8s %8s\n' method run wall-s rows/s neo4j-cpu client-cpu rows/cpu-s nodes rels
for method in "${METHODS[@]}"; do
	label="chainkg load"
	[[ $method == loadcsv ]] && label="LOAD CSV ... IN TRANSACTIONS"
	[[ $method == base ]] && label="chainkg load (--base)"
	for ((run = 1; run <= RUNS; run++)); do
		s=${SECS[$method-$run]}
		c=${CNT[$method-$run]}
		cpu=$(echo "${SCPU[$method-$run]} + ${CCPU[$method-$run]}" | bc -l)
		printf '%-30s %3d %8.1f %8.0f %9.1f %9.1f %8.0f %8s %8s   (load avg %s)\n' "$label" "$run" "$s" "$(echo "$ROWS / $s" | bc -l)" \
			"${SCPU[$method-$run]}" "${CCPU[$method-$run]}" "$(echo "$ROWS / $cpu" | bc -l)" "${c% *}" "${c#* }" "${LOADAVG[$method-$run]}"
	done
done
a=$(best chainkg)
b=$(best loadcsv)
printf '\nbest wall clock: chainkg load %.0f rows/s, LOAD CSV %.0f rows/s, ratio chainkg/LOAD CSV = %.2f\n' \
	"$(echo "$ROWS / $a" | bc -l)" "$(echo "$ROWS / $b" | bc -l)" "$(echo "$b / $a" | bc -l)"
a=$(median chainkg)
b=$(median loadcsv)
printf 'median wall clock: chainkg load %.1f s, LOAD CSV %.1f s, ratio = %.2f; per run (LOAD CSV s / chainkg s): %s\n' \
	"$a" "$b" "$(echo "$b / $a" | bc -l)" "$(paired chainkg)"
a=$(best_cpu chainkg)
b=$(best_cpu loadcsv)
printf 'least CPU (Neo4j + client): chainkg load %.0f rows/cpu-s, LOAD CSV %.0f rows/cpu-s, ratio = %.2f\n' \
	"$(echo "$ROWS / $a" | bc -l)" "$(echo "$ROWS / $b" | bc -l)" "$(echo "$b / $a" | bc -l)"
# Per file, seconds (the big ones, and everything else summed): chainkg's
# per-kind report times the first batch's start to the last batch's end;
# LOAD CSV's is the statement of that file.
printf '\nper file (s): %s\n' "Enterprise OPERATES_IN SUPPLIES LOCATED_IN RESEARCHES COOPERATES_WITH rest other"
for method in "${METHODS[@]}"; do
	for ((run = 1; run <= RUNS; run++)); do
		f=$RES/$method-$run.json
		if [[ $method == loadcsv ]]; then
			jq -r --arg m "$method-$run" '[.files[] | {k: (.file | sub("^.*/"; "") | sub("\\.csv$"; "")), s: .seconds}] as $f
				| ["Enterprise","OPERATES_IN","SUPPLIES","LOCATED_IN","RESEARCHES","COOPERATES_WITH"] as $big
				| [$m] + [$big[] as $b | ($f[] | select(.k == $b) | .s * 10 | round / 10)]
				+ [([$f[] | select(.k as $k | $big | index($k) | not) | .s] | add * 10 | round / 10), "0"] | @tsv' "$f"
		else
			jq -r --arg m "$method-$run" '[(.nodes + .edges)[] | {k: .kind, s: .seconds}] as $f
				| ["Enterprise","OPERATES_IN","SUPPLIES","LOCATED_IN","RESEARCHES","COOPERATES_WITH"] as $big
				| [$m] + [$big[] as $b | ($f[] | select(.k == $b) | .s * 10 | round / 10)]
				+ [([$f[] | select(.k as $k | $big | index($k) | not) | .s] | add * 10 | round / 10)]
				+ [((.seconds - ([$f[].s] | add)) * 10 | round / 10)] | @tsv' "$f"
		fi
	done
done | column -t
echo "(rest: the other files summed; other: chainkg's whole time less its per-kind times: validation before the first write, store checks, gaps; negative when two writers overlap files)"
if [[ -n $BASE ]]; then
	a=$(best base)
	b=$(best loadcsv)
	printf 'best wall clock: --base %.0f rows/s, ratio --base/LOAD CSV = %.2f; ' "$(echo "$ROWS / $a" | bc -l)" "$(echo "$b / $a" | bc -l)"
	a=$(best_cpu base)
	b=$(best_cpu loadcsv)
	printf 'least CPU ratio --base/LOAD CSV = %.2f\n' "$(echo "$b / $a" | bc -l)"
	printf 'median wall clock ratio --base/LOAD CSV = %.2f; per run: %s\n' "$(echo "$(median loadcsv) / $(median base)" | bc -l)" "$(paired base)"
fi
for ((run = 1; run <= RUNS; run++)); do
	if [[ ${CNT[chainkg-$run]} != "${CNT[loadcsv-$run]}" ]]; then
		echo "MISMATCH: run $run: chainkg load gave ${CNT[chainkg-$run]}, LOAD CSV ${CNT[loadcsv-$run]} (nodes rels)" >&2
		status=1
	fi
	if ! cmp -s "$RES/chainkg-$run.sample" "$RES/loadcsv-$run.sample"; then
		echo "MISMATCH: run $run: the sampled nodes/edges differ (diff $RES/chainkg-$run.sample $RES/loadcsv-$run.sample)" >&2
		status=1
	else
		echo "same graph: node and relationship counts equal; $(wc -l <"$RES/chainkg-$run.sample") sampled nodes/edges identical in labels and properties (less chainkg's _h hash)"
	fi
done
log "reports: $RES"
exit $status
