#!/usr/bin/env bash
# Start/stop of system WPARs against LXC, and many WPARs active at once.
# Run as root from the repository: bench/runtime.sh [cycles] [many]
#
#   cycle     startwpar (to Active: init running) + stopwpar (orderly, back
#             to Defined), and the same with stopwpar -F, interleaved with
#             lxc-start -d + lxc-wait -s RUNNING + lxc-stop -k of an LXC
#             container on the same root: the WPAR's own root directory,
#             /usr and /opt bound read-only, proc and sys, an empty network
#             namespace (loopback only), and the same init (wpar-init).
#   many      N system WPARs (default 200) active at once: the host-side
#             memory per active WPAR (monitor + init, proportional set
#             size), and lswpar over them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-31}
MANY=${2:-200}

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
dpkg-query -W -f='${Status}' lxc 2>/dev/null | grep -q 'install ok installed' ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lxc >/dev/null
[ -f "$top/build/build.ninja" ] || meson setup "$top/build" >/dev/null
ninja -C "$top/build" >/dev/null

T=$(mktemp -d /tmp/wpar-bench.XXXXXX)
chmod 0700 "$T"
export WPAR_CONFDIR=$T/etc/wpars WPAR_STATEDIR=$T/var/lib/wpar WPAR_RUNDIR=$T/run/wpar
export WPAR_BASEDIR=$T/wpars WPAR_LOGDIR=$T/log WPAR_CGROUP_PARENT=wpar-bench-$$
export PATH=$top/build/src/cmd:$PATH
LXCP=$T/lxc
cleanup() {
	lxc-stop -P "$LXCP" -n lx -k >/dev/null 2>&1 || true
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		stopwpar -F "$n" >/dev/null 2>&1 || true
		rmwpar -F "$n" >/dev/null 2>&1 || true
	done
	for g in /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT"; do [ -d "$g" ] && rmdir "$g" 2>/dev/null; done
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT

source "$top/bench/lib.sh"
lxc_cycle() {
	lxc-start -P "$LXCP" -n lx -d && lxc-wait -P "$LXCP" -n lx -s RUNNING && lxc-stop -P "$LXCP" -n lx -k
}
wpar_cycle() { startwpar bw && stopwpar "$@" bw; }

mkwpar -n bw >/dev/null
mkwpar -n lx >/dev/null
init=$(dirname "$(command -v startwpar)")/../init/wpar-init
[ -x "$init" ] || init=$(dirname "$(command -v startwpar)")/wpar-init
cp "$init" "$WPAR_BASEDIR/lx/.bench-init"
bench_lxc_config "$LXCP" lx "$WPAR_BASEDIR/lx" /.bench-init "lxc.net.0.type = empty"

echo "bench: $N interleaved start/stop cycles"
for i in $(seq 1 "$N"); do
	timeit wpar-cycle wpar_cycle
	timeit wpar-cycle-F wpar_cycle -F
	timeit lxc-cycle lxc_cycle
	timeit startwpar startwpar bw
	timeit stopwpar stopwpar bw
	timeit lxc-start sh -c "lxc-start -P '$LXCP' -n lx -d && lxc-wait -P '$LXCP' -n lx -s RUNNING"
	timeit lxc-stop lxc-stop -P "$LXCP" -n lx -k
done

printf '\n%-52s %12s %12s %8s\n' "case (median of $N)" "wpar ms" "lxc ms" "ratio"
row 52 "start+stop: startwpar+stopwpar vs lxc -d/wait/stop -k" wpar-cycle lxc-cycle
row 52 "start+stop: startwpar+stopwpar -F vs lxc ... -k" wpar-cycle-F lxc-cycle
row 52 "start: startwpar vs lxc-start -d + lxc-wait" startwpar lxc-start
row 52 "stop: stopwpar (orderly) vs lxc-stop -k" stopwpar lxc-stop

echo
echo "bench: $MANY WPARs active at once"
t0=$EPOCHREALTIME
for i in $(seq 1 "$MANY"); do mkwpar -n m$i >/dev/null; done
t1=$EPOCHREALTIME
for i in $(seq 1 "$MANY"); do startwpar m$i >/dev/null; done
t2=$EPOCHREALTIME
active=$(lswpar -c -q -a state | grep -c '^A$' || true)
pss=0
for i in $(seq 1 "$MANY"); do
	info=$WPAR_RUNDIR/m$i/info
	for p in $(sed -n 's/^monitor_pid=//p; s/^init_pid=//p' "$info"); do
		k=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		pss=$((pss + k))
	done
done
for i in $(seq 1 11); do timeit lswpar-many lswpar; done
t3=$EPOCHREALTIME
for i in $(seq 1 "$MANY"); do stopwpar m$i >/dev/null; done
t4=$EPOCHREALTIME
awk -v n="$MANY" -v act="$active" -v pss="$pss" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" 'BEGIN {
	printf "created %d in %.1f s, started in %.1f s (%.1f ms each), %d Active\n", n, b - a, c - b, (c - b) * 1000 / n, act
	printf "host-side memory per active WPAR (monitor + init, Pss): %.0f KiB\n", pss / n
	printf "stopped all in %.1f s (%.1f ms each)\n", e - d, (e - d) * 1000 / n }'
echo "lswpar over $MANY active WPARs: $(median_ms lswpar-many) ms (median of 11)"
