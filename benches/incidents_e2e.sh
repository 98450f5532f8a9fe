#!/usr/bin/env bash
# End-to-end benchmark of `bordertrack incidents`: generates N synthetic incidents (fixed seed,
# 80 % within 20 km of a border of the embedded dataset) and times
#   bordertrack incidents FILE --within 5km --format csv -o /dev/null
# with /usr/bin/time -v, RUNS times. Prints wall time, CPU time and peak memory of each run.
#
#   benches/incidents_e2e.sh            # 1,000,000 incidents, 5 runs
#   benches/incidents_e2e.sh 200000 3   # smaller
#
# Needs /usr/bin/time (Debian package `time`). The generated file is kept under
# target/bench-data/ and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-5}
if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install -y time)" >&2
  exit 2
fi
cargo build --release --quiet --bin bordertrack --example gen_incidents
dir=target/bench-data
mkdir -p "$dir"
file="$dir/incidents-$n.csv"
[ -s "$file" ] || target/release/examples/gen_incidents "$n" "$file"
echo "input: $file ($(wc -c <"$file") bytes), $(nproc) cores"
for i in $(seq "$runs"); do
  /usr/bin/time -v target/release/bordertrack incidents "$file" --within 5km --format csv \
    -o /dev/null 2>"$dir/time.log"
  wall=$(grep 'Elapsed (wall clock)' "$dir/time.log" | awk '{print $NF}')
  user=$(grep 'User time' "$dir/time.log" | awk '{print $NF}')
  sys=$(grep 'System time' "$dir/time.log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$dir/time.log" | awk '{print $NF}')
  echo "run $i: wall ${wall} (m:ss), user ${user} s, sys ${sys} s, peak RSS ${rss} KB"
done
