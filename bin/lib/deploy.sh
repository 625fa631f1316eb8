# Sourced by bin/test: the tools the tests of deploy/ run. nginx, which
# tests/functional/test_nginx.py runs with the shipped site
# (deploy/nginx/cms.conf) in front of the application; Varnish, which
# tests/functional/test_http_cache.py runs with deploy/varnish/default.vcl;
# and systemd-analyze, which tests/functional/test_systemd_units.py verifies
# deploy/systemd/ with.
# Debian's packages are installed when they are missing and we are root.
# The tests start an nginx and a varnishd of their own, with their own
# configuration, on 127.0.0.1: the packages' services are never started here.

install_deploy_packages() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== Installing $* (Debian packages)"
        # A policy-rc.d that says no keeps the packages from starting their
        # services (nginx on port 80), as Debian's container images do; ours
        # is removed after, one already there is left alone.
        local policy=/usr/sbin/policy-rc.d made_policy= status=0
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\nexit 101\n' > "$policy"
            chmod +x "$policy"
            made_policy=1
        fi
        apt-get update -qq || status=$?
        if [ "$status" = 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "$@" >/dev/null || status=$?
        fi
        [ -z "$made_policy" ] || rm -f "$policy"
        [ "$status" = 0 ] || exit "$status"
    else
        echo "Missing: $*. Install these Debian packages (apt-get install $*) and run again." >&2
        exit 1
    fi
}

ensure_deploy_tools() {
    local missing=()
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
    command -v systemd-analyze >/dev/null || missing+=(systemd)
    [ ${#missing[@]} -eq 0 ] || install_deploy_packages "${missing[@]}"
}
