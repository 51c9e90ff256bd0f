#!/usr/bin/env bash
# The benchmarks of the WPAR commands against peer tools, side by side and
# interleaved in one run (each iteration runs every contender once, so
# drift on the machine hits all of them alike), printing medians and
# ratios.  The one entry point; run as root from the repository:
#
#   bench/run.sh [--only SECTIONS] [N]
#
# SECTIONS is a comma-separated list of (default: all four, in this order)
#   create   mkwpar/rmwpar/lswpar against LXC (below; N iterations, default 21)
#   runtime  bench/runtime.sh: startwpar/stopwpar cycles against LXC and many
#            WPARs active at once (N cycles, default 31; WPAR_BENCH_MANY
#            WPARs, default 200)
#   exec     bench/exec.sh: wparexec -- /bin/true against unshare, bwrap,
#            lxc-execute, runc, systemd-nspawn, crun (N rounds, default 101)
#   resources bench/resources.sh: how precisely the resource controls hold
#            (CPU caps, shares, the soft-maximum regulator, memory)
#   userns   bench/userns.sh: start+stop and clogin with a user namespace
#            against without, and LXC and unshare with and without one
#   network  bench/network.sh: start+stop and wparexec with one address
#            against the same without, and against LXC with a veth
#            (N cycles, default 31; not in the default list)
# N, when given, is the iteration count of every section.  A failing section
# does not stop the others; the exit status is 1 if any failed.
#
# The create section:
#   create  mkwpar -n X (shared system WPAR)   vs  lxc-create -t busybox,
#           and vs cp -a /etc (the file-system floor of a fresh /etc)
#   remove  rmwpar X                            vs  lxc-destroy
#   list    lswpar over 1000 defined WPARs      vs  lxc-ls -f over 1000 containers
#           (also lswpar -c and lswpar -L over the same set)
# Peers are installed from Debian's packages when missing (lxc, busybox).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

usage() { echo "usage: bench/run.sh [--only create,runtime,exec,resources,network,userns] [iterations]"; }
only=create,runtime,exec,resources
while [ $# -gt 0 ]; do
	case $1 in
	--only) [ $# -ge 2 ] || { usage >&2 && exit 2; }; only=$2 && shift 2 ;;
	--only=*) only=${1#--only=} && shift ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d; s/^# \{0,1\}//; p}' "$0" && exit 0 ;;
	-*) usage >&2 && exit 2 ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || { usage >&2 && exit 2; }
ITER=${1:-}
[ -z "$ITER" ] || [[ $ITER =~ ^[1-9][0-9]*$ ]] || { usage >&2 && exit 2; }
sections=()
for s in ${only//,/ }; do
	case $s in
	create | runtime | exec | resources | network | userns) sections+=("$s") ;;
	*) echo "bench: unknown section '$s' (create, runtime, exec, resources, network, userns)" >&2 && exit 2 ;;
	esac
done
[ ${#sections[@]} != 0 ] || { usage >&2 && exit 2; }

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$top/bench/lib.sh"
bench_build "$top"

# The create section, in a subshell of its own: its temporary directory
# and its trap end with it.
create_section() {
	N=${ITER:-21}
	LIST_N=${WPAR_BENCH_LIST_N:-1000}
	bench_need_pkgs lxc busybox

	T=$(mktemp -d /tmp/wpar-bench.XXXXXX)
	chmod 0700 "$T"
	export WPAR_CONFDIR=$T/etc/wpars WPAR_STATEDIR=$T/var/lib/wpar WPAR_RUNDIR=$T/run/wpar
	export WPAR_BASEDIR=$T/wpars WPAR_LOGDIR=$T/log
	export PATH=$top/build/src/cmd:$PATH
	LXCP=$T/lxc
	mkdir -p "$LXCP"
	# shellcheck disable=SC2317 # called by the trap
	cleanup() {
		local c f
		for c in $(lxc-ls -P "$LXCP" 2>/dev/null); do lxc-destroy -P "$LXCP" -n "$c" >/dev/null 2>&1 || true; done
		for f in "$WPAR_CONFDIR"/*.cf; do
			[ -e "$f" ] || continue
			f=${f##*/}
			rmwpar -F "${f%.cf}" >/dev/null 2>&1 || true
		done
		rm -rf --one-file-system "$T"
	}
	trap cleanup EXIT

	echo "bench: $N interleaved iterations of create/remove"
	for i in $(seq 1 "$N"); do
		timeit mkwpar mkwpar -n "b$i"
		timeit lxc-create lxc-create -P "$LXCP" -n "c$i" -t busybox
		# The floor on this disk: copying the host's /etc, which mkwpar's
		# fresh identity starts from.
		timeit cp-etc cp -a /etc "$T/etc-copy-$i"
		timeit rm-etc rm -rf "$T/etc-copy-$i"
		timeit rmwpar rmwpar "b$i"
		timeit lxc-destroy lxc-destroy -P "$LXCP" -n "c$i"
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
		lxc-create -P "$LXCP" -n "l$i" -t none >/dev/null 2>&1 ||
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
}

failed=()
for s in "${sections[@]}"; do
	echo "=== $s"
	case $s in
	create)
		# errexit holds inside the subshell only outside a || list
		set +e
		(
			set -e
			create_section
		)
		rc=$?
		set -e
		[ $rc = 0 ] || failed+=("$s")
		;;
	runtime)
		args=()
		[ -z "$ITER${WPAR_BENCH_MANY:-}" ] || args=("${ITER:-31}")
		[ -z "${WPAR_BENCH_MANY:-}" ] || args+=("$WPAR_BENCH_MANY")
		bash "$top/bench/runtime.sh" "${args[@]}" || failed+=("$s")
		;;
	exec) bash "$top/bench/exec.sh" ${ITER:+"$ITER"} || failed+=("$s") ;;
	resources) WPAR_BENCH_NO_BUILD=1 bash "$top/bench/resources.sh" || failed+=("$s") ;;
	network) WPAR_BENCH_NO_BUILD=1 bash "$top/bench/network.sh" ${ITER:+"$ITER"} || failed+=("$s") ;;
	userns) WPAR_BENCH_NO_BUILD=1 bash "$top/bench/userns.sh" ${ITER:+"$ITER"} || failed+=("$s") ;;
	esac
	echo
done
if [ ${#failed[@]} != 0 ]; then
	echo "bench: failed: ${failed[*]}" >&2
	exit 1
fi
