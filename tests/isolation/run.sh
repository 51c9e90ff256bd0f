#!/usr/bin/env bash
# The isolation battery: escape and interference attempts, each made as
# root inside a system WPAR (clogin) and inside an application WPAR
# (wparexec).  Every attempt must be refused, and the host must be
# unchanged afterwards (its host name, the sysctls the attempts aim at,
# the victim processes, the other WPAR's files, the host binary behind
# the WPAR's init, ...).  Prints one line per attempt and mode and ends
# with "N passed, N failed".  docs/mapping-security.md lists the attempts
# and what stops each one.
#
# Every attempt is harmless to this host even if the confinement were
# broken (probe.c says how for each).  Attempts left out because they
# cannot be made safely are listed in docs/mapping-security.md.
#
# Environment: WPAR_BIN (the built commands; default build/src/cmd),
# WPAR_ISO_PROBE (the static probe; default next to WPAR_BIN's build),
# WPAR_TEST_ONLY=<regex> runs only the attempts whose name matches,
# WPAR_ISO_MODE selects what the WPARs run with:
#   default  as this host sets them up (here: the v1 devices controller)
#   bpf      the device filter as a cgroup v2 BPF program (WPAR_DEVICE_FILTER),
#            and the system WPAR given CAP_MKNOD: the program must refuse
#            to make the nodes of its device attempts
#   userns   system WPARs with a user namespace of their own (-S userns=yes);
#            the application attempts are those of the default mode and
#            are not repeated
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${WPAR_BIN:=$here/../../build/src/cmd}"
export WPAR_BIN=$(cd "$WPAR_BIN" && pwd)
: "${WPAR_ISO_PROBE:=$WPAR_BIN/../../tests/isolation/wpar-iso-probe}"
export SHELL=/bin/sh
source "$here/../integration/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "tests/isolation/run.sh: run as root" >&2
	exit 1
fi
if [ ! -x "$WPAR_ISO_PROBE" ]; then
	echo "tests/isolation/run.sh: no probe at $WPAR_ISO_PROBE (build the project)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# WPAR_TEST_ONLY that names no attempt here (an integration test's name):
# nothing to set up.
if [ -n "${WPAR_TEST_ONLY:-}" ] &&
	! grep -oE '(both|selected) [a-z0-9-]+' "$0" | awk '{ print $2 }' | grep -qE "$WPAR_TEST_ONLY"; then
	echo "0 passed, 0 failed"
	exit 0
fi

MODE=${WPAR_ISO_MODE:-default}
SYS_FLAGS=()
UTS_ARG=()
case $MODE in
default) ;;
bpf)
	export WPAR_DEVICE_FILTER=bpf
	SYS_FLAGS=(-S privs+=CAP_MKNOD)
	;;
userns)
	SYS_FLAGS=(-S userns=yes)
	# enable_hostname (the default) lets root name its own UTS namespace:
	# the attempt then expects that, and the host's name unchanged.
	UTS_ARG=(own)
	;;
*)
	echo "tests/isolation/run.sh: WPAR_ISO_MODE=$MODE is not default, bpf or userns" >&2
	echo "0 passed, 1 failed"
	exit 1
	;;
esac

passed=0
failed=0
HOST_PIDS=""
HOST_SHM=""

iso_cleanup() {
	local rc=$?
	set +e
	local p i
	for p in $HOST_PIDS; do kill -KILL "$p" 2>/dev/null; done
	for i in $HOST_SHM; do ipcrm -m "$i" 2>/dev/null; done
	for p in isoa isob isoc; do timeout -k 2 30 stopwpar -F "$p" >/dev/null 2>&1; done
	(exit $rc)
	cleanup
	[ -z "${BR:-}" ] || ip link del "$BR" 2>/dev/null
	return $rc
}

new_env
trap iso_cleanup EXIT
trap 'exit 130' INT TERM

