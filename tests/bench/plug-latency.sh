#!/bin/sh
# Plug-in latency of usbledgerd beside USBGuard and a null daemon (the
# harness's floor), on the same simulated bus, in one run: N insertions
# each, alternating a device the daemon allows and one it blocks; time from
# the "add" uevent to the write of "authorized". Needs a build in ./build
# (or BUILD=dir) and Debian's usbguard.
#   tests/bench/plug-latency.sh [N]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-1000}
B=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# USBGuard with a private configuration: allow the one stick, block the rest
mkdir -p "$tmp/usbguard/IPCAccessControl.d"
printf 'allow id 0781:5567 serial "BENCH-ALLOWED"\n' > "$tmp/usbguard/rules.conf"
cat > "$tmp/usbguard/usbguard-daemon.conf" <<EOC
RuleFile=$tmp/usbguard/rules.conf
ImplicitPolicyTarget=block
PresentDevicePolicy=apply-policy
PresentControllerPolicy=keep
InsertedDevicePolicy=apply-policy
AuthorizedDefault=keep
RestoreControllerDeviceState=false
DeviceManagerBackend=uevent
IPCAllowedUsers=root
IPCAccessControlFiles=$tmp/usbguard/IPCAccessControl.d/
DeviceRulesWithPort=false
AuditBackend=FileAudit
AuditFilePath=$tmp/usbguard/audit.log
EOC
chmod 0600 "$tmp/usbguard/rules.conf" "$tmp/usbguard/usbguard-daemon.conf"

run() {
  label=$1
  shift
  printf '%-11s ' "$label"
  umockdev-wrapper "$B/tests/bench/plug-latency" --n "$N" "$@" 2>/dev/null ||
    echo "(harness exit $?)"
}

ROUNDS=${ROUNDS:-3}
echo "plug-in latency, $N insertions per daemon and round, $ROUNDS rounds"
echo "(uevent -> authorized written; compare medians within a round: the machine's"
echo " load moves all of them between rounds)"
mkdir -p "$tmp/state"
round=1
while [ "$round" -le "$ROUNDS" ]; do
  echo "-- round $round"
  run null -- "$B/tests/bench/null-daemon"
  # USBGuard ignores uevents whose sender pid is not 0: in its own PID
  # namespace the harness's uevents arrive as if from the kernel
  if command -v usbguard-daemon >/dev/null; then
    : > "$tmp/usbguard/audit.log"
    run usbguard --kernel-uevents -- \
      unshare --pid --fork --kill-child usbguard-daemon -c "$tmp/usbguard/usbguard-daemon.conf" -K
    printf '            usbguard audit log: %s block, %s allow decisions\n' \
      "$(grep -c "target.new='block'" "$tmp/usbguard/audit.log" || true)" \
      "$(grep -c "target.new='allow'" "$tmp/usbguard/audit.log" || true)"
  else
    echo "usbguard    (not installed: apt-get install usbguard)"
  fi
  rm -f "$tmp/state/"*
  run usbledgerd --usbledger-db "$tmp/state/logbook.db" -- \
    "$B/src/daemon/usbledgerd" --no-bus --state-dir "$tmp/state" \
      --crypto-module "$B/src/daemon/usbledger-crypto.so"
  printf '            usbledgerd logbook: %s plug-in decisions committed\n' \
    "$(sqlite3 "$tmp/state/logbook.db" "SELECT count(*) FROM events WHERE kind = 'device-added'")"
  round=$((round + 1))
done
