#!/usr/bin/env bash
# A real Neo4j 5.26 Community server on loopback, fetched from Maven Central.
# No Docker, no tarball: Maven resolves the org.neo4j:neo4j jar closure into
# deploy/neo4j/.work/lib, javac compiles the tiny launcher, and java runs it as
# a background process with Bolt on 127.0.0.1:$NEO4J_PORT. See README.md here.
#
#   neo4j.sh up       build on first use, start, wait for Bolt, print the URI (idempotent)
#   neo4j.sh down     stop cleanly: SIGTERM, the shutdown hook closes the DBMS (idempotent)
#   neo4j.sh status   running or not, URI, pid, resident memory; exit 3 when stopped
#   neo4j.sh logs [N] the last N (default 50) lines of the server log
#   neo4j.sh env      print export lines for NEO4J_URI/USERNAME/PASSWORD
#   neo4j.sh check    run a Cypher query over Bolt with the Go driver (deploy/neo4j/probe)
#   neo4j.sh build    only fetch and compile
#
# Environment (defaults in brackets):
#   NEO4J_PORT [7687]            Bolt port on 127.0.0.1
#   NEO4J_PASSWORD [chainkg-local] password of user neo4j (auth on; 8+ characters)
#   NEO4J_DATA_DIR [$REPO/.neo4j/data] the instance's home: store, logs, pid file
#   NEO4J_HEAP [1g]              JVM -Xmx
#   NEO4J_PAGECACHE [1g]         server.memory.pagecache.size
#   NEO4J_IMPORT_DIR [$NEO4J_DATA_DIR/import] LOAD CSV's file:/// root
#   NEO4J_CONF_EXTRA []          extra neo4j.conf lines (key=value, newline separated)
#   NEO4J_START_TIMEOUT [180]    seconds `up` waits for Bolt
#   JAVA_HOME                    which java to use (else java on PATH; 17 or 21)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=$HERE/.work

PORT=${NEO4J_PORT:-7687}
PASSWORD=${NEO4J_PASSWORD:-chainkg-local}
DATA_DIR=${NEO4J_DATA_DIR:-$REPO/.neo4j/data}
HEAP=${NEO4J_HEAP:-1g}
PAGECACHE=${NEO4J_PAGECACHE:-1g}
TIMEOUT=${NEO4J_START_TIMEOUT:-180}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVAC=${JAVA_HOME:+$JAVA_HOME/bin/}javac
MAIN=chainkg.neo4j.Launcher

mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
IMPORT_DIR=${NEO4J_IMPORT_DIR:-$DATA_DIR/import}
PID_FILE=$DATA_DIR/neo4j.pid
READY_FILE=$DATA_DIR/ready
LOG=$DATA_DIR/neo4j.log
CONF=$DATA_DIR/neo4j.conf
URI=bolt://127.0.0.1:$PORT

say() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

show_log() {
	say "last 50 lines of $LOG:"
	tail -n 50 "$LOG" >&2 2>/dev/null || true
	[[ -f $DATA_DIR/logs/debug.log ]] && say "Neo4j's own log: $DATA_DIR/logs/debug.log"
	return 0
}

# pid of the launcher running on this data dir, or nothing.
running_pid() {
	[[ -f $PID_FILE ]] || return 0
	local pid
	pid=$(<"$PID_FILE")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	# Guard against a reused pid: the process must be our launcher on this dir.
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN $DATA_DIR " || return 0
	echo "$pid"
}