setup_fail() {
	echo "isolation: setup failed: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

start=$(date +%s%N)

# The victims: a host process, a second system WPAR with a process, a
# secret file and a shared-memory segment of its own, and a segment of
# the host's.
TAG=$$$RANDOM
sleep "3600.$TAG" </dev/null >/dev/null 2>&1 &
HOST_PID=$!
disown "$HOST_PID" # its SIGKILL at the end is no news
HOST_PIDS=$HOST_PID
# A bridge of the battery's own (never the host's interfaces) with the
# host's address .1: isoa gets .11, isob .12, the application WPAR .13.
BR=wib$(printf '%04x' $((RANDOM % 65536)))
NET4=10.$((200 + RANDOM % 50)).$((RANDOM % 250))
NET_A=() NET_B=() NET_APP=()
if ip link add "$BR" type bridge 2>/dev/null && ip addr add "$NET4.1/24" dev "$BR" &&
	ip link set "$BR" up; then
	NET_A=(-N "address=$NET4.11") NET_B=(-N "address=$NET4.12") NET_APP=(-N "address=$NET4.13")
else
	echo "  (no bridge: the address attempts are left out)"
	ip link del "$BR" 2>/dev/null
	BR=
fi
# The WPAR under attack runs with process and memory limits (memory=1%
# of this host's RAM as the hard limit).
mkwpar -n isoa "${SYS_FLAGS[@]}" -R totalProcesses=64 memory=0%-1%,1% "${NET_A[@]}" \
	>/dev/null 2>&1 || setup_fail "mkwpar isoa"
mkwpar -n isob "${SYS_FLAGS[@]}" "${NET_B[@]}" >/dev/null 2>&1 || setup_fail "mkwpar isob"
for w in isoa isob; do
	cp "$WPAR_ISO_PROBE" "$WPAR_BASEDIR/$w/wpar-iso-probe" || setup_fail "copy probe"
done
echo "secret-of-isob" >"$WPAR_BASEDIR/isob/etc/iso-secret"
# isod: a Defined system WPAR whose root is outside the base directory.
mkwpar -n isod -d "$T/elsewhere/isod" "${SYS_FLAGS[@]}" >/dev/null 2>&1 || setup_fail "mkwpar isod"
echo "secret-of-isod" >"$T/elsewhere/isod/etc/iso-secret"
echo "host-marker" >"$T/host-marker"
# isob's process, started by its boot script (a clogin session's
# processes end with the session).
mkdir -p "$WPAR_BASEDIR/isob/etc/wpar/rc.d"
printf '#!/bin/sh\nsleep 3601.%s </dev/null >/dev/null 2>&1 &\n' "$TAG" >"$WPAR_BASEDIR/isob/etc/wpar/rc.d/10-iso"
chmod +x "$WPAR_BASEDIR/isob/etc/wpar/rc.d/10-iso"
# isoa's watcher for the clogin races: a process of the WPAR's own (not
# of a clogin session, which would keep clogin's binary busy) that runs
# the probe when the runner asks.
mkdir -p "$WPAR_BASEDIR/isoa/etc/wpar/rc.d"
cat >"$WPAR_BASEDIR/isoa/etc/wpar/rc.d/10-iso-race" <<'EOF'
#!/bin/sh
(
	while :; do
		if [ -e /iso-race.go ]; then
			read -r args </iso-race.go
			rm -f /iso-race.go
			/wpar-iso-probe exe_catch $args >/iso-race.tmp 2>&1
			echo "rc=$?" >>/iso-race.tmp
			mv /iso-race.tmp /iso-race.out
		fi
		sleep 0.05
	done
) </dev/null >/dev/null 2>&1 &
EOF
chmod +x "$WPAR_BASEDIR/isoa/etc/wpar/rc.d/10-iso-race"
startwpar isoa >/dev/null 2>&1 || setup_fail "startwpar isoa"
startwpar isob >/dev/null 2>&1 || setup_fail "startwpar isob"
B_INIT=$(init_pid isob)
if [ "$MODE" = userns ]; then
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$(init_pid isoa)/status")
	[ "$uid" != 0 ] || setup_fail "isoa's init is the host's root in userns mode"
fi
B_PID=
for i in $(seq 1 50); do
	B_PID=$(pgrep -f "^sleep 3601.$TAG$" | head -1)
	[ -n "$B_PID" ] && break
	sleep 0.1
done
[ -n "$B_PID" ] || setup_fail "no process in isob"
KEY_B=0x57495342
KEY_H=0x57495348
clogin isob /wpar-iso-probe shm_make $KEY_B >/dev/null || setup_fail "segment in isob"
HOST_SHM=$("$WPAR_ISO_PROBE" shm_make $KEY_H) || setup_fail "segment on the host"
# A host block device (the first disk), for the raw-disk attempt.
read -r DISK DISK_MM < <(lsblk -dno NAME,MAJ:MIN,TYPE | awk '$3 == "disk" { print $1, $2; exit }')
DISK_MAJ=${DISK_MM%%:*}
DISK_MIN=${DISK_MM##*:}
INIT_BIN=$(readlink "/proc/$(init_pid isoa)/exe")
CG_A=$WPAR_CGROUP_PARENT/isoa
CG_APP=$WPAR_CGROUP_PARENT/isoapp
host_if=$(ip -o link show up 2>/dev/null | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2; exit }')

# What the attempts could change on the host, read without side effects.
# Mounts under /tmp are left out: other test runs may be working there.
host_state() {
	local f v
	for f in kernel/hostname kernel/domainname kernel/core_pattern kernel/modprobe \
		vm/swappiness kernel/ctrl-alt-del net/core/rmem_max kernel/sysrq; do
		[ -r "/proc/sys/$f" ] && read -r v <"/proc/sys/$f" && echo "$f=$v"
	done
	read -r v </sys/kernel/mm/transparent_hugepage/enabled && echo "thp=$v"
	kill -0 "$HOST_PID" 2>/dev/null && echo "host process alive"
	kill -0 "$B_PID" 2>/dev/null && echo "isob process alive"
	kill -0 "$B_INIT" 2>/dev/null && echo "isob init alive"
	echo "isob secret: $(cat "$WPAR_BASEDIR/isob/etc/iso-secret")"
	echo "isod secret: $(cat "$T/elsewhere/isod/etc/iso-secret")"
	stat -c 'init binary %s %Y %i' "$INIT_BIN"
	stat -c 'clogin binary %s %Y %i' "$WPAR_BIN/clogin"
	grep -v ' /tmp/' /proc/self/mountinfo | awk '{ print "mount", $5, $6 }'
	[ -n "$host_if" ] && ip -o link show "$host_if" | awk '{ print "if", $2, $3 }'
	for f in memory/$CG_A/memory.limit_in_bytes pids/$CG_A/pids.max; do
		[ -f "/sys/fs/cgroup/$f" ] && echo "$f=$(cat "/sys/fs/cgroup/$f")"
	done
	ipcs -m | awk -v k="$KEY_B" 'tolower($1) == k { print "isob segment on the host" }'
}
BASELINE=$(host_state)

# One attempt in one mode: attempt NAME MODE PROBE-ARGS...
# A pass needs the probe's "refused" (exit 0), or the probe killed by
# the kernel where that is the refusal (the memory limit), and the host
# unchanged.
attempt() {
	local name=$1 mode=$2
	shift 2
	local out rc=0 t0=$(date +%s%N) cmd
	case $mode in
	system) cmd=(clogin isoa /wpar-iso-probe "$@") ;;
	app)
		cmd=(wparexec -n isoapp -R totalProcesses=64 memory=0%-1%,1% "${NET_APP[@]}" -- \
			"$WPAR_ISO_PROBE" "$@")
		;;
	esac
	if [ "${ISO_TTY:-0}" = 1 ]; then
		# On a terminal of its own (script's pty), never the caller's.
		out=$(set -o pipefail; timeout -k 2 30 script -qec "$(printf '%q ' "${cmd[@]}")" /dev/null \
			2>&1 </dev/null | tr -d '\r') || rc=$?
	else
		out=$(timeout -k 2 30 "${cmd[@]}" 2>&1 </dev/null) || rc=$?
	fi
	report "$name" "$mode" "$t0" "$rc" "$out"
}

