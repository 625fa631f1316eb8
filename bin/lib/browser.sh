# Sourced by bin/test: what the browser tests need besides Python packages.
# Debian's Chromium (driven by Playwright), Java for the W3C Nu checker, and
# npm for the page checkers (vnu-jar, axe-core) and the rich-text editor's
# packages and esbuild, named in package.json (the editor's build is checked
# by tests/unit/test_editor_bundle.py). Missing system packages are installed with apt;
# node_modules is installed again only when package-lock.json changes.

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== Installing $* (Debian packages)"
        if [ -z "${APT_UPDATED:-}" ]; then
            apt-get update -qq
            APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        echo "Missing: $*. Install these Debian packages (apt-get install $*) and run again." >&2
        exit 1
    fi
}

ensure_browser_tools() {
    local missing=()
    [ -x "${CMS_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium fonts-dejavu-core)
    command -v java >/dev/null || missing+=(default-jre-headless)
    command -v npm >/dev/null || missing+=(npm)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    local stamp=node_modules/.cms-installed
    local want
    want=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "== Installing node_modules (npm ci)"
        # No install scripts: vnu-jar's would fetch a Java of its own.
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
        echo "$want" > "$stamp"
    fi
}
