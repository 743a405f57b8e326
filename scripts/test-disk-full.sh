#!/usr/bin/env bash
# A full disk, for real: inside a private mount namespace (root only) a 4 MiB tmpfs holds the
# database; a filler file takes the rest of the space. Then:
#   - a decision fails with "the disk is full", code disk_full, and is not half-written;
#   - an export to the full disk fails the same way and leaves no file behind;
#   - after space is freed, the same decision succeeds; every acknowledged decision is there and
#     `PRAGMA integrity_check` is ok.
# Uses the debug CLI built by `cargo test` (target/debug/vetted).
set -euo pipefail
cd "$(dirname "$0")/.."
vetted=$PWD/target/debug/vetted
test -x "$vetted" || { echo "build the CLI first: cargo build -p vetted" >&2; exit 1; }

if [ -z "${VETTED_IN_NAMESPACE:-}" ]; then
  if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
    echo "disk-full test needs root and mount namespaces (unshare -m)" >&2
    exit 1
  fi
  exec env VETTED_IN_NAMESPACE=1 unshare -m --propagation private bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'umount "$work/disk" "$work/out" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/disk"
mount -t tmpfs -o size=4m tmpfs "$work/disk"
db=$work/disk/vetted.db

fail() { echo "FAIL: $*" >&2; exit 1; }
items=$work/items.jsonl
python3 - "$items" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20):
        f.write(json.dumps({"kind": "answer", "id": f"d-{i}", "domain": "ops", "model": "m",
                            "question": f"Question {i}?", "answer": f"Answer {i}.",
                            "evidence": [{"id": "e1", "text": f"Evidence {i}."}]}) + "\n")
EOF
"$vetted" --db "$db" import "$items" >/dev/null
for i in 0 1 2; do "$vetted" --db "$db" decide "d-$i" approve --reviewer disk >/dev/null; done

# Take every free block (dd stops with ENOSPC, which is the point).
dd if=/dev/zero of="$work/disk/filler" bs=4k 2>/dev/null || true
df -h "$work/disk" | tail -1

out=$("$vetted" --db "$db" decide d-3 approve --reviewer disk 2>&1) && fail "a decision on a full disk reported success: $out"
grep -q "the disk is full" <<<"$out" || fail "expected 'the disk is full', got: $out"
echo "decision on a full disk: $out"

out=$("$vetted" --db "$db" export --format trl-sft --out "$work/disk/sft.jsonl" 2>&1) && fail "an export to a full disk reported success"
grep -q "the disk is full" <<<"$out" || fail "expected 'the disk is full' from export, got: $out"
leftovers=$(find "$work/disk" -name '*sft*' | wc -l)
[ "$leftovers" = 0 ] || fail "the failed export left $leftovers file(s) behind"
echo "export to a full disk: $out"

rm "$work/disk/filler"
"$vetted" --db "$db" decide d-3 approve --reviewer disk >/dev/null || fail "the decision failed after space was freed"
python3 - "$db" <<'EOF'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
check = conn.execute("PRAGMA integrity_check").fetchone()[0]
decided = sorted(r[0] for r in conn.execute(
    "SELECT i.external_id FROM decisions d JOIN items i ON i.id = d.item_id WHERE d.reviewer = 'disk'"))
assert check == "ok", f"integrity_check: {check}"
assert decided == ["d-0", "d-1", "d-2", "d-3"], f"acknowledged decisions: {decided}"
print(f"after freeing space: integrity {check}, decisions {decided}")
EOF
# The export's own writes hitting a full disk (the database has room, the target does not).
mkdir "$work/out"
mount -t tmpfs -o size=1m tmpfs "$work/out"
for i in $(seq 4 19); do "$vetted" --db "$db" decide "d-$i" approve --reviewer disk >/dev/null; done
head -c $((1024 * 1024 - 4096)) /dev/zero >"$work/out/filler"   # one 4 KiB block left; the export needs ~8
out=$("$vetted" --db "$db" export --format trl-sft --out "$work/out/sft.jsonl" 2>&1) && fail "an export bigger than the free space reported success"
grep -q "the disk is full" <<<"$out" || fail "expected 'the disk is full' from the export's writes, got: $out"
[ "$(find "$work/out" -name '*sft*' | wc -l)" = 0 ] || fail "the failed export left a file behind"
echo "export writes on a full disk: $out"
echo "disk full: ok"
