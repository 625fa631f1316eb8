#!/usr/bin/env bash
# bench/run.sh: the standard benchmark of TREE.md, from nothing.
#
#   1. a throw-away SQLite database in a temporary directory, set up with
#      initialize_cms_db and filled by bench/populate.py (production.ini, its
#      URL given through CMS_DATABASE_URL, and a random CMS_SECRET unless one
#      is set);
#   2. one server: pserve production.ini (waitress, 4 threads, 127.0.0.1) on a
#      free port, in the background;
#   3. one curl per benchmark URL (its status code), then
#      `wrk -t2 -c8 -d${BENCH_DURATION}s` per URL, and a table of the results.
#
# The server, and only it, is stopped at the end (by its PID), whatever
# happens, and the temporary directory is removed.
#
# Environment:
#   BENCH_DURATION  seconds of load per URL (default 10)
#   BENCH_PORT      port to serve on (default: a free one)
#   BENCH_KEEP=1    keep the temporary directory (database, logs, wrk output)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
INI=$ROOT/production.ini
DURATION=${BENCH_DURATION:-10}
DURATION=${DURATION%s}
THREADS=2
CONNECTIONS=8

die() { echo "run.sh: $*" >&2; exit 1; }

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION must be a whole number of seconds"
[[ -x $VENV/bin/pserve ]] || die "no virtualenv at $VENV (run ./bin/serve or ./bin/test once)"
grep -Eq '^threads *= *4 *$' "$INI" || echo "run.sh: warning: production.ini does not say threads = 4" >&2

if ! command -v wrk >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "run.sh: installing wrk …" >&2
        apt-get install -y wrk >/dev/null 2>&1 \
            || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } \
            || die "could not install wrk"
    else
        die "wrk is missing: install it (apt-get install wrk)"
    fi
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cms-bench.XXXXXX")
SERVER_PID=

cleanup() {
    local status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        echo "run.sh: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=${BENCH_PORT:-$("$VENV/bin/python" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')}
BASE=http://127.0.0.1:$PORT

export CMS_DATABASE_URL=sqlite:///$TMP/bench.db
# The session cookie's signing key: a throw-away one unless one is given.
export CMS_SECRET=${CMS_SECRET:-$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')}
# Uploaded files would go here; the benchmark tree has none.
export CMS_BLOB_DIR=$TMP/blobs
export PYTHONWARNINGS=ignore
cd "$TMP"  # nothing the tools write lands in the checkout

echo "== database: $CMS_DATABASE_URL"
"$VENV/bin/initialize_cms_db" "$INI" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "initialize_cms_db failed"; }
started=$(date +%s.%N)
timeout 600 "$VENV/bin/python" "$ROOT/bench/populate.py" "$INI"
echo "== populated in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

echo "== server: pserve production.ini http_port=$PORT"
"$VENV/bin/pserve" "$INI" "http_port=$PORT" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
echo "   pid $SERVER_PID, log $TMP/server.log"

ready=
for _ in $(seq 150); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "the server exited"; }
    if curl -fsS --max-time 2 -o /dev/null "$BASE/healthz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
[[ -n $ready ]] || { cat "$TMP/server.log" >&2; die "no answer from $BASE/healthz after 30 s"; }

KEYS=(leaf section deep leaf-json missing)
declare -A URLS=(
    [leaf]=/s3/s3-5/s3-5-7/s3-5-7-2/
    [section]=/s3/
    [deep]=/deep/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/
    [leaf-json]=/s3/s3-5/s3-5-7/s3-5-7-2/
    [missing]=/s3/s3-5/nope/
)
header_args() {  # the extra request header of a key, as curl/wrk arguments
    if [[ $1 == leaf-json ]]; then printf '%s\n' -H 'Accept: application/json'; fi
}

echo "== one request per URL"
declare -A STATUS
for key in "${KEYS[@]}"; do
    mapfile -t extra < <(header_args "$key")
    STATUS[$key]=$(curl -sS --max-time 10 -o "$TMP/$key.body" \
        -w '%{http_code} %{content_type} %{size_download}' "${extra[@]}" "$BASE${URLS[$key]}")
    printf '   %-10s %-40s %s bytes\n' "$key" "${URLS[$key]}" "${STATUS[$key]}"
done

echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per URL"
for key in "${KEYS[@]}"; do
    mapfile -t extra < <(header_args "$key")
    echo "   $key …"
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
        --timeout 10s --latency "${extra[@]}" "$BASE${URLS[$key]}" >"$TMP/$key.wrk" 2>&1 \
        || { cat "$TMP/$key.wrk" >&2; die "wrk failed on $key"; }
done

# wrk prints durations as 812.00us, 1.23ms or 2.00s: make them ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) printf "%.2f", v / 1000
        else if (v ~ /ms$/) printf "%.2f", v + 0
        else if (v ~ /m$/) printf "%.0f", v * 60000
        else if (v ~ /s$/) printf "%.0f", v * 1000
        else printf "?"
    }'
}

echo
echo "Benchmark of TREE.md: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, waitress 4 threads, SQLite, 127.0.0.1"
echo
printf '%-10s %-40s %6s %10s %9s %9s %9s %9s %8s\n' \
    key URL status req/s "avg ms" "p50 ms" "p99 ms" "max ms" errors
printf '%s\n' "$(printf '%.0s-' $(seq 117))"
for key in "${KEYS[@]}"; do
    out=$TMP/$key.wrk
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    read -r avg max < <(awk '$1 == "Latency" && NF >= 5 { print $2, $4; exit }' "$out")
    p50=$(awk '$1 == "50%" { print $2 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    errors=$(awk '/Socket errors/ { gsub(",", ""); n = $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    [[ $key == missing ]] && bad=  # every answer there is meant to be a 404
    [[ -n $bad ]] && errors="$errors+${bad}non2xx"
    printf '%-10s %-40s %6s %10s %9s %9s %9s %9s %8s\n' \
        "$key" "${URLS[$key]}" "${STATUS[$key]%% *}" "$rps" \
        "$(to_ms "$avg")" "$(to_ms "$p50")" "$(to_ms "$p99")" "$(to_ms "$max")" "$errors"
done
echo
echo "(leaf-json: the leaf with 'Accept: application/json'; errors: socket errors, and"
echo " non-2xx/3xx answers except on 'missing', whose answers are all meant to be 404)"
