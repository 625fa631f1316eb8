# Sourced by bin/serve and bin/test: make .venv and install the locked
# dependencies into it, again only when requirements.lock or setup.cfg change.

ensure_venv() {
    local python=${PYTHON:-python3}
    if [ ! -x .venv/bin/python ]; then
        echo "== Creating .venv"
        "$python" -m venv .venv
    fi
    local stamp=.venv/.cms-installed
    local want
    want=$(cat requirements.lock setup.cfg | "$python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "== Installing the locked dependencies"
        .venv/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
        .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
        echo "$want" > "$stamp"
    fi
}
