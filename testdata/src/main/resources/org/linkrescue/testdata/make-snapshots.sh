#!/usr/bin/env bash
# Builds a hardlinked snapshot tree the way users make their backups:
#   ROOT/src/                 the live "original" tree, changed between dates
#   ROOT/snapshots/DATE/      one per date: cp -al LAST NEW; rsync -aH --delete src/ NEW/
#   ROOT/mirror/DATE/         optional: rsync -a (no -H) of snapshots/ after snapshot K,
#                             the "cold copy made some time ago, without hard links"
#
# The seed fixes the shape: names, sizes, which files change on which date, mtimes. File
# content comes from /dev/urandom, so every 4 KiB block of every file is unique (the rescue
# tests find blocks in a filesystem image by their bytes) and generation runs at disk speed.
#
# Odd entries (--odd, on by default) live in src/odd/ and so reach every snapshot through
# cp -al and rsync -aH. Root-only entries (owners, devices) are made only when run as root.
# A path over 4096 bytes cannot pass through cp or rsync (both fail with ENAMETOOLONG), so
# --long-path makes it in src/ and in the newest snapshot only, with relative mkdir/cd steps.
#
# Prints "snapshot NAME" per snapshot, "mirror NAME" per mirrored snapshot, "long-path REL"
# and a closing "summary ..." line on stdout. Any failing command fails the run (set -e).
set -euo pipefail
export LC_ALL=C
# find -execdir refuses a PATH with relative entries
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

usage() {
  cat >&2 <<'EOF'
usage: make-snapshots.sh ROOT [--snapshots N] [--files N] [--sizes tiny|meta|small|bench]
         [--seed S] [--odd|--no-odd] [--long-path|--no-long-path]
         [--large-files COUNT:BYTES] [--mirror-after K] [--start-day EPOCH_SECONDS]
EOF
  exit 2
}

[ $# -ge 1 ] || usage
ROOT=$1; shift
SNAPSHOTS=5
FILES=50
SIZES=small
SEED=1
ODD=1
LONG_PATH=1
LARGE_COUNT=0
LARGE_BYTES=0
MIRROR_AFTER=0
START_DAY=1704067200 # 2024-01-01T00:00:00Z

while [ $# -gt 0 ]; do
  case $1 in
    --snapshots) SNAPSHOTS=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --odd) ODD=1; shift ;;
    --no-odd) ODD=0; shift ;;
    --long-path) LONG_PATH=1; shift ;;
    --no-long-path) LONG_PATH=0; shift ;;
    --large-files) LARGE_COUNT=${2%%:*}; LARGE_BYTES=${2#*:}; shift 2 ;;
    --mirror-after) MIRROR_AFTER=$2; shift 2 ;;
    --start-day) START_DAY=$2; shift 2 ;;
    *) echo "make-snapshots.sh: unknown option: $1" >&2; usage ;;
  esac
done
case $SIZES in tiny|meta|small|bench) ;; *) echo "make-snapshots.sh: unknown size distribution: $SIZES" >&2; exit 2 ;; esac
[ "$SNAPSHOTS" -ge 1 ] || { echo "make-snapshots.sh: --snapshots must be >= 1" >&2; exit 2; }
[ "$ODD" = 1 ] || LONG_PATH=0
for tool in rsync cp find head touch; do
  command -v "$tool" >/dev/null || { echo "make-snapshots.sh: $tool is required but not installed" >&2; exit 1; }
done

if [ -e "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
  echo "make-snapshots.sh: $ROOT exists and is not empty" >&2; exit 1
fi
mkdir -p "$ROOT/src" "$ROOT/snapshots"
ROOT=$(cd "$ROOT" && pwd -P)
SRC=$ROOT/src
IS_ROOT=0; [ "$(id -u)" = 0 ] && IS_ROOT=1

# A 31-bit LCG in shell arithmetic: the same seed gives the same tree on every bash version
# (bash's own $RANDOM changed its generator in 5.1). rnd sets R; no subshell, no fork.
# The state S stays apart from the output R; two steps give 46 bits of output.
S=$(( ((SEED % 2147483648 + 2147483648) % 2147483648 * 69069 + 12345) % 2147483648 ))
R=0
rnd() {
  S=$(( (S * 1103515245 + 12345) % 2147483648 )); R=$(( S >> 8 ))
  S=$(( (S * 1103515245 + 12345) % 2147483648 )); R=$(( (R << 23) | (S >> 8) ))
}
rnd_below() { rnd; R=$(( R % $1 )); }

# One file's size for the chosen distribution. Every distribution but tiny keeps some files
# above 64 KiB: btrfs stores smaller files inline in metadata, and the rescue tests need data
# blocks they can damage.
SIZE=0
pick_size() {
  rnd_below 100; local p=$R
  case $SIZES in
    tiny)  rnd_below 1025; SIZE=$R ;;
    # Small files only, 0..8 KiB (mean 4 KiB): a link farm, where the time goes to one lstat
    # and one link per path, not to data (issue 19's metadata tree).
    meta)  rnd_below 8193; SIZE=$R ;;
    small) if   [ $p -lt 70 ]; then rnd_below 4097; SIZE=$R
           elif [ $p -lt 90 ]; then rnd_below 61440; SIZE=$(( 4096 + R ))
           else rnd_below 196608; SIZE=$(( 65537 + R )); fi ;;
    # Mean about 148 KB: 10,000 files and ~6,300 changed or added over 19 dates give the
    # 2.4 GB of unique data that issue 6's benchmark asks for.
    bench) if   [ $p -lt 50 ]; then rnd_below 16385; SIZE=$R
           elif [ $p -lt 85 ]; then rnd_below 245761; SIZE=$(( 16384 + R ))
           else rnd_below 786433; SIZE=$(( 262144 + R )); fi ;;
  esac
}

