#!/usr/bin/env bash
# Application WPARs against peer tools: `wparexec -- /bin/true`, interleaved
# in one run with the same /bin/true started by unshare (the floor: bare
# namespace cost), bwrap, lxc-execute, runc run, systemd-nspawn, and crun
# where it runs.  Timed by bench/spawntime.c (fork + execvp + waitpid from
# a C parent), medians and ratios printed.  Run as root from the repository:
#
#   bench/exec.sh [ROUNDS]            ROUNDS interleaved rounds (default 101)
#   bench/exec.sh --profile [RUNS]    where wparexec's time goes: strace -f -c -w
#                                     over RUNS runs (default 50), the slowest
#                                     system calls of one run, perf stat
#
# Environment:
#   WPAR_BENCH_WPAREXEC=PATH  the wparexec to time (default build/src/cmd/wparexec)
#   WPAR_BENCH_CRUN=PATH      a crun to try (default: crun in PATH, if any)
#   WPAR_BENCH_NO_BUILD=1     use the build directory as it is
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$top/bench/lib.sh"

usage() { echo "usage: bench/exec.sh [--profile] [rounds]"; }
profile=0
case ${1:-} in
--profile) profile=1 && shift ;;
-h | --help) sed -n '2,/^set -e/{/^set -e/d; s/^# \{0,1\}//; p}' "$0" && exit 0 ;;
-*) usage >&2 && exit 2 ;;
esac
if [ $profile = 1 ]; then N=${1:-50}; else N=${1:-101}; fi
[[ $N =~ ^[1-9][0-9]*$ ]] || { usage >&2 && exit 2; }

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
pkgs=(util-linux bubblewrap lxc runc systemd-container jq)
command -v cc >/dev/null || pkgs+=(gcc libc6-dev)
[ $profile = 0 ] || pkgs+=(strace)
bench_need_pkgs "${pkgs[@]}"
bench_build "$top"
WPAREXEC=${WPAR_BENCH_WPAREXEC:-$top/build/src/cmd/wparexec}
CRUN=${WPAR_BENCH_CRUN:-$(command -v crun || true)}

T=$(mktemp -d /tmp/wpar-bench-exec.XXXXXX)
chmod 0700 "$T"
bench_wpar_env "$T"
export PATH=$top/build/src/cmd:$PATH
LXCP=$T/lxc
BUNDLE=$T/bundle

# Directories systemd-nspawn and LXC leave on the host that were not there
# before this run: removed at the end (only while empty).
new_dirs=()
for d in /run/systemd /run/systemd/nspawn /run/systemd/nspawn-root; do
	[ -e "$d" ] || new_dirs+=("$d")
done
cleanup() {
	set +e
	local id rt f d
	for rt in runc "$CRUN"; do
		if [ -z "$rt" ] || [ ! -d "$T/state-${rt##*/}" ]; then continue; fi
		for id in $("$rt" --root "$T/state-${rt##*/}" list -q 2>/dev/null); do
			"$rt" --root "$T/state-${rt##*/}" delete -f "$id" >/dev/null 2>&1
		done
	done
	lxc-stop -P "$LXCP" -n lx -k >/dev/null 2>&1
	for f in "$WPAR_CONFDIR"/*.cf; do
		[ -e "$f" ] || continue
		f=${f##*/}
		stopwpar -F "${f%.cf}" >/dev/null 2>&1
		rmwpar -F "${f%.cf}" >/dev/null 2>&1
	done
	bench_cgroup_cleanup
	for d in "${new_dirs[@]}"; do
		[ -d "$d" ] && find "$d" -depth -type d -empty -delete 2>/dev/null
	done
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

spawntime_build "$T"

