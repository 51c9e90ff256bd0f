#!/usr/bin/env bash
# Checkpoint and restart of a WPAR against plain CRIU on the same work:
#   bench/checkpoint.sh [runs] [sizes in MB, default "64 256 1024"]
#
# The work is one process holding SIZE MB of dirtied memory.  WPAR side: a
# checkpointable system WPAR running it: `chkptwpar` (the WPAR goes on),
# then, after a stopwpar -F that is not timed, `restartwpar`.  Plain side:
# the same process on the host in a session of its own: `criu dump
# --leave-running`, then after a kill `criu restore -d`.  Peer: an LXC
# system container on a copy of a WPAR's root running the same process as
# its init: `lxc-checkpoint` (it goes on), then after an untimed
# `lxc-stop -k`, `lxc-checkpoint -r -d` (CRIU told to lock the network
# with nftables through CRIU_CONFIG_FILE, as this host has no iptables).
# Prints the medians (ms), the image sizes (MB) and the ratios WPAR /
# plain and WPAR / LXC; then what the WPAR layer adds to CRIU's own work
# on the same tree: chkptwpar and restartwpar against the time CRIU's log
# of that very dump or restore covers (its last timestamp).
# Runs as root from the repository; everything lives in a temporary tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
RUNS=${1:-3}
SIZES=${2:-64 256 1024}
[ "$(id -u)" = 0 ] || { echo "bench/checkpoint.sh: run as root" >&2; exit 1; }
bench_build "$top"
W=${WPAR_BENCH_BIN:-$top/build/src/cmd}
T=$(mktemp -d /tmp/wpar-bench-ck.XXXXXX)
bench_wpar_env "$T"
export PATH=$W:$PATH
plain_pid=""
LXCP=$T/lxc
bench_need_pkgs lxc
cleanup() {
	[ -z "$plain_pid" ] || kill -9 "$plain_pid" 2>/dev/null || true
	lxc-stop -P "$LXCP" -n lck -k >/dev/null 2>&1 || true
	"$W/stopwpar" -F bck >/dev/null 2>&1 || true
	pkill -9 -f "wpar-bench-hold" 2>/dev/null || true
	bench_cgroup_cleanup
	rm -rf "$T"
}
trap cleanup EXIT

# The holder: dirties SIZE MB page by page, says "ready", sleeps.
holder() { # size_mb
	echo "import time; b = bytearray($1 << 20)
for i in range(0, len(b), 4096): b[i] = 1
print('ready', flush=True); time.sleep(1e6)  # wpar-bench-hold"
}

# criu_time KEY LOG: the time CRIU's log covers (its last "(SS.ffffff)").
criu_time() {
	samples[$1]+="$(grep -oE '^\([0-9]+\.[0-9]+\)' "$2" | tail -1 | tr -d '()') "
}

wait_ready() { # file
	local i
	for i in $(seq 600); do
		grep -q ready "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: the holder did not start ($1)" >&2
	exit 1
}

mkwpar -n bck -c >/dev/null
# The LXC peer's root: a WPAR's, with the host's /usr bound in.
mkwpar -n lxroot >/dev/null
chmod 0711 "$T" "$WPAR_BASEDIR"
bench_lxc_config "$LXCP" lck "$WPAR_BASEDIR/lxroot" "/usr/bin/python3 /hold.py" \
	"lxc.net.0.type = empty
lxc.console.path = none
lxc.tty.max = 0"
echo "network-lock nftables" >"$T/criu.conf"
export CRIU_CONFIG_FILE=$T/criu.conf
printf '%-8s %10s %10s %10s %10s %10s %10s %10s %10s %8s %8s %8s %8s\n' size_MB ckpt_wpar \
	ckpt_criu ckpt_lxc rst_wpar rst_criu rst_lxc img_wpar img_criu ck_x rst_x ck_xlxc rst_xlxc
