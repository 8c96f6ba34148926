#!/bin/sh
# Erase + verify of a loop device (default 1 GiB) by usbledger's engine,
# beside, on the same device in the same run:
#   dd if=/dev/zero of=DEV bs=4M oflag=direct + dd if=DEV of=/dev/null bs=4M
#   iflag=direct (the issue's baseline, "the device's limit"); the same with
#   conv=fsync on the write (the flush the engine does before reading back);
#   and shred -n0 -z + cmp with /dev/zero.
# On two loop devices over one preallocated file:
#   direct: losetup --direct-io=on, each write reaches the file's disk, as
#           each write to a USB stick reaches the stick;
#   cached: the default loop device, whose writes land in the host's page
#           cache: a 1 GiB volatile write cache that dd never flushes and the
#           engine must flush (a read-back from a cache verifies nothing).
# Five interleaved rounds each; prints every time and the ratios of the
# medians. Needs root and a build in ./build (or BUILD=dir).
#   tests/bench/erase-vs-dd.sh [SIZE_MIB]
set -eu
cd "$(dirname "$0")/../.."
MIB=${1:-1024}
B=${BUILD:-build}
ROUNDS=5
tmp=$(mktemp -d)
dev=""
cleanup() { [ -n "$dev" ] && losetup -d "$dev"; rm -rf "$tmp"; }
trap cleanup EXIT
# allocated, so that no round pays for the file's first allocation
fallocate -l "${MIB}M" "$tmp/disk.img"
bytes=$((MIB * 1024 * 1024))

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p"; }
ratio() { echo "scale=3; $1 / $2" | bc; }

bench() {   # $1: direct|cached
  ours="" ddp="" ddf="" shr=""
  if [ "$1" = direct ]; then
    dev=$(losetup -f --show --direct-io=on "$tmp/disk.img")
  else
    dev=$(losetup -f --show --direct-io=off "$tmp/disk.img")
  fi
  round=0
  while [ $round -lt $ROUNDS ]; do
    round=$((round + 1))
    t=$(now); "$B/tests/bench/erase-bench" "$dev" zeros >/dev/null; ours="$ours $(since "$t")"
    t=$(now)
    dd if=/dev/zero of="$dev" bs=4M oflag=direct status=none count=$((MIB / 4))
    dd if="$dev" of=/dev/null bs=4M iflag=direct status=none
    ddp="$ddp $(since "$t")"
    t=$(now)
    dd if=/dev/zero of="$dev" bs=4M oflag=direct conv=fsync status=none count=$((MIB / 4))
    dd if="$dev" of=/dev/null bs=4M iflag=direct status=none
    ddf="$ddf $(since "$t")"
    t=$(now)
    shred -n0 -z "$dev"
    cmp -n "$bytes" "$dev" /dev/zero
    shr="$shr $(since "$t")"
  done
  mo=$(median $ours); md=$(median $ddp); mf=$(median $ddf); ms=$(median $shr)
  echo "erase + verify of a ${MIB} MiB loop device ($1: $(cat "/sys/block/${dev#/dev/}/loop/dio" |
        sed 's/1/direct I\/O to its file/; s/0/buffered, the page cache in front/')), $ROUNDS rounds (median):"
  echo "  usbledger (zeros, O_DIRECT, flush, read-back): $ours  -> $mo s"
  echo "  dd write + dd read (O_DIRECT):                 $ddp  -> $md s"
  echo "  dd pair, write with conv=fsync:                $ddf  -> $mf s"
  echo "  shred -n0 -z + cmp /dev/zero:                  $shr  -> $ms s"
  echo "  usbledger / dd pair            = $(ratio "$mo" "$md")   (goal <= 1.05)"
  echo "  usbledger / dd pair with fsync = $(ratio "$mo" "$mf")"
  echo "  usbledger / shred+cmp          = $(ratio "$mo" "$ms")   (goal < 1)"
  "$B/tests/bench/erase-bench" "$dev" random |
    awk '{print "  usbledger (AES-256-CTR keystream): " $1 " s, " $2}'
  losetup -d "$dev"
  dev=""
}

bench direct
bench cached
