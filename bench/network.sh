#!/usr/bin/env bash
# What networking adds to a WPAR's start and stop, against the same WPAR
# without an address, and against LXC with the same veth-into-a-bridge
# set-up.  Run as root from the repository: bench/network.sh [cycles]
#
#   system   startwpar + stopwpar of a system WPAR with one IPv4 address
#            on a bridge (veth pair, address, host routes copied), against
#            the same cycle of a WPAR without -N (loopback only), and
#            lxc-start -d/wait/stop -k with lxc.net.0.type = veth on the
#            same bridge against lxc.net.0.type = empty
#   exec     wparexec -N address=... -- /bin/true against wparexec -- /bin/true
#
# The bridge (wbn<pid>, 10.250.0.1/24) is made and removed by this script;
# the host's own interfaces are not touched.  WPAR_BENCH_BIN names the
# directory of the commands (default: build/src/cmd, built first unless
# WPAR_BENCH_NO_BUILD=1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-31}

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
BR=wbn$$
LXCP=$T/lxc
cleanup() {
	for c in lxn lxe; do lxc-stop -P "$LXCP" -n $c -k >/dev/null 2>&1 || true; done
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		stopwpar -F "$n" >/dev/null 2>&1 || true
		rmwpar -F "$n" >/dev/null 2>&1 || true
	done
	ip link del "$BR" 2>/dev/null || true
	bench_cgroup_cleanup
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT

ip link add "$BR" type bridge
ip addr add 10.250.0.1/24 dev "$BR"
ip link set "$BR" up

mkwpar -n bnet -N address=10.250.0.10 >/dev/null
mkwpar -n bplain >/dev/null
mkwpar -n lxroot >/dev/null
init=$WPAR_BENCH_BIN/../init/wpar-init
[ -x "$init" ] || init=$WPAR_BENCH_BIN/wpar-init
cp "$init" "$WPAR_BASEDIR/lxroot/.bench-init"
lxc_config() { bench_lxc_config "$LXCP" "$1" "$WPAR_BASEDIR/lxroot" /.bench-init "$2"; }
lxc_config lxn "lxc.net.0.type = veth
lxc.net.0.link = $BR
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 10.250.0.20/24"
lxc_config lxe "lxc.net.0.type = empty"
lxc_cycle() {
	lxc-start -P "$LXCP" -n "$1" -d && lxc-wait -P "$LXCP" -n "$1" -s RUNNING &&
		lxc-stop -P "$LXCP" -n "$1" -k
}
wpar_cycle() { startwpar "$1" && stopwpar "$1"; }

echo "bench: $N interleaved cycles with and without an address"
for i in $(seq 1 "$N"); do
	timeit wpar-net wpar_cycle bnet
	timeit wpar-plain wpar_cycle bplain
	timeit lxc-net lxc_cycle lxn
	timeit lxc-empty lxc_cycle lxe
	timeit exec-net wparexec -N address=10.250.0.30 -- /bin/true
	timeit exec-plain wparexec -- /bin/true
	timeit start-net startwpar bnet
	timeit stop-net stopwpar bnet
	timeit start-plain startwpar bplain
	timeit stop-plain stopwpar bplain
done
# Nothing may be left on the bridge.
ports=$(ip -o link show master "$BR" | wc -l)
[ "$ports" = 0 ] || { echo "bench: $ports links left on $BR" >&2; exit 1; }

printf '\n%-52s %12s %12s %8s\n' "case (median of $N)" "with ms" "without ms" "ratio"
row 52 "startwpar+stopwpar, one address vs none" wpar-net wpar-plain
row 52 "  startwpar" start-net start-plain
row 52 "  stopwpar" stop-net stop-plain
row 52 "wparexec -- /bin/true, one address vs none" exec-net exec-plain
row 52 "lxc start+stop, veth in a bridge vs empty" lxc-net lxc-empty
printf '\n%-52s %12s %12s %8s\n' "with an address" "wpar ms" "lxc ms" "ratio"
row 52 "start+stop: WPAR vs LXC, both veth into a bridge" wpar-net lxc-net