# The verdict of one attempt: report NAME MODE START-NS STATUS OUTPUT.
report() {
	local name=$1 mode=$2 t0=$3 rc=$4 out=$5
	local ms=$((($(date +%s%N) - t0) / 1000000))
	local now verdict=ok why=""
	now=$(host_state)
	if [ "$rc" = 3 ]; then
		verdict=n/a # the attempt does not exist on this host (it says why)
	elif [ "$rc" != 0 ]; then
		verdict=FAIL
		why="probe exit $rc"
	fi
	if [ "$now" != "$BASELINE" ]; then
		verdict=FAIL
		why="$why; the host changed: $(diff <(echo "$BASELINE") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
	fi
	case $verdict in
	ok) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
	printf '  %-4s %-22s %-6s %5d ms  %s\n' "$verdict" "$name" "$mode" "$ms" \
		"$(echo "$out" | tail -1)"
	[ $verdict != FAIL ] || echo "       $why; output: $(echo "$out" | tr '\n' ' ')"
}

# A race against clogin in the system WPAR: its root watches every
# process that enters (probe exe_catch, run by isoa's watcher) while the
# host runs clogin CLOGIN-ARGS... 20 times.
# race NAME MODE PROBE-ARGS -- CLOGIN-ARGS...
race() {
	local name=$1 mode=$2 pargs=() out rc=0 t0=$(date +%s%N) i
	shift 2
	while [ "$1" != -- ]; do
		pargs+=("$1")
		shift
	done
	shift
	rm -f "$WPAR_BASEDIR/isoa/iso-race.out"
	echo "${pargs[*]}" >"$T/iso-race.go" && mv "$T/iso-race.go" "$WPAR_BASEDIR/isoa/iso-race.go"
	sleep 0.5
	for i in $(seq 1 20); do clogin isoa "$@" </dev/null >/dev/null 2>&1; done
	for i in $(seq 1 100); do
		[ -f "$WPAR_BASEDIR/isoa/iso-race.out" ] && break
		sleep 0.1
	done
	out=$(cat "$WPAR_BASEDIR/isoa/iso-race.out" 2>&1)
	rc=$(echo "$out" | sed -n 's/^rc=//p')
	out=$(echo "$out" | grep -v '^rc=')
	[ -n "$rc" ] || rc=124
	report "$name" "$mode" "$t0" "$rc" "$out"
}

