#!/usr/bin/env bash
# Sets up what is missing, builds Vetted and opens it on the bundled demo database.
# The demo database is created once (target/demo/vetted-demo.db) and kept, so your decisions
# survive a restart; VETTED_DEMO_RESET=1 starts over from the fixture.
# Without a display (no $DISPLAY), the window opens under xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh app
echo "==> building the UI and the app"
(cd ui && npm run build)
cargo build -p vetted -p vetted-app

db=${VETTED_DB:-$PWD/target/demo/vetted-demo.db}
if [ "${VETTED_DEMO_RESET:-0}" = 1 ]; then
  rm -f "$db" "$db-wal" "$db-shm"
fi
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  ./target/debug/vetted --db "$db" import demo/demo-items.jsonl demo/demo-comparisons.jsonl
  # With the shared datasets beside the checkout, register Chinook and Northwind as data products
  # so relationship evidence is computed on the full tables (else on the items' sample rows).
  datasets=../shared/datasets
  if [ -f "$datasets/chinook/Chinook_Sqlite.sqlite" ] && [ -f "$datasets/northwind/create.sql" ]; then
    python3 scripts/demo_products.py "$(dirname "$db")/northwind.sqlite"
    ./target/debug/vetted --db "$db" products add \
      "$datasets/chinook/Chinook_Sqlite.sqlite" "$(dirname "$db")/northwind.sqlite"
  fi
fi
echo "==> opening Vetted on $db"
export VETTED_DB=$db
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec ./target/debug/vetted-app
else
  echo "(no display: running under xvfb-run; press Ctrl+C to stop)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" ./target/debug/vetted-app
fi