write_random() { # PATH SIZE
  if [ "$2" -eq 0 ]; then : > "$1"; else head -c "$2" /dev/urandom > "$1"; fi
}

# Time of date index D (0-based) plus a seeded offset within that day, with nanoseconds.
MTIME=
pick_mtime() { # DAY_INDEX
  rnd_below 86400; local s=$(( START_DAY + $1 * 86400 + R ))
  rnd_below 1000000000; MTIME=$(printf '@%d.%09d' "$s" "$R")
}

# ---- the live tree: regular files spread over leaf directories ---------------------------
NLEAF=$(( FILES / 100 )); [ $NLEAF -ge 2 ] || NLEAF=2
NTOP=1; while [ $(( NTOP * NTOP )) -lt $NLEAF ]; do NTOP=$(( NTOP + 1 )); done
leaf_of() { LEAF="t$(( $1 % NLEAF % NTOP ))/l$(( $1 % NLEAF / NTOP ))"; }

declare -a LIVE=()   # relative paths under src/; "" marks a deleted slot
NEXT=0               # next file number, so names are never reused
LIVE_COUNT=0

add_file() { # DAY_INDEX; creates one new file with its own mtime
  leaf_of $NEXT
  mkdir -p "$SRC/$LEAF"
  local rel="$LEAF/f$NEXT.dat"
  pick_size; write_random "$SRC/$rel" $SIZE
  pick_mtime "$1"; touch -d "$MTIME" "$SRC/$rel"
  LIVE+=("$rel"); NEXT=$(( NEXT + 1 )); LIVE_COUNT=$(( LIVE_COUNT + 1 ))
}