# Both modes, with the same probe arguments.
# An attempt that has no meaning in an application WPAR: said, not counted.
na() {
	[ "$MODE" != userns ] && selected "$1" && printf '  n/a  %-22s %-6s           %s\n' "$1" app "$2"
	return 0
}

selected() {
	[ -z "${WPAR_TEST_ONLY:-}" ] || echo "$1" | grep -qE "$WPAR_TEST_ONLY"
}

both() {
	local name=$1
	shift
	selected "$name" || return 0
	attempt "$name" system "$@"
	[ "$MODE" = userns ] || attempt "$name" app "$@"
}

if [ "$MODE" = userns ]; then
	echo "== isolation battery, $MODE mode (system WPAR isoa with a user namespace)"
else
	echo "== isolation battery, $MODE mode (system WPAR isoa, application WPAR isoapp)"
fi
# Processes of the host and of another WPAR.
both see-host-process procscan "3600.$TAG"
both see-other-wpar procscan "3601.$TAG"
both signal-host signal "$HOST_PID" 0
both kill-host signal "$HOST_PID" 9
both kill-other-wpar signal "$B_PID" 9
both ptrace-host ptrace "$HOST_PID"
both ptrace-other-wpar ptrace "$B_INIT"
both pidfd-host pidfd "$HOST_PID"
# The host's secrets in /proc and /sys.
both read-kcore read /proc/kcore
both read-kmsg read /proc/kmsg
both read-keys read /proc/keys
both read-timer-list read /proc/timer_list
both kallsyms kallsyms
both syslog syslog
both dev-kmsg device /dev/kmsg c 1 11
both sysrq-trigger openw /proc/sysrq-trigger
both sysfs-write openw /sys/kernel/mm/transparent_hugepage/enabled
# Sysctls outside the WPAR's namespaces (the current value written back).
both core-pattern sysctl /proc/sys/kernel/core_pattern
both modprobe-path sysctl /proc/sys/kernel/modprobe
both vm-swappiness sysctl /proc/sys/vm/swappiness
both net-core-rmem-max sysctl /proc/sys/net/core/rmem_max
# Mounts.
both mount-tmpfs mount /tmp
both remount-proc-sys-rw remount /proc/sys
both umount-kcore-mask umount /proc/kcore
both fsopen fsopen
both open-tree open_tree
both pivot-root pivot_root
both chroot-escape chroot "$T/host-marker"
# Devices.
if [ -n "${DISK:-}" ]; then
	both host-disk device "/dev/$DISK" b "$DISK_MAJ" "$DISK_MIN"