# probe CMD...: runs CMD once as spawntime would (stdin on /dev/null), its
# output into $T/probe.out; the status is CMD's.
probe() {
	local a args=()
	for a in "$@"; do args+=("${a//@ROUND@/probe}"); done
	"${args[@]}" </dev/null >"$T/probe.out" 2>&1
}
# why: the last line CMD printed in probe, for a note row.
why() {
	local line
	line=$(grep -v '^[[:space:]]*$' "$T/probe.out" | tail -n 1 | cut -c1-110)
	echo "${line:-no message}"
}

# The cases.  case_add KEY LABEL CMD...: a row of the table if CMD runs
# here (probed once), else a note row.
keys=()
declare -A label argv notes
note_keys=()
st_args=()
case_add() {
	local key=$1 lab=$2
	shift 2
	label[$key]=$lab
	argv[$key]=$(printf '%q ' "$@")
	if probe "$@"; then
		keys+=("$key")
		[ ${#st_args[@]} = 0 ] || st_args+=(---)
		st_args+=("$key" "$@")
	else
		case $key in
		wparexec-?) notes[$key]="wparexec -${key#wparexec-}: refused ($(why))" ;;
		*) notes[$key]="$key: cannot run here ($(why))" ;;
		esac
		note_keys+=("$key")
	fi
}

# --- the peers -------------------------------------------------------------

# LXC: no lxc.rootfs.path, so the container's root is the host's /; own
# PID, mount, UTS, IPC, network (loopback only) and cgroup namespaces, its
# own /proc, /sys read-only, the capabilities Debian's common.conf drops,
# lxc-init as PID 1 (as wparexec's init), its cgroup under this run's parent.
mkdir -p "$LXCP/lx"
cat >"$LXCP/lx/config" <<EOC
lxc.uts.name = lx
lxc.net.0.type = empty
lxc.mount.auto = proc:mixed sys:ro
lxc.console.path = none
lxc.tty.max = 0
lxc.apparmor.profile = unconfined
lxc.cap.drop = mac_admin mac_override sys_time sys_module sys_rawio
lxc.cgroup.dir = $WPAR_CGROUP_PARENT/lxc
EOC

