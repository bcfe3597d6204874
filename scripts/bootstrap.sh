#!/usr/bin/env bash
# Creates Ally's two virtual environments and builds the chat widget.
# Idempotent: a stamp file per environment records what it was built from, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_DIR="${ALLY_VENV_DIR:-.venv}"
LOG_DIR="var/log"
mkdir -p "$VENV_DIR" "$LOG_DIR"

is_python310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

find_python310() {
  local candidate
  if [ -n "${ALLY_PYTHON:-}" ]; then
    if is_python310 "$ALLY_PYTHON"; then echo "$ALLY_PYTHON"; return 0; fi
    echo "ALLY_PYTHON=$ALLY_PYTHON is not a working Python 3.10" >&2
    return 1
  fi
  for candidate in python3.10 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && is_python310 "$(command -v "$candidate")"; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local prefix
    prefix="$(pyenv prefix 3.10 2>/dev/null || true)"
    if [ -n "$prefix" ] && is_python310 "$prefix/bin/python3.10"; then
      echo "$prefix/bin/python3.10"; return 0
    fi
  fi
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10; do
    if [ -x "$candidate" ] && is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

PYTHON="$(find_python310)" || {
  echo "error: Ally needs Python 3.10 (Rasa 3.6 does not run on 3.11+)." >&2
  echo "       Install it (e.g. 'pyenv install 3.10' or your OS package python3.10) or set ALLY_PYTHON." >&2
  exit 1
}

fingerprint() {
  # What decides an environment's contents: its own dependency lists and its constraints file.
  # Editing tool settings in pyproject.toml, or the other environment's extras, costs nothing.
  local name="$1" extras="$2"
  "$PYTHON" - "$extras" <<'PY'
import re, sys
text = open("pyproject.toml", encoding="utf-8").read()
wanted = ["dependencies"] + sys.argv[1].split(",")
for name in wanted:
    match = re.search(r"^" + re.escape(name) + r" = \[(.*?)^\]", text, re.S | re.M)
    print(name, match.group(1) if match else "")
PY
  sha256sum "requirements/$name.txt" | cut -d' ' -f1
  echo "$PYTHON"
}

build_venv() {
  local name="$1" extras="$2"
  local venv="$VENV_DIR/$name" stamp="$VENV_DIR/$name/.ally-stamp"
  local want; want="$(fingerprint "$name" "$extras" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "bootstrap: installing the $name environment (log: $LOG_DIR/bootstrap-$name.log)"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check -q \
      -c "requirements/$name.txt" -e ".[$extras]" >"$LOG_DIR/bootstrap-$name.log" 2>&1; then
    tail -n 30 "$LOG_DIR/bootstrap-$name.log" >&2
    echo "error: installing the $name environment failed; see $LOG_DIR/bootstrap-$name.log" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
}

build_widget() {
  local stamp="widget/.build-stamp" want
  want="$(cat widget/package.json widget/package-lock.json widget/build.mjs widget/src/* | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f bot/web/static/dist/widget.js ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: building the chat widget needs Node.js and npm (e.g. 'apt-get install nodejs npm')." >&2
    exit 1
  fi
  echo "bootstrap: building the chat widget (log: $LOG_DIR/bootstrap-widget.log)"
  if ! (cd widget && npm ci --no-audit --no-fund && npm run build) >"$LOG_DIR/bootstrap-widget.log" 2>&1; then
    tail -n 30 "$LOG_DIR/bootstrap-widget.log" >&2
    echo "error: building the widget failed; see $LOG_DIR/bootstrap-widget.log" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
}

# The two environments are independent: build them side by side.
build_venv rasa "rasa,test" &
rasa_pid=$!
build_venv web "web,test,web-test" &
web_pid=$!
status=0
wait "$rasa_pid" || status=1
wait "$web_pid" || status=1
[ "$status" -eq 0 ] || exit 1
build_widget