fi
both dev-mem device /dev/mem c 1 1
# Nodes the WPAR did not have to make: planted in isoa's tree by the
# host's root (the device filter alone must refuse them).
if selected planted-node; then
	mknod -m 0666 "$WPAR_BASEDIR/isoa/tmp/iso-planted-mem" c 1 1
	attempt planted-node system device /tmp/iso-planted-mem c 1 1
	if [ -n "${DISK:-}" ]; then
		mknod -m 0666 "$WPAR_BASEDIR/isoa/tmp/iso-planted-disk" b "$DISK_MAJ" "$DISK_MIN"
		attempt planted-node-disk system device /tmp/iso-planted-disk b "$DISK_MAJ" "$DISK_MIN"
	fi
	rm -f "$WPAR_BASEDIR/isoa/tmp/iso-planted-mem" "$WPAR_BASEDIR/isoa/tmp/iso-planted-disk"
	na planted-node "an application WPAR opens the host's own nodes (host-disk, dev-kmsg)"
fi
both loop-control device /dev/loop-control c 10 237
both dev-fuse device /dev/fuse c 10 229
both open-by-handle-at open_by_handle
# Kernel code, tracing, clock, power.
both init-module init_module
both finit-module finit_module
both delete-module delete_module
both kexec kexec
both bpf bpf
both perf-event-open perf
both settimeofday settimeofday
both clock-settime clock_settime
both adjtimex adjtimex
both reboot-host reboot
both swapon swapon
both acct acct
both iopl iopl
both personality personality
both user-namespace userns
both setns setns
both keyctl keyctl
both userfaultfd userfaultfd
# Identity and network.
both sethostname sethostname "${UTS_ARG[@]}"
both setdomainname setdomainname "${UTS_ARG[@]}"
both host-network netif "$host_if"
if [ -n "$BR" ]; then
	both bind-other-wpar-address bind "$NET4.12"
	both bind-host-address bind "$NET4.1"
fi
both raw-socket rawsock inet
both packet-socket rawsock packet
# The terminal the WPAR was started from.
ISO_TTY=1 both tiocsti tiocsti
# cgroups.
both release-agent release_agent
both cgroup-to-root cgroup_root
both cgroup-own-limits cgroup_limit \
	"/sys/fs/cgroup/memory/$CG_A/memory.limit_in_bytes" "/sys/fs/cgroup/pids/$CG_A/pids.max" \
	"/sys/fs/cgroup/memory/$CG_APP/memory.limit_in_bytes" "/sys/fs/cgroup/pids/$CG_APP/pids.max"