# runc (and crun): `runc spec`'s defaults (PID, mount, UTS, IPC, network
# namespaces, plus cgroup here; reduced capabilities, masked /proc paths),
# running /bin/true without a terminal.  The root is an empty directory with
# the host's top-level symbolic links (bin -> usr/bin ...) and read-only
# bind mounts of the host's /usr /etc /opt /var /home /root /srv: runc
# cannot pivot_root into the host's / itself.
mkdir -p "$BUNDLE/rootfs"
(cd "$BUNDLE" && runc spec)
binds=()
for e in /*; do
	if [ -L "$e" ]; then
		ln -s "$(readlink "$e")" "$BUNDLE/rootfs/${e#/}"
	fi
done
for d in usr etc opt var home root srv; do
	if [ ! -d "/$d" ] || [ -L "/$d" ]; then continue; fi
	mkdir -p "$BUNDLE/rootfs/$d"
	binds+=("$d")
done
jq --arg root "$BUNDLE/rootfs" --arg cg "/$WPAR_CGROUP_PARENT/runc" \
	--argjson binds "$(printf '%s\n' "${binds[@]}" | jq -R . | jq -s .)" '
	.process.terminal = false | .process.args = ["/bin/true"] | .hostname = "rc" |
	.root = {path: $root, readonly: true} |
	.mounts += ($binds | map({destination: ("/" + .), type: "bind", source: ("/" + .),
		options: ["rbind", "ro", "nosuid", "nodev"]})) |
	.linux.namespaces += [{type: "cgroup"}] |
	.linux.cgroupsPath = $cg' "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"

# --- the cases ---------------------------------------------------------------

NET=(address=192.0.2.10 netmask=255.255.255.0)
RES=(totalProcesses=512 shares_CPU=20)
if [ -x "$WPAREXEC" ]; then
	if ! probe "$WPAREXEC" -- /bin/true; then
		echo "bench: '$WPAREXEC -- /bin/true' failed:" >&2
		cat "$T/probe.out" >&2
		exit 1
	fi
	case_add wparexec "wparexec -- /bin/true" "$WPAREXEC" -- /bin/true
	if [ $profile = 0 ]; then
		case_add wparexec-R "wparexec -R ${RES[*]} [1]" "$WPAREXEC" -R "${RES[@]}" -- /bin/true
		case_add wparexec-N "wparexec -N ${NET[*]} [2]" "$WPAREXEC" -N "${NET[@]}" -- /bin/true
	fi
else
	notes[wparexec]="wparexec: not built ($WPAREXEC missing): peers only"
	note_keys+=(wparexec)
	[ $profile = 0 ] || { echo "bench: ${notes[wparexec]}" >&2; exit 1; }
fi

if [ $profile = 1 ]; then
	echo "bench: profiling $N runs of: ${argv[wparexec]}"
	echo
	echo "== strace -f -c -w: wall time per system call over $N runs, every process"
	echo "   (wait4 includes spawntime, the timing parent, waiting for each run;"
	echo "    the rest is wparexec, its init and /bin/true; calls: over all $N runs)"
	strace -f -c -w -S time -o "$T/strace.sum" \
		"$T/spawntime" -w 0 "$N" wparexec "$WPAREXEC" -- /bin/true >/dev/null
	awk 'NR <= 32' "$T/strace.sum"
	echo
	echo "== the 20 slowest system calls of one run (strace -f -T; pid, call, seconds)"
	strace -f -ttt -T -o "$T/one.trace" "$WPAREXEC" -- /bin/true </dev/null >/dev/null
	sed -n 's/^\([0-9]*\) *[0-9.]* \(.*\) <\([0-9.]*\)>$/\3 \1 \2/p' "$T/one.trace" |
		sort -rg | awk 'NR <= 20 { d = $1; p = $2; $1 = $2 = ""; sub(/^ +/, "");
			printf "%9.6f  %-7s %s\n", d, p, substr($0, 1, 100) }'
	echo "   (whole trace: $(wc -l <"$T/one.trace") lines; runs under strace are several times slower)"
	echo
	if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
		for c in "$WPAREXEC -- /bin/true" "unshare -fpmuin --mount-proc /bin/true"; do
			echo "== perf stat -r $N $c"
			# shellcheck disable=SC2086 # the words of $c, on purpose
			perf stat -r "$N" -o "$T/perf.txt" -- $c </dev/null >/dev/null 2>&1
			grep -v -e '^$' -e '^#' "$T/perf.txt"
			echo
		done
	else
		echo "== perf: not available here (Debian: linux-perf, matching the kernel)"
	fi
	exit 0
fi

case_add unshare "unshare -fpmuin --mount-proc (floor)" unshare -fpmuin --mount-proc /bin/true
case_add bwrap "bwrap --unshare-all --dev-bind / / --proc /proc" \
	bwrap --unshare-all --dev-bind / / --proc /proc /bin/true
case_add lxc-execute "lxc-execute (root: the host's /)" lxc-execute -P "$LXCP" -n lx -- /bin/true
case_add runc "runc run (read-only view of the host)" \
	runc --root "$T/state-runc" run --bundle "$BUNDLE" wb-@ROUND@
case_add nspawn "systemd-nspawn -D / --volatile=yes" systemd-nspawn -q -D / --volatile=yes \
	--register=no --keep-unit --private-network /bin/true
if [ -n "$CRUN" ]; then
	case_add crun "crun run (the runc bundle)" \
		"$CRUN" --root "$T/state-crun" run --bundle "$BUNDLE" wbc-@ROUND@
else
	notes[crun]="crun: not installed (Debian 12's crun 1.8 refuses hybrid cgroup hosts)"
	note_keys+=(crun)
fi
case_add true "/bin/true alone (no container)" /bin/true

echo "bench: $N interleaved rounds of: ${keys[*]}"
"$T/spawntime" "$N" "${st_args[@]}" >"$T/times"
spawntime_load "$T/times"

# What wparexec left behind (there should be nothing: the contract).
left=()
if [ -x "$WPAREXEC" ]; then
	for f in "$WPAR_CONFDIR"/* "$WPAR_STATEDIR"/wpars/* "$WPAR_RUNDIR"/*; do
		# locks and cache (compiled seccomp programs) are shared by all WPARs
		case $f in "$WPAR_RUNDIR"/locks | "$WPAR_RUNDIR"/cache) continue ;; esac
		[ -e "$f" ] && left+=("${f#"$T"/}")
	done
	for f in /sys/fs/cgroup/"$WPAR_CGROUP_PARENT"/* /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT"/*; do
		[ -d "$f" ] || continue
		case ${f##*/} in lxc | runc) ;; *) left+=("$f") ;; esac
	done
