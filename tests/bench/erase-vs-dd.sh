#!/bin/sh
# Erase + verify of a loop device (default 1 GiB) by usbledger's engine,
# beside, on the same device in the same run:
#   dd if=/dev/zero of=DEV bs=4M oflag=direct + dd if=DEV of=/dev/null bs=4M
#   iflag=direct (the device's limit); the same with conv=fsync on the write
#   (the flush the engine does before reading back); and shred -n0 -z + cmp
#   with /dev/zero.
# Three interleaved rounds; prints each time and the ratios of the medians.
# Needs root and a build in ./build (or BUILD=dir).
#   tests/bench/erase-vs-dd.sh [SIZE_MIB]
set -eu
cd "$(dirname "$0")/../.."
MIB=${1:-1024}
B=${BUILD:-build}
tmp=$(mktemp -d)
dev=""
cleanup() { [ -n "$dev" ] && losetup -d "$dev"; rm -rf "$tmp"; }
trap cleanup EXIT
truncate -s "${MIB}M" "$tmp/disk.img"
dev=$(losetup -f --show "$tmp/disk.img")
bytes=$((MIB * 1024 * 1024))

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

ours="" ddp="" ddf="" shr=""
for round in 1 2 3; do
  t=$(now); "$B/tests/bench/erase-bench" "$dev" zeros >/dev/null; ours="$ours $(since "$t")"
  t=$(now)
  dd if=/dev/zero of="$dev" bs=4M oflag=direct status=none count=$((MIB / 4))
  dd if="$dev" of=/dev/null bs=4M iflag=direct status=none
  ddp="$ddp $(since "$t")"
  # the same with the flush the engine does before it reads back (so the
  # read comes from the medium, not the drive's or the loop file's cache)
  t=$(now)
  dd if=/dev/zero of="$dev" bs=4M oflag=direct conv=fsync status=none count=$((MIB / 4))
  dd if="$dev" of=/dev/null bs=4M iflag=direct status=none
  ddf="$ddf $(since "$t")"
  t=$(now)
  shred -n0 -z "$dev"
  cmp -n "$bytes" "$dev" /dev/zero
  shr="$shr $(since "$t")"
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
mo=$(median $ours); md=$(median $ddp); mf=$(median $ddf); ms=$(median $shr)
echo "erase + verify of a ${MIB} MiB loop device, 3 rounds (median):"
echo "  usbledger (zeros, O_DIRECT, read-back): $ours  -> $mo s"
echo "  dd write + dd read (O_DIRECT):          $ddp  -> $md s"
echo "  dd pair, write with conv=fsync:         $ddf  -> $mf s"
echo "  shred -n0 -z + cmp /dev/zero:           $shr  -> $ms s"
echo "  usbledger / dd pair = $(echo "scale=3; $mo / $md" | bc)   (goal <= 1.05)"
echo "  usbledger / dd pair with fsync = $(echo "scale=3; $mo / $mf" | bc)"
echo "  usbledger / shred+cmp = $(echo "scale=3; $mo / $ms" | bc)  (goal < 1)"
"$B/tests/bench/erase-bench" "$dev" random | awk '{print "  usbledger (AES-256-CTR keystream): " $1 " s, " $2}'