# bolt_handshake PORT: a real Bolt handshake (magic + version proposals);
# succeeds when the server agrees on a protocol version.
bolt_handshake() {
	local reply
	reply=$(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		# magic 6060B017, then proposals 5.0-5.4, 4.4, 4.3, 4.2 ([pad, range, minor, major]).
		printf '\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x03\x04\x00\x00\x02\x04' >&3
		timeout 5 head -c 4 <&3 | od -An -tx1 | tr -d ' \n'
	) 2>/dev/null || return 1
	[[ -n $reply && $reply != 00000000 ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build() {
	command -v "$JAVA" >/dev/null || die "java not found (need Java 17 or 21; set JAVA_HOME)"
	local jv
	jv=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
	[[ $jv == 17 || $jv == 21 ]] || die "Neo4j 5.26 needs Java 17 or 21, $JAVA is $jv"
	# One build at a time (several engineers/tests may call `up` at once).
	mkdir -p "$WORK"
	exec 8>"$WORK/build.lock"
	flock 8
	local stamp
	stamp=$(cat "$HERE/pom.xml" "$HERE/src/main/java/chainkg/neo4j/Launcher.java" | sha1sum | cut -c1-16)
	if [[ -f $WORK/built && $(<"$WORK/built") == "$stamp" ]]; then
		flock -u 8
		return 0
	fi
	command -v mvn >/dev/null || die "mvn not found (Maven fetches Neo4j from Maven Central on first use)"
	command -v "$JAVAC" >/dev/null || die "javac not found (need a JDK 17, not only a JRE)"
	say "fetching Neo4j from Maven Central into $WORK/lib (first use; a few minutes)"
	rm -rf "$WORK/lib.tmp" "$WORK/classes.tmp"
	if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$WORK/lib.tmp" >"$WORK/mvn.log" 2>&1; then
		cat "$WORK/mvn.log" >&2
		die "Maven could not fetch Neo4j (log above, also in $WORK/mvn.log)"
	fi
	mkdir -p "$WORK/classes.tmp"
	"$JAVAC" --release 17 -encoding UTF-8 -cp "$WORK/lib.tmp/*" -d "$WORK/classes.tmp" \
		"$HERE/src/main/java/chainkg/neo4j/Launcher.java" || die "javac failed"
	rm -rf "$WORK/lib" "$WORK/classes"
	mv "$WORK/lib.tmp" "$WORK/lib"
	mv "$WORK/classes.tmp" "$WORK/classes"
	echo "$stamp" >"$WORK/built"
	flock -u 8
}

write_conf() {
	mkdir -p "$IMPORT_DIR"
	cat >"$CONF" <<EOF
# Written by deploy/neo4j/neo4j.sh on every start; edit NEO4J_* variables instead.
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$PORT
server.bolt.advertised_address=127.0.0.1:$PORT
server.bolt.tls_level=DISABLED
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.pagecache.size=$PAGECACHE
server.directories.import=$IMPORT_DIR
dbms.security.allow_csv_import_from_file_urls=true
db.tx_log.rotation.retention_policy=256M size
EOF
	if [[ -n ${NEO4J_CONF_EXTRA:-} ]]; then
		printf '%s\n' "$NEO4J_CONF_EXTRA" >>"$CONF"
	fi
}

wait_ready() { # pid start_seconds
	local pid=$1 t0=$2
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$PID_FILE"
			show_log
			die "Neo4j exited during start-up"
		fi
		if [[ -f $READY_FILE ]] && bolt_handshake "$PORT"; then
			return 0
		fi
		if ((SECONDS - t0 > TIMEOUT)); then
			show_log
			say "Neo4j did not answer Bolt on $URI within ${TIMEOUT}s; stopping it"
			stop_pid "$pid"
			exit 1
		fi
		sleep 0.5
	done
}

print_ready() {
	local uri
	uri=$(<"$READY_FILE")
	if [[ $uri != "$URI" ]]; then
		say "warning: the server on $DATA_DIR listens on $uri, not $URI (NEO4J_PORT=$PORT); run down first to change the port"
	fi
	echo "$uri"
}

up() {
	((${#PASSWORD} >= 8)) || die "NEO4J_PASSWORD must have at least 8 characters"
	build
	exec 9>"$DATA_DIR/neo4j.sh.lock"
	flock 9
	local pid t0=$SECONDS
	pid=$(running_pid)
	if [[ -n $pid ]]; then
		wait_ready "$pid" "$t0"
		say "already running (pid $pid, data $DATA_DIR)"
		print_ready
		return 0
	fi
	rm -f "$PID_FILE" "$READY_FILE"
	if port_in_use "$PORT"; then
		die "port $PORT on 127.0.0.1 is in use by another process; set NEO4J_PORT"
	fi
	write_conf
	say "starting Neo4j on $URI (data $DATA_DIR, heap $HEAP, page cache $PAGECACHE, log $LOG)"
	printf '\n==== %s start port=%s\n' "$(date -u +%FT%TZ)" "$PORT" >>"$LOG"
	local jvm=(
		-Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:+DisableExplicitGC
		-Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
		-Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true
		--add-opens=java.base/java.nio=ALL-UNNAMED
		--add-opens=java.base/java.io=ALL-UNNAMED
		--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
		--add-opens=java.base/java.lang=ALL-UNNAMED
		--add-opens=java.base/java.util=ALL-UNNAMED
		--add-opens=java.base/java.util.concurrent=ALL-UNNAMED
		-cp "$WORK/classes:$WORK/lib/*"
	)
	# setsid: its own session, so ^C in `make` or the caller's exit does not kill it.
	NEO4J_PASSWORD=$PASSWORD setsid "$JAVA" "${jvm[@]}" "$MAIN" "$DATA_DIR" "$CONF" "$READY_FILE" \
		</dev/null >>"$LOG" 2>&1 8>&- 9>&- &
	pid=$!
	echo "$pid" >"$PID_FILE"
	wait_ready "$pid" "$t0"
	say "ready in $((SECONDS - t0))s (pid $pid)"
	print_ready
}

stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 120; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	say "pid $pid did not stop within 60s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

down() {
	exec 9>"$DATA_DIR/neo4j.sh.lock"
	flock 9
	local pid
	pid=$(running_pid)
	if [[ -z $pid ]]; then
		rm -f "$PID_FILE" "$READY_FILE"
		say "not running (data $DATA_DIR)"
		return 0
	fi
	say "stopping pid $pid"
	stop_pid "$pid"
	rm -f "$PID_FILE" "$READY_FILE"
	say "stopped"
}

status() {
	local pid
	pid=$(running_pid)
	if [[ -z $pid ]]; then
		echo "stopped (data $DATA_DIR)"
		return 3
	fi
	local rss
	rss=$(ps -o rss= -p "$pid" | tr -d ' ')
	if [[ -f $READY_FILE ]]; then
		echo "running $(<"$READY_FILE") pid $pid rss ${rss}KiB data $DATA_DIR"
	else
		echo "starting pid $pid rss ${rss}KiB data $DATA_DIR"
	fi
}

case ${1:-} in
up) up ;;
down) down ;;
status) status ;;
logs) tail -n "${2:-50}" "$LOG" ;;
env) printf 'export NEO4J_URI=%q NEO4J_USERNAME=neo4j NEO4J_PASSWORD=%q\n' "$URI" "$PASSWORD" ;;
check) cd "$REPO" && NEO4J_URI=$URI NEO4J_PASSWORD=$PASSWORD go run ./deploy/neo4j/probe "${@:2}" ;;
build) build ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
