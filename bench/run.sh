#!/usr/bin/env bash
# Benchmarks of the WPAR commands against peer tools, side by side and
# interleaved in one run (each iteration runs every contender once, so
# drift on the machine hits all of them alike), printing medians and
# ratios.  Run as root from the repository: bench/run.sh [iterations]
#
# Cases:
#   create  mkwpar -n X (shared system WPAR)   vs  lxc-create -t busybox,
#           and vs cp -a /etc (the file-system floor of a fresh /etc)
#   remove  rmwpar X                            vs  lxc-destroy
#   list    lswpar over 1000 defined WPARs      vs  lxc-ls -f over 1000 containers
#           (also lswpar -c and lswpar -L over the same set)
# Peers are installed from Debian's packages when missing (lxc, busybox).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-21}
LIST_N=${WPAR_BENCH_LIST_N:-1000}

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
for pkg in lxc busybox; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
done
[ -f "$top/build/build.ninja" ] || meson setup "$top/build" >/dev/null
ninja -C "$top/build" >/dev/null

T=$(mktemp -d /tmp/wpar-bench.XXXXXX)
chmod 0700 "$T"
export WPAR_CONFDIR=$T/etc/wpars WPAR_STATEDIR=$T/var/lib/wpar WPAR_RUNDIR=$T/run/wpar
export WPAR_BASEDIR=$T/wpars WPAR_LOGDIR=$T/log
export PATH=$top/build/src/cmd:$PATH
LXCP=$T/lxc
mkdir -p "$LXCP"
cleanup() {
	for c in $(lxc-ls -P "$LXCP" 2>/dev/null); do lxc-destroy -P "$LXCP" -n "$c" >/dev/null 2>&1 || true; done
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do rmwpar -F "$n" >/dev/null 2>&1 || true; done
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT

source "$top/bench/lib.sh"

echo "bench: $N interleaved iterations of create/remove"
for i in $(seq 1 "$N"); do
	timeit mkwpar mkwpar -n b$i
	timeit lxc-create lxc-create -P "$LXCP" -n c$i -t busybox
	# The floor on this disk: copying the host's /etc, which mkwpar's
	# fresh identity starts from.
	timeit cp-etc cp -a /etc "$T/etc-copy-$i"
	timeit rm-etc rm -rf "$T/etc-copy-$i"
	timeit rmwpar rmwpar b$i
	timeit lxc-destroy lxc-destroy -P "$LXCP" -n c$i
done

echo "bench: defining $LIST_N WPARs and $LIST_N LXC containers for the list case"
mkwpar -n tmpl >/dev/null
for i in $(seq 1 "$LIST_N"); do
	# Definitions only (spec file and state), cloned from a real one:
	# lswpar reads nothing else, and 1000 populated roots would cost
	# gigabytes of disk for no difference in what is measured.
	sed -e "s/\"tmpl\"/\"l$i\"/g" -e "s#/tmpl\"#/l$i\"#" \
		-e "s/uuid = \".*\"/uuid = \"$(cat /proc/sys/kernel/random/uuid)\"/" \
		"$WPAR_CONFDIR/tmpl.cf" >"$WPAR_CONFDIR/l$i.cf"
	lxc-create -P "$LXCP" -n l$i -t none >/dev/null 2>&1 ||
		{ mkdir -p "$LXCP/l$i"; echo "lxc.uts.name = l$i" >"$LXCP/l$i/config"; }
done
for i in $(seq 1 "$N"); do
	timeit lswpar lswpar
	timeit lswpar-c lswpar -c
	timeit lswpar-L lswpar -L
	timeit lxc-ls lxc-ls -P "$LXCP" -f
done

printf '\n%-44s %12s %12s %8s\n' "case (median of $N)" "wpar ms" "peer ms" "ratio"
row 44 "create: mkwpar vs lxc-create -t busybox" mkwpar lxc-create
row 44 "create: mkwpar vs cp -a /etc (floor)" mkwpar cp-etc
row 44 "remove: rmwpar vs lxc-destroy" rmwpar lxc-destroy
row 44 "remove: rmwpar vs rm -rf of an /etc copy" rmwpar rm-etc
row 44 "list $LIST_N: lswpar vs lxc-ls -f" lswpar lxc-ls
row 44 "list $LIST_N: lswpar -c vs lxc-ls -f" lswpar-c lxc-ls
row 44 "list $LIST_N: lswpar -L vs lxc-ls -f" lswpar-L lxc-ls
