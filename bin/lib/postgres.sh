# Sourced by bin/test: start a throw-away PostgreSQL server on 127.0.0.1 for
# the test run, installing Debian's package first when the server is missing.
# Exports CMS_TEST_DATABASE_URL; the server and its files go when the
# script exits.

find_postgres_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

install_postgres() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== Installing PostgreSQL (Debian package)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        echo "PostgreSQL is not installed and cannot be installed from here:" >&2
        echo "install the server (Debian: apt-get install postgresql) and run again." >&2
        exit 1
    fi
}

start_postgres() {
    local bindir
    bindir=$(find_postgres_bindir) || { install_postgres; bindir=$(find_postgres_bindir); }
    PG_TEST_DIR=$(mktemp -d)
    local as=()
    if [ "$(id -u)" = 0 ]; then
        # The server refuses to run as root: run it as the postgres user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_TEST_DIR"
        as=(runuser -u postgres --)
    fi
    PG_TEST_AS=("${as[@]}")
    PG_TEST_BINDIR=$bindir
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "== Starting PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    (cd "$PG_TEST_DIR" && "${as[@]}" "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres \
        -A trust -E UTF8 --locale=C --no-sync >/dev/null)
    (cd "$PG_TEST_DIR" && "${as[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" \
        -l "$PG_TEST_DIR/server.log" -w -s start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    trap stop_postgres EXIT
    export CMS_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop_postgres() {
    if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
        (cd "$PG_TEST_DIR" && "${PG_TEST_AS[@]}" "$PG_TEST_BINDIR/pg_ctl" \
            -D "$PG_TEST_DIR/data" -m fast -w -s stop) || true
        rm -rf "$PG_TEST_DIR"
    fi
}
