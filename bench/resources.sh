#!/usr/bin/env bash
# How precisely the resource controls hold, measured with real workloads in
# application WPARs (the integration tests only check generous bands):
#   bench/resources.sh [seconds]
#
#   - CPU hard maximum: a busy loop per CPU under CPU=0%-P%,P% for P in 5,
#     10, 25, 50: the CPU time it got against P% of the host.
#   - CPU shares: two WPARs pinned to CPU 0 with shares 30:10 and 20:10.
#   - CPU soft maximum: CPU=0%-10%,100% alone, then against a busy loop per
#     CPU on the host (the regulator caps it within a tick).
#   - memory hard maximum: how long an allocation of twice the limit takes
#     to be killed.
# Runs as root from the repository; everything lives in a temporary tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SECS=${1:-5}
[ "$(id -u)" = 0 ] || { echo "bench/resources.sh: run as root" >&2; exit 1; }
[ "${WPAR_BENCH_NO_BUILD:-0}" = 1 ] || ninja -C "$top/build" >/dev/null
W=$top/build/src/cmd
T=$(mktemp -d /tmp/wpar-bench-res.XXXXXX)
export WPAR_CONFDIR=$T/etc WPAR_STATEDIR=$T/state WPAR_RUNDIR=$T/run WPAR_BASEDIR=$T/wpars
export WPAR_LOGDIR=$T/log WPAR_CGROUP_PARENT=wpar-bench-res-$$
hogs=""
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$hogs" ] || kill $hogs 2>/dev/null || true
	local g
	for g in /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT"; do
		[ -d "$g" ] && find "$g" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
NCPU=$(nproc)

# CPU seconds (user+system) of a busy command run inside a WPAR for SECS.
cpu_of() { # wparexec args... -- (the loop is appended)
	"$W/wparexec" "$@" -- bash -c "timeout $SECS sh -c 'while :; do :; done'; times" |
		sed -n 2p | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

echo "resources: $NCPU CPUs, $SECS s per case"
echo
printf "%-34s %10s %10s %8s\n" "CPU hard maximum (one loop)" "expected" "measured" "ratio"
for p in 5 10 25 50; do
	want=$(awk -v p="$p" -v n="$NCPU" -v s="$SECS" 'BEGIN { c = p / 100 * n; if (c > 1) c = 1; printf "%.3f", c * s }')
	got=$(cpu_of -R "CPU=0%-$p%,$p%")
	printf "%-34s %9ss %9ss %8s\n" "CPU=0%-$p%,$p%" "$want" "$got" "$(awk -v a="$got" -v b="$want" 'BEGIN { printf "%.2f", a / b }')"
done

echo
printf "%-34s %10s %10s %8s\n" "CPU shares, both on CPU 0" "expected" "measured" ""
for pair in "30 10" "20 10"; do
	set -- $pair
	"$W/wparexec" -R shares_CPU="$1" -- bash -c "taskset -c 0 timeout $SECS sh -c 'while :; do :; done'; times" >"$T/a" &
	a=$!
	"$W/wparexec" -R shares_CPU="$2" -- bash -c "taskset -c 0 timeout $SECS sh -c 'while :; do :; done'; times" >"$T/b"
	wait "$a"
	ta=$(sed -n 2p "$T/a" | awk '{ split($1, u, /[ms]/); print u[1] * 60 + u[2] }')
	tb=$(sed -n 2p "$T/b" | awk '{ split($1, u, /[ms]/); print u[1] * 60 + u[2] }')
	printf "%-34s %10s %10s\n" "shares_CPU $1 : $2" "$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }')" "$(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.2f", a / b }')"
done

echo
printf "%-34s %10s %10s\n" "CPU soft maximum 10% (one loop)" "alone" "contended"
alone=$(cpu_of -R "CPU=0%-10%,100%")
for i in $(seq "$NCPU"); do
	timeout $((SECS + 2)) sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
contended=$(cpu_of -R "CPU=0%-10%,100%")
# shellcheck disable=SC2086
kill $hogs 2>/dev/null || true
hogs=""
printf "%-34s %9ss %9ss  (cap alone: %ss; a tick of 1 s runs uncapped first)\n" "CPU=0%-10%,100%" "$alone" "$contended" \
	"$(awk -v n="$NCPU" -v s="$SECS" 'BEGIN { printf "%.3f", 0.1 * n * s }')"

echo
mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
limit_mb=$((mem_kb / 1024 / 100))
t0=$(date +%s%N)
rc=0
"$W/wparexec" -R memory=0%-1%,1% -- python3 -c "b = bytearray($((limit_mb * 2)) * 1024 * 1024)" >/dev/null 2>&1 || rc=$?
t1=$(date +%s%N)
echo "memory=0%-1%,1% ($limit_mb MB): an allocation of $((limit_mb * 2)) MB ended with status $rc after $(((t1 - t0) / 1000000)) ms"