# Host binaries behind the WPAR's processes, and clogin's processes
# while they enter (privileged until their exec).
both exe-overwrite exe /proc/1/exe
# (clogin enters system WPARs only: an application WPAR has no such race.)
if selected clogin-ptrace-race; then
	race clogin-ptrace-race system 3 ptrace-only -- true
	na clogin-ptrace-race "clogin enters system WPARs only"
fi
# A symbolic link planted on a mount target for the next start: isoc's
# root moves the parent of its namefs mount point away and puts a link to
# a host directory there; startwpar must refuse to mount through it.
if selected mount-target-symlink; then
	t0=$(date +%s%N)
	mkdir -p "$T/nsrc" "$T/hosttarget"
	echo keep >"$T/hosttarget/keep"
	rc=0
	out=$(
		mkwpar -n isoc -M directory=/srv/data vfs=namefs dev="$T/nsrc" >/dev/null &&
			startwpar isoc >/dev/null &&
			clogin isoc sh -c "mv /srv /srv.old && ln -s $T/hosttarget /srv" &&
			stopwpar isoc >/dev/null
	) || rc=2
	if [ $rc = 0 ]; then
		if out=$(startwpar isoc 2>&1); then
			rc=1
			out="SUCCEEDED: startwpar went through the link: $out"
			stopwpar -F isoc >/dev/null 2>&1
		elif [ "$(ls -A "$T/hosttarget")" != keep ] || grep -q " $T/hosttarget" /proc/self/mountinfo; then
			rc=1
			out="SUCCEEDED: something was mounted or made in the host's directory"
		else
			out="refused: $(echo "$out" | tail -1)"
			# Removing the WPAR must not follow the link either.
			rmwpar isoc >/dev/null 2>&1
			if [ "$(cat "$T/hosttarget/keep" 2>/dev/null)" != keep ]; then
				rc=1
				out="SUCCEEDED: rmwpar removed the host's files through the link"
			fi
		fi
	fi
	report mount-target-symlink system "$t0" "$rc" "$out"
	na mount-target-symlink "an application WPAR mounts nothing inside a tree of its own"
fi
# The runc escape (CVE-2019-5736) through clogin: closed by clogin running
# from a sealed copy of itself (src/libwpar/sealed_exec.c).
if selected clogin-exe-overwrite; then
	race clogin-exe-overwrite system 3 -- /proc/self/exe
fi
na clogin-exe-overwrite "clogin enters system WPARs only (and the host's files are the WPAR's own)"
# Resources past the WPAR's limits (totalProcesses=64, memory 1%).
both fork-past-limit fork_limit 200
both memory-past-limit memory_limit 600
both raise-hard-rlimit rlimit
both realtime-scheduling realtime
both oom-score-adj oom_score
both immutable-file immutable
# Another WPAR's files and IPC, the host's IPC.
both other-wpar-file readfile "$WPAR_BASEDIR/isob/etc/iso-secret"
both other-wpar-root-elsewhere readfile "$T/elsewhere/isod/etc/iso-secret"
both other-wpar-state readfile "$WPAR_STATEDIR/wpars/isob/state"
both other-wpar-console readfile "$WPAR_LOGDIR/isob/console.log"
both other-wpar-shm shm_find "$KEY_B"
both other-wpar-monitor connect "$WPAR_RUNDIR/isob/monitor.sock"
both host-shm shm_find "$KEY_H"

ms=$((($(date +%s%N) - start) / 1000000))
echo "  (the battery took $ms ms)"
# The WPARs must stop and leave nothing running.
for w in isoa isob; do
	if ! timeout -k 2 30 stopwpar -F "$w" >/dev/null 2>&1 ||
		pgrep -f "^cor_$w --name $w .*$WPAR_BIN" >/dev/null; then
		failed=$((failed + 1))
		echo "  FAIL $w did not stop cleanly"
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
