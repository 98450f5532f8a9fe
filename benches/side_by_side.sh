#!/usr/bin/env bash
# Two builds of `bordertrack` side by side on the README benchmark: runs
#   BIN incidents FILE --data geodata --within 5km --format csv -o /dev/null
# for each binary in turn, ROUNDS times, the order swapped every round (the machine's speed
# drifts; only alternating runs compare), both against the same dataset directory. Prints
# each run, then each binary's median CPU time (user+sys), wall time and peak memory, and the
# second binary's gap to the first.
#
#   benches/side_by_side.sh OLD_BIN NEW_BIN            # 20 rounds, 1,000,000 incidents
#   benches/side_by_side.sh OLD_BIN NEW_BIN 10 200000  # fewer rounds, smaller input
#
# Build an earlier version with `git worktree add /tmp/old COMMIT && cargo build --release
# --manifest-path /tmp/old/Cargo.toml`. The input is the one `benches/incidents_e2e.sh`
# generates (made here when missing). Set DATA to use another dataset directory than
# `geodata/`, and RAYON_NUM_THREADS=1 for one worker. Needs /usr/bin/time (Debian `time`).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN [ROUNDS] [INCIDENTS]" >&2
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
rounds=${3:-20}
n=${4:-1000000}
cd "$(dirname "$0")/.."
data=${DATA:-geodata}
if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install -y time)" >&2
  exit 2
fi
dir=target/bench-data
mkdir -p "$dir"
file="$dir/incidents-$n.csv"
if [ ! -s "$file" ]; then
  cargo build --release --quiet --example gen_incidents
  target/release/examples/gen_incidents "$n" "$file"
fi
log="$dir/side_by_side.log"
: >"$log"
run() {
  /usr/bin/time -f "$1 %U %S %e %M" "$2" incidents "$file" --data "$data" --within 5km \
    --format csv -o /dev/null 2>&1 >/dev/null | tail -1 | tee -a "$log"
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then
    run old "$old"
    run new "$new"
  else
    run new "$new"
    run old "$old"
  fi
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for which in old new; do
  cpu=$(awk -v w="$which" '$1==w {print $2+$3}' "$log" | median)
  wall=$(awk -v w="$which" '$1==w {print $4}' "$log" | median)
  rss=$(awk -v w="$which" '$1==w {print $5}' "$log" | median)
  printf '%s: CPU %.3f s, wall %.3f s, peak %.1f MB (medians of %s runs)\n' \
    "$which" "$cpu" "$wall" "$(echo "$rss" | awk '{print $1/1024}')" "$rounds"
  eval "${which}_cpu=$cpu; ${which}_wall=$wall"
done
awk -v a="$old_cpu" -v b="$new_cpu" -v c="$old_wall" -v d="$new_wall" \
  'BEGIN {printf "new against old: CPU %+.1f%%, wall %+.1f%%\n", 100*(b/a-1), 100*(d/c-1)}'
