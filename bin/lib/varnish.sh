# Sourced by bin/test: make sure Varnish (Debian's `varnish` package) is
# installed, for the tests that put the site behind it
# (tests/functional/test_http_cache.py). The tests start their own
# `varnishd` on free ports and stop it; the system's service is never
# started, not even by the package's installation.

install_varnish() {
    if command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== Installing Varnish (Debian package)"
        # Tell the package's scripts not to start the service (policy-rc.d
        # answers 101: "action forbidden"); only when no policy is there yet.
        local policy=/usr/sbin/policy-rc.d made_policy=
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null
        local status=$?
        [ -n "$made_policy" ] && rm -f "$policy"
        return $status
    fi
    echo "Varnish is not installed and cannot be installed from here:" >&2
    echo "install it (Debian: apt-get install varnish) and run again." >&2
    exit 1
}
