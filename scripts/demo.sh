#!/usr/bin/env bash
# Sets everything up and opens the front-desk window on the demo event. With no display (a server, CI)
# the window runs under Xvfb on a virtual screen; stop it with Ctrl+C. Extra arguments go to `kiosk`
# (e.g. `--lang en`, `--mode self-service`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA=${KIOSK_DEMO_DATA:-.demo-data}
if ! .venv/bin/kiosk --data "$DATA" event >/dev/null 2>&1; then
  .venv/bin/kiosk --data "$DATA" demo
fi
ARGS=(--data "$DATA" --station "${KIOSK_STATION:-Desk 1}" --operator "${KIOSK_OPERATOR:-Volunteer}")
if [ -n "${DISPLAY:-}" ] || [ "$(uname)" = "Darwin" ]; then
  exec .venv/bin/kiosk "${ARGS[@]}" "$@"
fi
echo "No display here: running the window under Xvfb (a virtual screen). Ctrl+C stops it."
exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/kiosk "${ARGS[@]}" "$@"
