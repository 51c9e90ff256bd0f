# Helpers for the integration tests.  Every test runs in a subshell with
# its own throw-away tree ($T): configuration, state, run and base
# directories all live there, so the host's /etc/wpars and /wpars are never
# touched, and cleanup() removes whatever a test left (WPARs, mounts, loop
# devices), also when the test fails.

: "${WPAR_BIN:?WPAR_BIN must name the directory of the built commands}"

new_env() {
	T=$(mktemp -d /tmp/wpar-it.XXXXXX)
	chmod 0700 "$T"
	export WPAR_CONFDIR=$T/etc/wpars
	export WPAR_STATEDIR=$T/var/lib/wpar
	export WPAR_RUNDIR=$T/run/wpar
	export WPAR_BASEDIR=$T/wpars
	export WPAR_LOGDIR=$T/var/log/wpar
	# The tests' WPARs get cgroups in a subtree of their own.
	export WPAR_CGROUP_PARENT=wpar-test-$(basename "$T")
	export PATH=$WPAR_BIN:$PATH
	unset WPAR_FAULT
}

# Unmounts everything below $T (deepest first) and detaches loop devices
# whose backing file is below $T.
release_host_objects() {
	local m
	for m in $(awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	local f dev
	for f in /sys/block/loop*/loop/backing_file; do
		[ -f "$f" ] || continue
		case "$(cat "$f" 2>/dev/null)" in
		"$T"/*)
			dev=/dev/$(basename "$(dirname "$(dirname "$f")")")
			losetup -d "$dev" 2>/dev/null
			;;
		esac
	done
}

cleanup() {
	local rc=$?
	set +e # cleaning up goes on past failures; the test's status stays
	[ -n "${T:-}" ] && [ -d "$T" ] || return $rc
	local n
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		stopwpar -F "$n" >/dev/null 2>&1
		rmwpar -F "$n" >/dev/null 2>&1
	done
	release_host_objects
	local g
	for g in /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT" /sys/fs/cgroup/"$WPAR_CGROUP_PARENT"; do
		[ -d "$g" ] || continue
		find "$g" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf --one-file-system "$T"
	return $rc
}

fail() {
	echo "    FAIL: $*" >&2
	exit 1
}

# Runs a command that must succeed; its output goes to $OUT.
ok() {
	OUT=$("$@" 2>&1) || fail "expected success: $* -> $OUT"
}

# Runs a command that must fail, with stderr containing $1.
must_fail() {
	local pattern=$1
	shift
	local rc=0
	OUT=$("$@" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "expected failure: $* -> $OUT"
	if [ -n "$pattern" ]; then
		echo "$OUT" | grep -qiE -- "$pattern" || fail "expected message /$pattern/ from: $* -> $OUT"
	fi
}

contains() { # haystack pattern
	echo "$1" | grep -qE -- "$2" || fail "expected /$2/ in: $1"
}

not_contains() {
	if echo "$1" | grep -qE -- "$2"; then fail "did not expect /$2/ in: $1"; fi
}

# A snapshot of everything the tests can change on the host side for $T:
# files under $T (except run/ locks), mounts and loop devices.
snapshot() {
	{
		(cd "$T" && find . -path ./run -prune -o -print | sort)
		awk -v t="$T" 'index($5, t) == 1 { print "mount", $5 }' /proc/self/mountinfo
		for f in /sys/block/loop*/loop/backing_file; do
			[ -f "$f" ] && grep -H "^$T" "$f"
		done
	} 2>/dev/null
	return 0
}

# The host pid of a running WPAR's init.
init_pid() {
	sed -n 's/^init_pid=//p' "$WPAR_RUNDIR/$1/info" 2>/dev/null
}

# Runs a command inside a running WPAR (all its namespaces, its root).
inside() {
	local w=$1
	shift
	nsenter -t "$(init_pid "$w")" -m -u -i -n -p -r -w -- "$@"
}

wait_state() { # wpar state [seconds]
	local i
	for i in $(seq 1 $((${3:-10} * 10))); do
		[ "$(lswpar -c -q -a state "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	fail "$1 did not reach state $2 (is $(lswpar -c -q -a state "$1" 2>&1))"
}

# Nothing of a stopped WPAR may remain on the host.
assert_released() { # wpar
	[ ! -e "$WPAR_RUNDIR/$1/info" ] || fail "runtime record of $1 left"
	local g
	for g in /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT/$1" /sys/fs/cgroup/"$WPAR_CGROUP_PARENT/$1"; do
		[ ! -d "$g" ] || fail "cgroup $g left"
	done
	if awk -v r="$WPAR_BASEDIR/$1" 'index($5, r) == 1' /proc/self/mountinfo | grep -q .; then
		fail "mounts of $1 left on the host"
	fi
	if pgrep -f "^cor_$1 " >/dev/null; then fail "monitor of $1 left"; fi
	true
}

# net_env SUBNET: a bridge with the host's address .1 on 10.SUBNET.0.0/24
# and fdSUBNET::1/64 standing in for "the host's network".
net_env() {
	local sub=$1
	NET_ID=$(printf '%04x' $((RANDOM % 65536)))
	BR=wtb$NET_ID$sub
	NET4=10.$sub.0
	NET6=fd$sub:
	NET_NS=()
	NET_LINKS=("$BR")
	trap 'cleanup; net_cleanup' EXIT
	ip link add "$BR" type bridge || fail "cannot create bridge $BR"
	ip addr add "$NET4.1/24" dev "$BR"
	ip -6 addr add "$NET6:1/64" dev "$BR" nodad
	ip link set "$BR" up
}

net_cleanup() {
	local rc=$?
	local l n
	for l in "${NET_LINKS[@]}"; do ip link del "$l" 2>/dev/null; done
	for n in "${NET_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	return $rc
}

# ssh into a system WPAR as its root: ssh_key_for WPAR makes a key in
# $T/key that only the WPAR's root accepts; ssh_wait WPAR waits until the
# boot script started sshd; then ssh "${SSH_OPTS[@]}" root@ADDRESS ...
SSH_OPTS=(-i "${T:-/nonexistent}/key" -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o LogLevel=ERROR)
ssh_key_for() {
	[ -x /usr/sbin/sshd ] || fail "openssh-server is not installed (scripts/install-deps.sh installs it)"
	ssh-keygen -q -t ed25519 -N '' -f "$T/key"
	mkdir -m 0700 "$WPAR_BASEDIR/$1/root/.ssh"
	install -m 0600 "$T/key.pub" "$WPAR_BASEDIR/$1/root/.ssh/authorized_keys"
	SSH_OPTS[1]=$T/key
}
ssh_wait() {
	local i
	for i in $(seq 1 150); do
		grep -q "started sshd" "$WPAR_BASEDIR/$1/var/log/wpar-boot.log" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "sshd of $1 did not start"
}