fi

m() { echo "${st_med[$1]:-}"; }
f2() { printf '%.2f' "$1"; }
minus() { # A - B (the cost added to starting /bin/true alone), "-" if B is missing
	if [ -z "$2" ]; then echo -; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; fi
}
fmt='%-56s %7s %7s %7s %7s %8s %7s %7s %7s\n'
echo
echo "exec: /bin/true in a new container, $N interleaved rounds (ms; +true: median minus"
echo "      /bin/true's alone, the container's own cost; /peer: median / the peer's median)"
# shellcheck disable=SC2059 # the format is ours
printf "$fmt" case median p10 p90 +true /unshare /bwrap /lxc-ex /runc
for k in "${keys[@]}"; do
	# shellcheck disable=SC2059
	printf "$fmt" "${label[$k]}" "$(f2 "${st_med[$k]}")" "$(f2 "${st_p10[$k]}")" "$(f2 "${st_p90[$k]}")" \
		"$(minus "$(m "$k")" "$(m true)")" \
		"$(ratio "$(m "$k")" "$(m unshare)")" "$(ratio "$(m "$k")" "$(m bwrap)")" \
		"$(ratio "$(m "$k")" "$(m lxc-execute)")" "$(ratio "$(m "$k")" "$(m runc)")"
done
for k in "${note_keys[@]}"; do echo "note: ${notes[$k]}"; done
echo "[1] resource controls: pids.max and cpu.shares written into the WPAR's cgroup before the command starts"
echo "[2] network: stored and validated only (loopback only inside); configured with the networking issue"

goal() { # goal TEXT KEY LIMIT
	local r
	r=$(ratio "$(m wparexec)" "$(m "$2")")
	if [ "$r" = - ]; then
		printf '  %-36s  -      (not measured)\n' "$1"
	else
		printf '  %-36s  %-6s %s\n' "$1" "${r}x" \
			"$(awk -v r="$r" -v l="$3" 'BEGIN { print (r <= l) ? "met" : "NOT met" }')"
	fi
}
echo
echo "goal: wparexec -- /bin/true"
goal "within 1.3x of unshare (the floor)" unshare 1.3
goal "at most 0.5x of lxc-execute" lxc-execute 0.5
goal "at most 0.5x of bwrap" bwrap 0.5
if [ ${#left[@]} != 0 ]; then
	echo
	echo "check: wparexec left behind: ${left[*]}"
fi

echo
echo "commands (@ROUND@: a number unique to each run):"
for k in "${keys[@]}"; do printf '  %-12s %s\n' "$k" "${argv[$k]}"; done
echo "  LXC config ($LXCP/lx/config):"
sed 's/^/    /' "$LXCP/lx/config"
echo "  runc bundle: root $BUNDLE/rootfs (read-only; host links: $(cd "$BUNDLE/rootfs" && find . -maxdepth 1 -type l -printf '%P ' ))"
echo "    bind mounts, read-only: ${binds[*]/#//}; namespaces: $(jq -r '[.linux.namespaces[].type] | join(" ")' "$BUNDLE/config.json")"
