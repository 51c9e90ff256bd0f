#!/usr/bin/env bash
# What a user namespace of its own (-S userns=yes) costs a system WPAR,
# against the same WPAR without one, and what it costs LXC and plain
# unshare(1) on the same kernel.  Run as root from the repository:
# bench/userns.sh [cycles]
#
#   start+stop   startwpar + stopwpar, with and without a user namespace
#                (the userns start has a first stage, a mapped namespace
#                and an idmapped copy of the WPAR's mount tree)
#   clogin       clogin WPAR /bin/true into each
#   lxc          lxc-start -d/wait/stop -k of the same root with
#                lxc.idmap and an idmapped rootfs, against without
#   unshare      unshare -Ufr --mount-proc -m -p true against unshare -f
#                --mount-proc -m -p true (the kernel's own cost)
#
# WPAR_BENCH_BIN names the directory of the commands (default:
# build/src/cmd, built first unless WPAR_BENCH_NO_BUILD=1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-21}

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$top/bench/lib.sh"
bench_need_pkgs lxc
if [ -z "${WPAR_BENCH_BIN:-}" ]; then
	bench_build "$top"
	WPAR_BENCH_BIN=$top/build/src/cmd
fi

T=$(mktemp -d /tmp/wpar-bench.XXXXXX)
chmod 0700 "$T"
bench_wpar_env "$T"
export PATH=$WPAR_BENCH_BIN:$PATH
LXCP=$T/lxc
cleanup() {
	for c in lxu lxp; do /usr/bin/lxc-stop -P "$LXCP" -n $c -k >/dev/null 2>&1 || true; done
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		stopwpar -F "$n" >/dev/null 2>&1 || true
		rmwpar -F "$n" >/dev/null 2>&1 || true
	done
	bench_cgroup_cleanup
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT

mkwpar -n bus -S userns=yes >/dev/null
mkwpar -n bpl >/dev/null
mkwpar -n lxroot >/dev/null
init=$WPAR_BENCH_BIN/../init/wpar-init
[ -x "$init" ] || init=$WPAR_BENCH_BIN/wpar-init
cp "$init" "$WPAR_BASEDIR/lxroot/.bench-init"
# LXC's unprivileged init walks the path to its root as itself (a WPAR's
# first stage walks it as the host's root): search permission for it.
chmod 0711 "$T" "$WPAR_BASEDIR"
lxc_config() { bench_lxc_config "$LXCP" "$1" "$WPAR_BASEDIR/lxroot" /.bench-init "lxc.net.0.type = empty
$2"; }
lxc_config lxu "lxc.idmap = u 0 300000000 65536
lxc.idmap = g 0 300000000 65536
lxc.rootfs.options = idmap=container"
lxc_config lxp ""
# Without newuidmap in its PATH LXC, as root, writes the maps itself;
# with it, it would need root's /etc/subuid to grant the range, which a
# benchmark does not edit.
lxc_cycle() {
	PATH=/nonexistent /usr/bin/lxc-start -P "$LXCP" -n "$1" -d &&
		/usr/bin/lxc-wait -P "$LXCP" -n "$1" -s RUNNING &&
		/usr/bin/lxc-stop -P "$LXCP" -n "$1" -k
}
wpar_cycle() { startwpar "$1" && stopwpar "$1"; }
lxc_ok=1
lxc_cycle lxu >/dev/null 2>&1 || {
	lxc_ok=0
	echo "bench: LXC with lxc.idmap and an idmapped rootfs does not start here; its rows are left out" >&2
}

echo "bench: $N interleaved cycles with and without a user namespace"
for i in $(seq 1 "$N"); do
	timeit wpar-userns wpar_cycle bus
	timeit wpar-plain wpar_cycle bpl
	timeit start-userns startwpar bus
	timeit start-plain startwpar bpl
	timeit clogin-userns clogin bus /bin/true
	timeit clogin-plain clogin bpl /bin/true
	timeit stop-userns stopwpar bus
	timeit stop-plain stopwpar bpl
	if [ $lxc_ok = 1 ]; then
		timeit lxc-userns lxc_cycle lxu
		timeit lxc-plain lxc_cycle lxp
	fi
	timeit unshare-userns unshare -Ufr -m -p --mount-proc true
	timeit unshare-plain unshare -f -m -p --mount-proc true
done

printf '\n%-52s %12s %12s %8s\n' "case (median of $N)" "userns ms" "without ms" "ratio"
row 52 "startwpar+stopwpar" wpar-userns wpar-plain
row 52 "  startwpar" start-userns start-plain
row 52 "  stopwpar" stop-userns stop-plain
row 52 "clogin WPAR /bin/true" clogin-userns clogin-plain
[ $lxc_ok = 1 ] && row 52 "lxc start+stop, lxc.idmap + idmapped rootfs" lxc-userns lxc-plain
row 52 "unshare -m -p --mount-proc true, -Ur added" unshare-userns unshare-plain
printf '\n%-52s %12s %12s %8s\n' "with a user namespace" "wpar ms" "lxc ms" "ratio"
[ $lxc_ok = 1 ] && row 52 "start+stop: WPAR vs LXC" wpar-userns lxc-userns
true
