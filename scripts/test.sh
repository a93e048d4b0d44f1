#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (lint and import-layer contracts included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The hub's PostgreSQL tests use the local server at 127.0.0.1:5432; start it if it is installed but stopped.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | head -n 1)
  [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
exec .venv/bin/python -m pytest "$@"
