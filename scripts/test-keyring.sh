#!/usr/bin/env bash
# Runs the keyring tests against a real Secret Service: gnome-keyring on a private D-Bus session
# with its own, throw-away keyring directory, so nothing touches the user's keyring.
#
#   bash scripts/test-keyring.sh            # cargo test --test vetted keyring
#   bash scripts/test-keyring.sh CMD ARGS…  # any command inside that session (e.g. the E2E run)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
  echo "gnome-keyring and dbus are missing: run 'bash scripts/setup.sh test' first" >&2
  exit 1
fi

if [ -z "${VETTED_IN_KEYRING_SESSION:-}" ]; then
  home=$(mktemp -d -t vetted-keyring.XXXXXX)
  trap 'rm -rf "$home"' EXIT
  mkdir -p "$home/run" && chmod 700 "$home/run"
  # XDG_DATA_HOME holds the keyring files; the daemon dies with the session.
  # (dbus-daemon may warn that it cannot raise its fd limit when not run as a login session.)
  VETTED_IN_KEYRING_SESSION=1 XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run" \
    dbus-run-session -- bash "$0" "$@"
  exit $?
fi

# A password on stdin creates and unlocks the (throw-away) login keyring without a prompt.
printf 'vetted-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
for _ in $(seq 1 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
    | grep -q 'boolean true' && break
  sleep 0.1
done

export VETTED_TEST_KEYRING=1
if [ $# -gt 0 ]; then
  "$@"
else
  cargo test --locked --test vetted keyring -- --test-threads=1
fi