PICKED=; PICKED_I=
pick_live() { # sets PICKED (relative path) and PICKED_I (index) of a random live file
  PICKED=
  [ $LIVE_COUNT -gt 0 ] || return 1
  local tries=0
  while [ -z "$PICKED" ]; do
    rnd_below ${#LIVE[@]}; PICKED_I=$R; PICKED=${LIVE[$R]}
    tries=$(( tries + 1 ))
    if [ $tries -gt 1000 ]; then echo "make-snapshots.sh: cannot pick a live file" >&2; exit 1; fi
  done
}

compact_live() { # drop the slots of deleted files, so picks rarely miss
  local kept=() f
  for f in "${LIVE[@]}"; do [ -z "$f" ] || kept+=("$f"); done
  LIVE=("${kept[@]}")
}

# Initial files: one head per file, one touch per leaf directory (forks dominate the cost).
for (( i = 0; i < FILES; i++ )); do
  leaf_of $NEXT
  [ -d "$SRC/$LEAF" ] || mkdir -p "$SRC/$LEAF"
  rel="$LEAF/f$NEXT.dat"
  pick_size; write_random "$SRC/$rel" $SIZE
  LIVE+=("$rel"); NEXT=$(( NEXT + 1 )); LIVE_COUNT=$(( LIVE_COUNT + 1 ))
done
if [ $FILES -gt 0 ]; then
  for (( j = 0; j < NLEAF && j < FILES; j++ )); do
    leaf_of $j; pick_mtime 0
    find "$SRC/$LEAF" -maxdepth 1 -type f -exec touch -d "$MTIME" {} +
  done
fi

if [ $LARGE_COUNT -gt 0 ]; then
  mkdir -p "$SRC/large"
  for (( i = 0; i < LARGE_COUNT; i++ )); do
    write_random "$SRC/large/big$i.bin" "$LARGE_BYTES"
    pick_mtime 0; touch -d "$MTIME" "$SRC/large/big$i.bin"
  done
fi

# ---- odd entries ---------------------------------------------------------------------------
long_name() { printf "%0${1}d" 0 | tr 0 "$2"; }

make_odd() {
  local o=$SRC/odd
  mkdir -p "$o"
  printf 'Latin-1 name\n'   > "$o/"$'caf\xe9.txt'
  mkdir "$o/"$'r\xe9pertoire'
  printf 'inside\n'         > "$o/"$'r\xe9pertoire/'$'\xff\xfe-not-utf8'
  printf 'newline\n'        > "$o/"$'new\nline'
  printf 'tab\n'            > "$o/"$'tab\there'
  printf 'backslash\n'      > "$o/"'back\slash'
  printf 'long name\n'      > "$o/$(long_name 255 n)"
  mkdir "$o/$(long_name 255 d)"
  mkdir -p "$o/empty-dir" "$o/empty-parent/empty-child"
  ln -s does-not-exist      "$o/link-dangling"
  ln -s /etc/hostname       "$o/link-absolute"
  ln -s $'caf\xe9.txt'      "$o/link-relative"
  ln -s ../t0               "$o/link-to-dir"
  ln -s $'\xe9t\xe9\n\xff'  "$o/link-latin1-target"
  mkfifo "$o/fifo"
  mkdir "$o/readonly-dir"
  printf 'read-only parent\n' > "$o/readonly-dir/kept"
  printf 'setuid\n' > "$o/setuid"; chmod 04755 "$o/setuid"
  mkdir "$o/setgid-dir"; chmod 02755 "$o/setgid-dir"
  printf 'in setgid dir\n' > "$o/setgid-dir/member"
  mkdir "$o/sticky-dir"; chmod 01777 "$o/sticky-dir"
  printf 'ns\n' > "$o/ns-mtime"
  printf 'two names, one inode\n' > "$o/hard-a"; ln "$o/hard-a" "$o/hard-b"
  mkdir -p "$SRC/t0"; ln "$o/hard-a" "$SRC/t0/hard-c"
  : > "$o/zero"
  head -c 512 /dev/urandom > "$o/exactly-512"
  head -c 65537 /dev/urandom > "$o/exactly-64KiB+1"
  chmod 0600 "$o/exactly-512"; chmod 0640 "$o/zero"
  if [ $IS_ROOT = 1 ]; then
    printf 'owned\n' > "$o/owned"; chown 1234:5678 "$o/owned"
    printf 'big uid\n' > "$o/big-uid"; chown 3000000000:3000000001 "$o/big-uid"
    mkdir "$o/owned-dir"; chown 1234:5678 "$o/owned-dir"
    ln -s owned "$o/owned-link"; chown -h 4321:8765 "$o/owned-link"
    mknod "$o/char-dev" c 1 3
    mknod "$o/block-dev" b 7 200
  fi
  # Fixed times for everything here (the shape must not depend on the clock), then the
  # entries whose own odd time is the point.
  find "$o" -execdir touch -h -d "@$(( START_DAY - 86400 )).250000000" {} +
  touch -d '@1700000000.123456789' "$o/ns-mtime"
  touch -h -d '@1600000000.987654321' "$o/link-relative"
  touch -d '@1650000000.000000001' "$o/empty-dir"
  # Read-only last: nothing may be created in it afterwards.
  chmod 0555 "$o/readonly-dir"
}

# Directory mtimes of src/ follow the date, not the clock (rsync copies them into the snapshot).
# odd/empty-dir keeps its own time.
stamp_dirs() { # DAY_INDEX
  find "$SRC" -type d ! -path "$SRC/odd/empty-dir" -execdir touch -d "@$(( START_DAY + $1 * 86400 + 3600 )).5" {} +
}

# A path longer than 4096 bytes, made one relative step at a time (any single path argument
# over 4096 bytes fails with ENAMETOOLONG). Prints the relative path under BASE.
LONG_REL=
make_long_path() { # BASE
  local comp; comp=$(long_name 200 L)
  local rel=odd/deep
  ( cd "$1" && mkdir -p odd/deep && cd odd/deep &&
    for (( k = 0; k < 22; k++ )); do mkdir "$comp"; cd "$comp"; done &&
    printf 'at the end of a path over 4096 bytes\n' > end-of-long-path &&
    touch -d '@1700000000.000000007' end-of-long-path )
  for (( k = 0; k < 22; k++ )); do rel="$rel/$comp"; done
  LONG_REL="$rel/end-of-long-path"
}

if [ $ODD = 1 ]; then make_odd; fi
if [ $LONG_PATH = 1 ]; then make_long_path "$SRC"; fi

# ---- changes between dates ---------------------------------------------------------------
pct() { local n=$(( LIVE_COUNT * $1 / 1000 )); [ $n -ge 1 ] || n=1; echo $n; }

change_src() { # DAY_INDEX
  local d=$1 n k
  compact_live
  n=$(pct 20)   # modified: new content and mtime; rsync writes a new inode in the snapshot
  for (( k = 0; k < n; k++ )); do
    pick_live || break
    pick_size; write_random "$SRC/$PICKED" $SIZE
    pick_mtime "$d"; touch -d "$MTIME" "$SRC/$PICKED"
  done
  n=$(pct 10)   # added
  for (( k = 0; k < n; k++ )); do add_file "$d"; done
  n=$(pct 5)    # deleted
  for (( k = 0; k < n; k++ )); do
    [ $LIVE_COUNT -gt 1 ] || break
    pick_live; rm -f "$SRC/$PICKED"; LIVE[$PICKED_I]=; LIVE_COUNT=$(( LIVE_COUNT - 1 ))
  done
  n=$(pct 3)    # renamed: rsync sees a deletion and an addition
  for (( k = 0; k < n; k++ )); do
    pick_live || break
    leaf_of $NEXT; mkdir -p "$SRC/$LEAF"
    local to="$LEAF/r$NEXT.dat"; NEXT=$(( NEXT + 1 ))
    mv "$SRC/$PICKED" "$SRC/$to"; LIVE[$PICKED_I]=$to
  done
  # Changed in place: same inode in src, same size, new bytes in the middle, new mtime.
  if pick_live; then
    local size; size=$(stat -c %s "$SRC/$PICKED")
    if [ "$size" -gt 0 ]; then
      rnd_below "$size"
      head -c 16 /dev/urandom | dd of="$SRC/$PICKED" bs=1 seek=$R conv=notrunc status=none
      pick_mtime "$d"; touch -d "$MTIME" "$SRC/$PICKED"
    fi
  fi
  n=$(pct 2)    # mode changed only: rsync chmods the inode every earlier snapshot shares
  for (( k = 0; k < n; k++ )); do
    pick_live || break
    rnd_below 2; if [ $R = 0 ]; then chmod 0600 "$SRC/$PICKED"; else chmod 0755 "$SRC/$PICKED"; fi
  done
  if [ $ODD = 1 ] && [ "$d" = 2 ]; then
    printf 'changed on day 2\n' >> "$SRC/odd/"$'caf\xe9.txt'
    touch -d "@$(( START_DAY + 2 * 86400 + 7 )).5" "$SRC/odd/"$'caf\xe9.txt'
  fi
}

# ---- the snapshots -----------------------------------------------------------------------
RSYNC_EXCLUDE=()
[ $LONG_PATH = 1 ] && RSYNC_EXCLUDE=(--exclude=/odd/deep/)
LAST=
for (( d = 0; d < SNAPSHOTS; d++ )); do
  [ $d -eq 0 ] || change_src $d
  stamp_dirs $d
  name=$(date -u -d "@$(( START_DAY + d * 86400 ))" +%Y-%m-%d)
  new=$ROOT/snapshots/$name
  if [ -n "$LAST" ]; then
    cp -al "$LAST" "$new"
    rsync -aH --delete "${RSYNC_EXCLUDE[@]}" "$SRC/" "$new/"
  else
    mkdir "$new"
    rsync -aH "${RSYNC_EXCLUDE[@]}" "$SRC/" "$new/"
  fi
  echo "snapshot $name"
  LAST=$new
  if [ "$MIRROR_AFTER" -eq $(( d + 1 )) ]; then
    mkdir -p "$ROOT/mirror"
    rsync -a "$ROOT/snapshots/" "$ROOT/mirror/"
    for m in "$ROOT"/mirror/*; do echo "mirror ${m##*/}"; done
  fi
done

if [ $LONG_PATH = 1 ]; then
  make_long_path "$LAST"
  find "$LAST/odd/deep" -type d -execdir touch -d "@$(( START_DAY + (SNAPSHOTS - 1) * 86400 + 3600 )).5" {} +
  touch -r "$SRC/odd" "$LAST/odd"
  echo "long-path ${LAST##*/}/$LONG_REL"
fi

paths=$(find "$ROOT/snapshots" -mindepth 1 -printf x | wc -c)
inodes=$(find "$ROOT/snapshots" -mindepth 1 -printf '%i\n' | sort -u | wc -l)
bytes=$(find "$ROOT/snapshots" -type f -printf '%i %s\n' | sort -u | awk '{s += $2} END {printf "%.0f", s}')
echo "summary snapshots=$SNAPSHOTS paths=$paths inodes=$inodes unique-bytes=$bytes root=$IS_ROOT"