layer=()
for size in $SIZES; do
	unset 'samples[cw]' 'samples[cc]' 'samples[rw]' 'samples[rc]' 'samples[cl]' 'samples[rl]'
	unset 'samples[cwc]' 'samples[rwc]' 'samples[cwd]' 'samples[rwd]'
	img_w=0 img_c=0
	for _ in $(seq "$RUNS"); do
		# --- WPAR
		startwpar bck >/dev/null
		holder "$size" >"$T/wpars/bck/tmp/hold.py"
		rm -f "$T/wpars/bck/tmp/hold.out"
		clogin bck sh -c 'nohup setsid python3 /tmp/hold.py >/tmp/hold.out 2>&1 </dev/null &'
		wait_ready "$T/wpars/bck/tmp/hold.out"
		rm -rf "$T/sw"
		timeit cw chkptwpar -d "$T/sw" bck
		img_w=$(du -sm "$T/sw" | cut -f1)
		stopwpar -F bck >/dev/null
		timeit rw restartwpar -d "$T/sw" bck
		# The same again with CRIU's log at its info level, which
		# timestamps every step (the runs above log errors only).
		rm -rf "$T/sw"
		timeit cwd chkptwpar -d "$T/sw" -o "$T/ck.log" -l debug bck
		criu_time cwc "$T/sw/dump.log"
		stopwpar -F bck >/dev/null
		timeit rwd restartwpar -d "$T/sw" -o "$T/rs.log" -l debug bck
		criu_time rwc "$T/sw/restore.log"
		stopwpar -F bck >/dev/null
		# --- plain CRIU
		holder "$size" >"$T/hold.py"
		rm -f "$T/hold.out"
		setsid python3 "$T/hold.py" >"$T/hold.out" 2>&1 </dev/null &
		plain_pid=$!
		wait_ready "$T/hold.out"
		rm -rf "$T/sc" && mkdir "$T/sc"
		timeit cc criu dump -t "$plain_pid" -D "$T/sc" --network-lock nftables --leave-running
		img_c=$(du -sm "$T/sc" | cut -f1)
		kill -9 "$plain_pid"
		wait "$plain_pid" 2>/dev/null || true
		timeit rc criu restore -d -D "$T/sc" --network-lock nftables
		kill -9 "$plain_pid" 2>/dev/null || true
		wait "$plain_pid" 2>/dev/null || true
		plain_pid=""
		# --- LXC
		holder "$size" | sed 's|^print(.ready., flush=True)|open("/tmp/ready", "w").write("ready")|' \
			>"$WPAR_BASEDIR/lxroot/hold.py"
		rm -f "$WPAR_BASEDIR/lxroot/tmp/ready"
		lxc-start -P "$LXCP" -n lck -d
		wait_ready "$WPAR_BASEDIR/lxroot/tmp/ready"
		rm -rf "$T/sl"
		timeit cl lxc-checkpoint -P "$LXCP" -n lck -D "$T/sl"
		lxc-stop -P "$LXCP" -n lck -k >/dev/null 2>&1
		timeit rl lxc-checkpoint -P "$LXCP" -n lck -D "$T/sl" -r -d
		lxc-stop -P "$LXCP" -n lck -k >/dev/null 2>&1
	done
	cw=$(median_ms cw) cc=$(median_ms cc) rw=$(median_ms rw) rc=$(median_ms rc)
	cl=$(median_ms cl) rl=$(median_ms rl)
	printf '%-8s %10s %10s %10s %10s %10s %10s %10s %10s %8s %8s %8s %8s\n' "$size" "$cw" "$cc" \
		"$cl" "$rw" "$rc" "$rl" "$img_w" "$img_c" "$(ratio "$cw" "$cc")" "$(ratio "$rw" "$rc")" \
		"$(ratio "$cw" "$cl")" "$(ratio "$rw" "$rl")"
	cwd=$(median_ms cwd) rwd=$(median_ms rwd) cwc=$(median_ms cwc) rwc=$(median_ms rwc)
	layer+=("$(printf '%-8s %10s %10s %8s %10s %10s %8s' "$size" "$cwd" "$cwc" \
		"$(ratio "$cwd" "$cwc")" "$rwd" "$rwc" "$(ratio "$rwd" "$rwc")")")
done
echo
echo "the WPAR layer: the commands (CRIU logging at info) against the time CRIU's log of"
echo "the same dump or restore covers"
printf '%-8s %10s %10s %8s %10s %10s %8s\n' size_MB chkptwpar criu_log ck_x restartwpar \
	criu_log rst_x
printf '%s\n' "${layer[@]}"
