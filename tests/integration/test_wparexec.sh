# wparexec: application WPARs.  A command runs in its own PID, IPC, UTS,
# mount, network and cgroup namespaces and its own cgroup, on the host's
# file systems, with the caller's standard streams, environment and
# working directory; wparexec ends as the command ended and leaves nothing
# behind.  Every function here is named test_wparexec_* so that
# WPAR_TEST_ONLY=wparexec selects exactly this file.
#
# wparexec runs in the foreground through wx_run (under timeout, output to
# files: a process that wrongly keeps a stream open cannot hang the suite)
# or in the background through wx_bg; wx_cleanup, installed by wx_bg and
# wx_trap, ends what a failing test left and then runs lib.sh's cleanup.

WX_PIDS=""     # background wparexec processes of this test
WX_SHM_IDS=""  # host SysV shared-memory segments this test created
WX_FILES=""    # files outside $T this test created
WX_N=0

wx_cleanup() {
	local rc=$?
	set +e
	local n p i
	# stopwpar -F ends a running application WPAR, and its wparexec with it.
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		timeout -k 1 5 stopwpar -F "$n" >/dev/null 2>&1
	done
	for p in $WX_PIDS; do
		for i in $(seq 1 20); do
			case "$(wx_pstate "$p")" in "" | Z) break ;; esac
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for i in $WX_SHM_IDS; do ipcrm -m "$i" 2>/dev/null; done
	for i in $WX_FILES; do rm -f "$i"; done
	(exit $rc)
	cleanup
}

wx_trap() { trap wx_cleanup EXIT; }

# The state letter of a process ("" when it does not exist).
wx_pstate() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1
}

# Polls a command until it succeeds: wx_poll seconds command...
wx_poll() {
	local n=$(($1 * 20))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.05
	done
}

# Runs a command with stdin from /dev/null, under a timeout (WX_TIMEOUT
# seconds, default 15: a command that hangs fails the test instead of
# hanging the suite); RC is its
# status, ROUT its standard output, RERR its standard error.
wx_run() {
	RC=0
	timeout -k 2 "${WX_TIMEOUT:-15}" "$@" </dev/null >"$T/run.out" 2>"$T/run.err" || RC=$?
	ROUT=$(cat "$T/run.out")
	RERR=$(cat "$T/run.err")
	[ "$RC" != 124 ] || fail "timed out: $* (stderr: $RERR)"
}

wx_expect() { # status what: RC of the last wx_run must be status
	[ "$RC" = "$1" ] || fail "$2: status $RC, expected $1 (stdout: $ROUT; stderr: $RERR)"
}

# Starts wparexec in the background: BG is its pid, BGOUT and BGERR its
# output files.
wx_bg() {
	wx_trap
	WX_N=$((WX_N + 1))
	BGOUT=$T/bg$WX_N.out
	BGERR=$T/bg$WX_N.err
	wparexec "$@" </dev/null >"$BGOUT" 2>"$BGERR" &
	BG=$!
	WX_PIDS="$WX_PIDS $BG"
}

# Waits for a background wparexec to end (it must, within the seconds
# given, default 5); WX_RC is its status.
wx_wait() {
	local p=$1 i
	for i in $(seq 1 $((${2:-5} * 20))); do
		case "$(wx_pstate "$p")" in "" | Z) break ;; esac
		sleep 0.05
	done
	case "$(wx_pstate "$p")" in
	"" | Z) ;;
	*) fail "wparexec (pid $p) still running after ${2:-5} s" ;;
	esac
	WX_RC=0
	wait "$p" || WX_RC=$?
}

wx_ready() { # file: waits until the command inside created it
	wx_poll 5 test -e "$1" || fail "the command did not start (no $1; stderr: $(cat "$BGERR" 2>/dev/null))"
}

# The WPAR's cgroup directories on the host, one per hierarchy.
wx_cgroups() {
	local g
	for g in /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT/$1" /sys/fs/cgroup/"$WPAR_CGROUP_PARENT/$1"; do
		[ -d "$g" ] && echo "$g"
	done
	true
}

# The host pids of the processes in the WPAR's cgroup.
wx_cgroup_pids() {
	local g
	for g in $(wx_cgroups "$1"); do cat "$g/cgroup.procs"; done 2>/dev/null | sort -un
}

# The host pid of the command: PID 2 in its namespace.
wx_command_pid() {
	local p
	for p in $(wx_cgroup_pids "$1"); do
		if [ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$p/status" 2>/dev/null)" = 2 ]; then
			echo "$p"
			return
		fi
	done
}

wx_all_dead() { # pid...: gone, or zombies
	local p
	for p; do
		case "$(wx_pstate "$p")" in "" | Z) ;; *) return 1 ;; esac
	done
}

wx_no_cgroups() { [ -z "$(wx_cgroups "$1")" ]; }
wx_no_process() { ! pgrep -f -- "$1" >/dev/null; }
wx_not_listed() { ! lswpar "$1" >/dev/null 2>&1; }

# Nothing of the application WPAR remains: definition, listing, state,
# runtime directory, cgroups.
wx_assert_gone() {
	[ ! -e "$WPAR_CONFDIR/$1.cf" ] || fail "definition of $1 left"
	must_fail "0960-419 Could not find a workload partition called $1" lswpar "$1"
	[ ! -e "$WPAR_STATEDIR/wpars/$1" ] || fail "state of $1 left"
	[ ! -e "$WPAR_RUNDIR/$1" ] || fail "runtime directory of $1 left"
	[ -z "$(wx_cgroups "$1")" ] || fail "cgroups of $1 left: $(wx_cgroups "$1")"
}

# Nothing of any WPAR remains (for runs whose name is not known).
wx_assert_clean() {
	local left
	left=$(find "$WPAR_CONFDIR" -maxdepth 1 -name '*.cf' 2>/dev/null || true)
	[ -z "$left" ] || fail "definitions left: $left"
	left=$(lswpar -c -q -a name 2>&1 || true)
	[ -z "$left" ] || fail "lswpar lists: $left"
	left=$(ls "$WPAR_STATEDIR/wpars" 2>/dev/null || true)
	[ -z "$left" ] || fail "state left: $left"
	left=$(find "$WPAR_RUNDIR" -mindepth 1 -maxdepth 1 ! -name locks ! -name cache 2>/dev/null || true)
	[ -z "$left" ] || fail "runtime directories left: $left"
	left=$(find /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT" /sys/fs/cgroup/"$WPAR_CGROUP_PARENT" \
		-mindepth 1 -type d 2>/dev/null || true)
	[ -z "$left" ] || fail "cgroups left: $left"
}

# Runs a command line on a new pty (script); prints what the pty showed,
# without carriage returns.  Standard input never delivers anything.
wx_pty() {
	[ -p "$T/idle" ] || mkfifo "$T/idle"
	local rc=0
	timeout --foreground -k 1 10 script -qec "$1" /dev/null <>"$T/idle" >"$T/pty.out" 2>&1 || rc=$?
	tr -d '\r' <"$T/pty.out"
	return $rc
}

# A command (argument list for sh) that creates $1 and then waits until
# $2 exists.
WX_WAITER='touch "$1"; while [ ! -e "$2" ]; do sleep 0.05; done'

test_wparexec_exit_status() {
	wx_run wparexec -n es -- true
	wx_expect 0 "true"
	wx_assert_gone es
	# The same name again at once: the first run released it.
	wx_run wparexec -n es -- sh -c 'exit 3'
	wx_expect 3 "exit 3"
	wx_run wparexec -n es -- sh -c 'exit 255'
	wx_expect 255 "exit 255"
	wx_assert_gone es
	# Killed by a signal: wparexec dies of the same signal.
	wx_run wparexec -n es -- sh -c 'kill -TERM $$'
	wx_expect 143 "command killed by SIGTERM"
	wx_run wparexec -n es -- sh -c 'kill -KILL $$'
	wx_expect 137 "command killed by SIGKILL"
	wx_run wparexec -n es -- sh -c 'kill -USR1 $$'
	wx_expect 138 "command killed by SIGUSR1"
	wx_assert_gone es
	wx_assert_clean
}

test_wparexec_command_not_runnable() {
	wx_run wparexec -n nr -- wx-no-such-command
	wx_expect 127 "command not found"
	contains "$RERR" "^wparexec: wx-no-such-command: command not found"
	wx_assert_clean
	wx_run wparexec -- wx-no-such-command
	wx_expect 127 "command not found, generated name"
	wx_assert_clean
	wx_run wparexec -n nr -- /no/such/file
	wx_expect 127 "missing path"
	wx_assert_clean
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$T" >"$T/plain"
	chmod 0644 "$T/plain"
	wx_run wparexec -n nr -- "$T/plain"
	wx_expect 126 "file without x permission"
	[ ! -e "$T/ran" ] || fail "the non-executable file ran"
	contains "$RERR" "^wparexec: "
	wx_assert_clean
	mkdir "$T/adir"
	wx_run wparexec -n nr -- "$T/adir"
	wx_expect 126 "a directory"
	wx_assert_clean
}

test_wparexec_signal_forwarding() {
	wx_bg -n sig -- sh -c 'trap "echo got TERM; exit 7" TERM; touch "$1"; while :; do sleep 0.1; done' \
		sh "$T/ready"
	wx_ready "$T/ready"
	wait_state sig A
	kill -TERM "$BG"
	wx_wait "$BG"
	[ "$WX_RC" = 7 ] || fail "SIGTERM: wparexec status $WX_RC, expected 7 (stderr: $(cat "$BGERR"))"
	[ "$(cat "$BGOUT")" = "got TERM" ] || fail "the command's TERM trap did not run once: $(cat "$BGOUT")"
	wx_assert_gone sig

	rm -f "$T/ready"
	wx_bg -n sig -- sh -c 'trap "echo got USR1; exit 8" USR1; touch "$1"; while :; do sleep 0.1; done' \
		sh "$T/ready"
	wx_ready "$T/ready"
	kill -USR1 "$BG"
	wx_wait "$BG"
	[ "$WX_RC" = 8 ] || fail "SIGUSR1: wparexec status $WX_RC, expected 8 (stderr: $(cat "$BGERR"))"
	[ "$(cat "$BGOUT")" = "got USR1" ] || fail "the command's USR1 trap did not run once: $(cat "$BGOUT")"

	# A forwarded signal the command does not catch kills it, and wparexec
	# then dies of it too.
	rm -f "$T/ready"
	wx_bg -n sig -- sh -c "$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	kill -HUP "$BG"
	wx_wait "$BG"
	[ "$WX_RC" = 129 ] || fail "SIGHUP: wparexec status $WX_RC, expected 129"
	wx_assert_gone sig
}

test_wparexec_stdio() {
	wx_trap
	timeout 10 sh -c "wparexec -n io -- printf 'a\nb\n' | grep b" >"$T/p" 2>&1 ||
		fail "pipeline failed: $(cat "$T/p")"
	[ "$(cat "$T/p")" = b ] || fail "pipeline output: $(cat "$T/p")"
	echo hi | timeout 10 wparexec -n io -- cat >"$T/p" 2>&1 || fail "cat failed: $(cat "$T/p")"
	[ "$(cat "$T/p")" = hi ] || fail "stdin not passed: $(cat "$T/p")"
	timeout 10 wparexec -n io -- sh -c 'echo out; echo err >&2' >"$T/o" 2>"$T/e" </dev/null ||
		fail "stdout/stderr run failed"
	[ "$(cat "$T/o")" = out ] && [ "$(cat "$T/e")" = err ] ||
		fail "stdout/stderr: out=$(cat "$T/o") err=$(cat "$T/e")"
	head -c 2000000 /dev/urandom >"$T/data"
	timeout 10 wparexec -n io -- cat <"$T/data" >"$T/data.out" || fail "cat of the data failed"
	cmp -s "$T/data" "$T/data.out" || fail "data damaged on the way through"
	# The command's descriptors are the caller's, not a relay.
	wx_run wparexec -n io -- readlink /proc/self/fd/1
	wx_expect 0 "readlink"
	[ "$ROUT" = "$T/run.out" ] || fail "stdout inside is $ROUT, not the caller's $T/run.out"
	# Other inherited descriptors pass through.
	timeout 10 wparexec -n io -- sh -c 'echo three >&3' 3>"$T/fd3" </dev/null || fail "fd 3 run failed"
	[ "$(cat "$T/fd3")" = three ] || fail "descriptor 3 not passed"
	wx_run wparexec -n io -- test -t 0
	wx_expect 1 "stdin /dev/null is no terminal"
	wx_assert_gone io
}

test_wparexec_tty() {
	local out
	# The caller's terminal itself, no pty in between.
	out=$(wx_pty "tty; wparexec -n tt -- tty") || fail "tty: $out"
	contains "$out" "^/dev/pts/[0-9]+$"
	[ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | sed -n 2p)" ] ||
		fail "the command's terminal differs from the caller's: $out"
	out=$(wx_pty "wparexec -n tt -- sh -c 'test -t 0 && test -t 1 && test -t 2 && echo all-tty'") ||
		fail "test -t: $out"
	contains "$out" "^all-tty$"
	out=$(wx_pty "stty cols 100 rows 40; wparexec -n tt -- stty size") || fail "stty: $out"
	contains "$out" "^40 100$"
	local rc=0
	wx_pty "wparexec -n tt -- sh -c 'exit 5'" >/dev/null || rc=$?
	[ "$rc" = 5 ] || fail "status through the terminal: $rc"
	# A pipe among the streams stays a pipe.
	out=$(wx_pty "wparexec -n tt -- readlink /proc/self/fd/1 | cat")
	contains "$out" "^pipe:"
	wx_assert_gone tt
}

test_wparexec_tty_ctrl_c() {
	local start=$SECONDS rc=0
	# Ctrl-C ends a command that does not catch it: 130.
	{
		wx_poll 5 test -e "$T/ready"
		printf '\003'
		wx_poll 5 wx_not_listed cc
	} | timeout --foreground -k 1 10 script -qec "exec wparexec -n cc -- sh -c 'touch \"\$1\"; exec sleep 60' sh $T/ready" /dev/null \
		>"$T/pty1" 2>&1 || rc=$?
	[ "$rc" = 130 ] || fail "Ctrl-C: status $rc, expected 130: $(cat "$T/pty1")"
	[ $((SECONDS - start)) -lt 5 ] || fail "the command was not interrupted"
	wx_assert_gone cc
	# A command that catches it sees it once (the terminal's; wparexec does
	# not send it a second time), goes on, and its status is wparexec's.
	cat >"$T/catch" <<-'EOF'
		#!/bin/sh
		trap 'echo int >>"$1"' INT
		touch "$2"
		while [ ! -s "$1" ]; do sleep 0.05; done
		sleep 0.5
		exit 42
	EOF
	chmod +x "$T/catch"
	rm -f "$T/ready"
	rc=0
	{
		wx_poll 5 test -e "$T/ready"
		printf '\003'
		wx_poll 5 wx_not_listed cc
	} | timeout --foreground -k 1 10 script -qec "exec wparexec -n cc -- $T/catch $T/ints $T/ready" /dev/null >"$T/pty2" 2>&1 || rc=$?
	[ "$(wc -l <"$T/ints")" = 1 ] || fail "the command got $(wc -l <"$T/ints") SIGINTs, expected 1"
	[ "$rc" = 42 ] || fail "after a caught Ctrl-C: status $rc, expected 42: $(cat "$T/pty2")"
	wx_assert_gone cc
}

test_wparexec_listed_while_running() {
	wx_bg -n lst -- sh -c "$WX_WAITER" sh "$T/ready" "$T/stop"
	wx_ready "$T/ready"
	ok lswpar -c -q -a name,state,type,directory lst
	[ "$OUT" = "lst:A:A:/" ] || fail "lswpar while running: $OUT"
	ok lswpar
	contains "$OUT" "^lst +A +A +lst +/ "
	[ -f "$WPAR_CONFDIR/lst.cf" ] || fail "no definition while running"
	ok lswpar -t A -c -q -a name
	[ "$OUT" = lst ] || fail "lswpar -t A: $OUT"
	touch "$T/stop"
	wx_wait "$BG"
	[ "$WX_RC" = 0 ] || fail "status $WX_RC (stderr: $(cat "$BGERR"))"
	wx_assert_gone lst
}

test_wparexec_generated_name() {
	wx_run wparexec -- sh -c hostname
	wx_expect 0 "hostname"
	contains "$ROUT" "^sh-[0-9]+$"
	wx_assert_clean
	# A basename that is no valid name still gives a valid name.
	mkdir "$T/bin"
	printf '#!/bin/sh\nhostname\n' >"$T/bin/a.very_long.command+name.for.wpar"
	chmod +x "$T/bin/a.very_long.command+name.for.wpar"
	wx_run wparexec -- "$T/bin/a.very_long.command+name.for.wpar"
	wx_expect 0 "odd basename"
	contains "$ROUT" "^[A-Za-z1-9][A-Za-z0-9-]*-[0-9]+$"
	[ ${#ROUT} -le 25 ] || fail "generated name $ROUT is longer than 25 bytes"
	wx_assert_clean
	# Listed under that name while it runs.
	wx_bg -- sh -c "$WX_WAITER" sh "$T/ready" "$T/stop"
	wx_ready "$T/ready"
	ok lswpar -c -q -a name,state,type
	contains "$OUT" "^sh-[0-9]+:A:A$"
	touch "$T/stop"
	wx_wait "$BG"
	wx_assert_clean
}

test_wparexec_isolation_hostname() {
	local host
	host=$(hostname)
	wx_run wparexec -n hn -- hostname
	wx_expect 0 "hostname"
	[ "$ROUT" = hn ] || fail "host name inside: $ROUT, expected hn"
	wx_run wparexec -n hn -h hn.example.com -- hostname
	[ "$ROUT" = hn.example.com ] || fail "-h: host name inside: $ROUT"
	# Whether or not the confinement lets it set its name, the host's stays.
	wx_run wparexec -n hn -- hostname changed-inside
	if [ "$(hostname)" != "$host" ]; then
		hostname "$host"
		fail "the host's name was changed from inside"
	fi
}

test_wparexec_isolation_processes() {
	# Only the WPAR's init (PID 1) and the command (PID 2).
	wx_run wparexec -n pp -- ps -e -o pid=,comm=
	wx_expect 0 "ps -e"
	[ "$(echo "$ROUT" | awk '{ printf "%s:%s ", $1, $2 }')" = "1:wparexec-init 2:ps " ] ||
		fail "ps -e inside: $ROUT"
	wx_run wparexec -n pp -- sh -c 'echo $$; cat /proc/1/comm'
	[ "$ROUT" = "$(printf '2\nwparexec-init')" ] || fail "inside: $ROUT"
	# A host process can be neither seen nor signalled.
	kill -0 $$ || fail "no host process to try"
	wx_run wparexec -n pp -- sh -c "kill -0 $$"
	[ "$RC" != 0 ] || fail "a host process was signalled from inside"
	wx_run wparexec -n pp -- test -e /proc/$$
	[ "$RC" != 0 ] || fail "a host process is visible in /proc inside"
}

test_wparexec_isolation_ipc() {
	wx_trap
	local id key
	id=$(ipcmk -M 4096 | sed -n 's/^Shared memory id: //p')
	[ -n "$id" ] || fail "ipcmk on the host failed"
	WX_SHM_IDS="$WX_SHM_IDS $id"
	key=$(ipcs -m | awk -v id="$id" '$2 == id { print $1 }')
	wx_run wparexec -n ipc -- ipcs -m
	wx_expect 0 "ipcs -m"
	not_contains "$ROUT" "$key"
	not_contains "$ROUT" "^0x"
	# A segment made inside stays inside.
	wx_run wparexec -n ipc -- sh -c 'ipcmk -M 4096 >/dev/null && ipcs -m'
	wx_expect 0 "ipcmk inside"
	key=$(echo "$ROUT" | awk '/^0x/ { print $1 }')
	[ "$(echo "$key" | wc -w)" = 1 ] || fail "ipcs inside: $ROUT"
	not_contains "$(ipcs -m)" "^$key "
	# /dev/shm is private both ways.
	local f=/dev/shm/wx-host-$$ g=/dev/shm/wx-inside-$$
	WX_FILES="$WX_FILES $f $g"
	touch "$f"
	wx_run wparexec -n ipc -- sh -c "test ! -e $f && touch $g && test -e $g"
	wx_expect 0 "/dev/shm inside"
	[ ! -e "$g" ] || fail "a file made in /dev/shm inside appeared on the host"
	rm -f "$f"
	ipcrm -m "$id"
}

test_wparexec_isolation_network() {
	wx_run wparexec -n net -- ip -o link
	wx_expect 0 "ip -o link"
	[ "$(echo "$ROUT" | wc -l)" = 1 ] || fail "interfaces inside: $ROUT"
	contains "$ROUT" "^1: lo: <([^>]*,)?UP[,>]"
	wx_run wparexec -n net -- cat /proc/net/dev
	[ "$(echo "$ROUT" | sed 1,2d | awk -F: '{ gsub(/ /, "", $1); print $1 }' | tr '\n' ' ')" = "lo " ] ||
		fail "/proc/net/dev inside: $ROUT"
}

test_wparexec_isolation_filesystems() {
	# The host's file systems, both ways.
	echo from-host >"$T/hostfile"
	mkdir "$T/wd"
	wx_run wparexec -n fs -- sh -c "cat $T/hostfile; echo from-inside >$T/wd/made"
	wx_expect 0 "shared files"
	[ "$ROUT" = from-host ] || fail "a host file inside: $ROUT"
	[ "$(cat "$T/wd/made" 2>/dev/null)" = from-inside ] || fail "a file written inside is not on the host"
	# The kernel's settings are not writable (writing the current value
	# back is harmless should it succeed).
	wx_run wparexec -n fs -- sh -c 'v=$(cat /proc/sys/kernel/sysrq) && echo "$v" >/proc/sys/kernel/sysrq'
	[ "$RC" != 0 ] || fail "/proc/sys/kernel/sysrq writable inside"
	wx_run wparexec -n fs -- sh -c 'test -w /proc/sys/vm/drop_caches'
	[ "$RC" != 0 ] || fail "/proc/sys writable inside"
	# /sys read-only (the topmost mount there).
	wx_run wparexec -n fs -- awk '$5 == "/sys" { o = $6 } END { print o }' /proc/self/mountinfo
	contains "$ROUT" "^ro(,|$)"
	wx_assert_gone fs
}

test_wparexec_isolation_devices_capabilities() {
	# A host disk that the host can read.
	local d dev=
	for d in $(lsblk -dno NAME,TYPE | awk '$2 == "disk" { print $1 }') $(lsblk -dno NAME); do
		if [ -b "/dev/$d" ] && [ "$(head -c 512 "/dev/$d" 2>/dev/null | wc -c)" = 512 ]; then
			dev=/dev/$d
			break
		fi
	done
	if [ -n "$dev" ]; then
		wx_run wparexec -n dv -- head -c 512 "$dev"
		[ "$RC" != 0 ] && [ -z "$ROUT" ] || fail "$dev readable inside"
	fi
	wx_run wparexec -n dv -- sh -c 'head -c 4 /dev/zero | wc -c; echo x >/dev/null && echo null-ok'
	[ "$ROUT" = "$(printf '4\nnull-ok')" ] || fail "/dev/zero, /dev/null inside: $ROUT $RERR"
	# The baseline confinement: a reduced bounding set, a seccomp filter.
	wx_run wparexec -n dv -- grep -E '^(CapBnd|CapEff|Seccomp):' /proc/self/status
	wx_expect 0 "status"
	local bnd eff bit
	bnd=$(echo "$ROUT" | awk '$1 == "CapBnd:" { print $2 }')
	eff=$(echo "$ROUT" | awk '$1 == "CapEff:" { print $2 }')
	[ -n "$bnd" ] && [ -n "$eff" ] || fail "no capability sets: $ROUT"
	for bit in 21 16 25 17; do # SYS_ADMIN SYS_MODULE SYS_TIME SYS_RAWIO
		[ $(((0x$bnd >> bit) & 1)) = 0 ] || fail "capability $bit in the bounding set ($bnd)"
		[ $(((0x$eff >> bit) & 1)) = 0 ] || fail "capability $bit effective ($eff)"
	done
	contains "$ROUT" "^Seccomp:[[:space:]]*2"
	mkdir "$T/mtry"
	wx_run wparexec -n dv -- mount -t tmpfs none "$T/mtry"
	[ "$RC" != 0 ] || fail "mount succeeded inside"
}

test_wparexec_isolation_cgroup_namespaces() {
	wx_bg -n cgn -- sh -c 'cat /proc/self/cgroup >"$3"; '"$WX_WAITER" sh "$T/ready" "$T/stop" "$T/incg"
	wx_ready "$T/ready"
	# The command seen from the host: PID 2 of its namespace.
	local cmd ns
	cmd=$(wx_command_pid cgn)
	[ -n "$cmd" ] || fail "the command is not in the WPAR's cgroup ($(wx_cgroups cgn))"
	for ns in pid mnt ipc uts net cgroup; do
		[ "$(readlink "/proc/$cmd/ns/$ns")" != "$(readlink /proc/self/ns/$ns)" ] ||
			fail "the command shares the host's $ns namespace"
	done
	local lines
	lines=$(cat "/proc/$cmd/cgroup")
	echo "$lines" | grep -qvE ":/$WPAR_CGROUP_PARENT/cgn$" &&
		fail "the command is outside $WPAR_CGROUP_PARENT/cgn in a hierarchy: $lines"
	# Inside, its cgroup is the root of its cgroup namespace.
	grep -qv ':/$' "$T/incg" && fail "cgroups seen inside: $(cat "$T/incg")"
	touch "$T/stop"
	wx_wait "$BG"
	wx_assert_gone cgn
	assert_released cgn
}

# The host's mount points, apart from other test trees.
wx_mounts() {
	awk -v t="$T" '!(index($5, "/tmp/wpar-it.") == 1 && index($5, t) != 1) { print $5 }' \
		/proc/self/mountinfo | sort
}

test_wparexec_cleanup_after_end() {
	local before tok=3600.$RANDOM$RANDOM
	before=$(wx_mounts)
	wx_run wparexec -n ce -- sh -c "sleep $tok & sleep $tok & echo done"
	wx_expect 0 "a command leaving children behind"
	[ "$ROUT" = "done" ] || fail "output: $ROUT"
	wx_assert_gone ce
	[ "$(wx_mounts)" = "$before" ] || fail "mounts changed: $(diff <(echo "$before") <(wx_mounts))"
	wx_poll 1 wx_no_process "^sleep $tok$" || fail "the command's children outlived the WPAR"
}

test_wparexec_cleanup_after_sigkill() {
	local before
	before=$(wx_mounts)
	wx_bg -n kk -- sh -c 'sleep 60 & '"$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	wait_state kk A
	local pids cmd ns
	pids=$(wx_cgroup_pids kk)
	[ "$(echo "$pids" | wc -w)" -ge 3 ] || fail "processes of the WPAR: $pids"
	cmd=$(wx_command_pid kk)
	[ -n "$cmd" ] || fail "no PID 2 among $pids"
	ns=$(for p in pid mnt ipc uts net cgroup; do readlink "/proc/$cmd/ns/$p"; done)
	kill -KILL "$BG"
	wx_wait "$BG"
	[ "$WX_RC" = 137 ] || fail "status $WX_RC"
	# The processes die at once; a watcher clears the rest in about a second.
	# shellcheck disable=SC2086 # a list of pids
	wx_poll 3 wx_all_dead $pids ||
		fail "processes of the WPAR left: $(ps -o pid=,stat=,args= -p "$(echo $pids | tr ' ' ,)")"
	wx_poll 3 test ! -e "$WPAR_CONFDIR/kk.cf" || fail "definition left after 3 s"
	wx_poll 3 test ! -e "$WPAR_RUNDIR/kk" || fail "runtime directory left after 3 s"
	wx_poll 3 wx_no_cgroups kk || fail "cgroups left after 3 s: $(wx_cgroups kk)"
	wx_poll 3 test ! -e "$WPAR_STATEDIR/wpars/kk" || fail "state left after 3 s"
	wx_assert_gone kk
	[ "$(wx_mounts)" = "$before" ] || fail "mounts changed: $(diff <(echo "$before") <(wx_mounts))"
	# No process is left in any of the WPAR's namespaces.  A zombie does
	# not count: it holds no namespace but its PID namespace's number, and
	# this test machine's PID 1 is slow to reap the orphans it inherits.
	local left p q
	left=$(for p in /proc/[0-9]*; do
		[ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] && continue
		for q in pid mnt ipc uts net cgroup; do readlink "$p/ns/$q"; done 2>/dev/null |
			grep -qxF "$ns" && echo "${p#/proc/}"
	done || true)
	[ -z "$left" ] || fail "processes in the WPAR's namespaces: $left"
	# The watcher is gone too.
	wx_poll 3 wx_no_process "wparexec -n kk .*$T/ready" || fail "a wparexec process of kk remains"
}

test_wparexec_stopwpar() {
	wx_bg -n st -- sh -c "$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	wait_state st A
	# No login into an application WPAR, no removal while it runs.
	WX_TIMEOUT=5 wx_run clogin st id
	[ "$RC" != 0 ] || fail "clogin into an application WPAR ran"
	contains "$RERR" "application"
	WX_TIMEOUT=5 wx_run rmwpar st
	[ "$RC" != 0 ] || fail "rmwpar of a running application WPAR succeeded"
	contains "$RERR" "active|stop it first"
	ok lswpar -c -q -a state st
	[ "$OUT" = A ] || fail "after a refused rmwpar: $OUT"
	[ "$(wx_pstate "$BG")" != "" ] && [ "$(wx_pstate "$BG")" != Z ] || fail "wparexec ended"
	WX_TIMEOUT=10 wx_run stopwpar st
	wx_expect 0 "stopwpar"
	wx_wait "$BG"
	[ "$WX_RC" = 143 ] || fail "wparexec after stopwpar: status $WX_RC, expected 143"
	wx_assert_gone st
	must_fail "0960-419" stopwpar st
}

# rmwpar -s stops a running application WPAR, which removes it: that is
# success, not "could not find".
test_wparexec_rmwpar_stop_first() {
	wx_bg -n rs -- sh -c "$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	wait_state rs A
	WX_TIMEOUT=10 wx_run rmwpar -s rs
	wx_expect 0 "rmwpar -s"
	wx_wait "$BG"
	[ "$WX_RC" = 143 ] || fail "wparexec after rmwpar -s: status $WX_RC, expected 143"
	wx_assert_gone rs
}

test_wparexec_stopwpar_force() {
	local start=$SECONDS
	wx_bg -n sf -- sh -c 'trap "" TERM; '"$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	wait_state sf A
	WX_TIMEOUT=10 wx_run stopwpar -F sf
	wx_expect 0 "stopwpar -F"
	wx_wait "$BG" 3
	[ "$WX_RC" = 137 ] || fail "wparexec after stopwpar -F: status $WX_RC, expected 137"
	wx_assert_gone sf
	# -t: the orderly stop waits that long, then kills.
	rm -f "$T/ready"
	wx_bg -n sf -- sh -c 'trap "" TERM; '"$WX_WAITER" sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	wait_state sf A
	WX_TIMEOUT=10 wx_run stopwpar -t 1 sf
	wx_expect 0 "stopwpar -t 1"
	wx_wait "$BG" 3
	[ "$WX_RC" = 137 ] || fail "wparexec after stopwpar -t 1: status $WX_RC, expected 137"
	wx_assert_gone sf
	[ $((SECONDS - start)) -lt 8 ] || fail "took $((SECONDS - start)) s"
}

test_wparexec_create_only() {
	wx_trap
	cat >"$T/app" <<-'EOF'
		#!/bin/sh
		echo "hello from $1"
		touch "$2/ran"
		while [ ! -e "$2/stop" ]; do sleep 0.05; done
	EOF
	chmod +x "$T/app"
	wx_run wparexec -c -1 -n cd1 -- "$T/app" cd1 "$T"
	wx_expect 0 "-c -1"
	[ ! -e "$T/ran" ] || fail "-c -1 ran the command"
	ok lswpar -c -q -a name,state,type,directory cd1
	[ "$OUT" = "cd1:D:A:/" ] || fail "after -c -1: $OUT"
	ok lswpar -G -c -q -a application cd1
	contains "$OUT" "app.* cd1 "
	# startwpar runs it in the background.
	WX_TIMEOUT=10 wx_run startwpar cd1
	wx_expect 0 "startwpar"
	ok lswpar -c -q -a state cd1
	[ "$OUT" = A ] || fail "after startwpar: $OUT"
	wx_poll 3 test -e "$T/ran" || fail "the application did not run"
	WX_TIMEOUT=5 wx_run rmwpar cd1
	[ "$RC" != 0 ] || fail "rmwpar of an active application WPAR succeeded"
	contains "$RERR" "active|stop it first"
	WX_TIMEOUT=5 wx_run clogin cd1 id
	[ "$RC" != 0 ] || fail "clogin into an application WPAR ran"
	contains "$RERR" "application"
	touch "$T/stop"
	wait_state cd1 D 3
	grep -q "hello from cd1" "$WPAR_LOGDIR/cd1/console.log" ||
		fail "console.log: $(cat "$WPAR_LOGDIR/cd1/console.log" 2>&1)"
	[ -f "$WPAR_CONFDIR/cd1.cf" ] || fail "the definition went with the command"
	[ -z "$(wx_cgroups cd1)" ] || fail "cgroups left: $(wx_cgroups cd1)"
	[ ! -e "$WPAR_RUNDIR/cd1/info" ] || fail "runtime record left"
	# Again, ended by stopwpar this time.
	rm -f "$T/stop" "$T/ran"
	WX_TIMEOUT=10 wx_run startwpar cd1
	wx_expect 0 "second startwpar"
	wx_poll 3 test -e "$T/ran" || fail "the application did not run again"
	WX_TIMEOUT=10 wx_run stopwpar cd1
	wx_expect 0 "stopwpar of a started application WPAR"
	wait_state cd1 D 3
	ok rmwpar cd1
	wx_assert_gone cd1
	wx_assert_clean
	# -1 belongs to -c.
	wx_run wparexec -1 -n one -- touch "$T/one"
	wx_expect 125 "-1 without -c"
	[ ! -e "$T/one" ] || fail "-1 without -c ran the command"
	wx_assert_clean
}

test_wparexec_mount_dependencies() {
	wx_trap
	mkdir "$T/src" "$T/mnt" "$T/mnt2"
	echo payload >"$T/src/file"
	wx_run wparexec -n md -M directory="$T/mnt" vfs=namefs dev="$T/src" -- cat "$T/mnt/file"
	wx_expect 0 "namefs dependency"
	[ "$ROUT" = payload ] || fail "the command did not see the mounted directory: $ROUT"
	# It stays, as on AIX; a second run does not mount it again.
	mountpoint -q "$T/mnt" || fail "the dependency was undone"
	wx_run wparexec -n md -M directory="$T/mnt" vfs=namefs dev="$T/src" -- cat "$T/mnt/file"
	wx_expect 0 "already mounted dependency"
	[ "$(awk -v m="$T/mnt" '$5 == m' /proc/self/mountinfo | wc -l)" = 1 ] ||
		fail "mounted $(awk -v m="$T/mnt" '$5 == m' /proc/self/mountinfo | wc -l) times"
	umount "$T/mnt"
	# mountopts=ro.
	wx_run wparexec -n md -M directory="$T/mnt2" vfs=namefs dev="$T/src" mountopts=ro -- touch "$T/mnt2/new"
	[ "$RC" != 0 ] || fail "a read-only dependency was writable"
	[ ! -e "$T/src/new" ] || fail "written through a read-only dependency"
	umount "$T/mnt2"
	# vfs=directory: created when missing.
	wx_run wparexec -n md -M directory="$T/made" vfs=directory -- test -d "$T/made"
	wx_expect 0 "directory dependency"
	wx_assert_clean
	# Image file systems and their attributes are refused.
	local spec
	for spec in "vfs=jfs2 size=64M" "vfs=jfs2" "vfs=namefs dev=$T/src size=1G" "vfs=tmpfs" \
		"vfs=namefs dev=$T/src mode=0700"; do
		# shellcheck disable=SC2086 # the attributes are words
		wx_run wparexec -n mb -M directory="$T/mnt" $spec -- touch "$T/marker"
		wx_expect 125 "-M directory=$T/mnt $spec"
		[ ! -e "$T/marker" ] || fail "-M $spec: the command ran"
		mountpoint -q "$T/mnt" && fail "-M $spec: something was mounted"
		wx_assert_clean
	done
	true
}

test_wparexec_name_in_use() {
	wx_bg -n dup -- sh -c "$WX_WAITER" sh "$T/ready" "$T/stop"
	wx_ready "$T/ready"
	wx_run wparexec -n dup -- touch "$T/marker"
	wx_expect 125 "a second dup"
	contains "$RERR" "^wparexec: 0960-325 A workload partition called dup already exists"
	[ ! -e "$T/marker" ] || fail "the second command ran"
	ok lswpar -c -q -a state dup
	[ "$OUT" = A ] || fail "the first one is $OUT"
	# A system WPAR's name too.
	ok mkwpar -n sysdup
	wx_run wparexec -n sysdup -- touch "$T/marker"
	wx_expect 125 "the name of a system WPAR"
	contains "$RERR" "already exists"
	[ ! -e "$T/marker" ] || fail "the command ran"
	ok lswpar -c -q -a state,type sysdup
	[ "$OUT" = "D:S" ] || fail "the system WPAR is now $OUT"
	touch "$T/stop"
	wx_wait "$BG"
	[ "$WX_RC" = 0 ] || fail "the first one: status $WX_RC"
	wx_assert_gone dup
}

wx_refused() { # pattern wparexec-args...: refused with 125, ran and left nothing
	local pattern=$1
	shift
	rm -f "$T/marker"
	wx_run wparexec "$@"
	wx_expect 125 "wparexec $*"
	echo "$RERR" | grep -qiE -- "$pattern" || fail "expected /$pattern/ from wparexec $*: $RERR"
	[ ! -e "$T/marker" ] || fail "wparexec $* ran the command"
	wx_assert_clean
}

test_wparexec_bad_input() {
	wx_refused "^wparexec: .*shares_CPU" -n bi -R shares_CPU=abc -- touch "$T/marker"
	wx_refused "^wparexec: .*bogus" -n bi -R bogus=1 -- touch "$T/marker"
	wx_refused "^wparexec: .*bogus" -n bi -N bogus=1 -- touch "$T/marker"
	wx_refused "^wparexec: " -n bad/name -- touch "$T/marker"
	wx_refused "" -n bi -x -- touch "$T/marker"
	wx_refused "" -n bi -w -- touch "$T/marker"
	# No command.
	wx_refused "^wparexec: 0960-383 You must specify exactly one application to run\." -n bi
	contains "$RERR" "Usage"
	wx_refused "0960-383" -n bi --
	wx_refused "0960-383" -n bi -- WX_VAR=1
	# A system WPAR's spec file.
	# A system WPAR's spec file, refused naming an attribute it should not have.
	ok mkwpar -n sysw -w -o "$T/sys.spec"
	wx_refused "^wparexec: .*(directory|privateusr|devices|rootvgwpar|preserve|auto|mount)" \
		-f "$T/sys.spec" -- touch "$T/marker"
	printf 'general:\n\tname = "bi"\n\tdirectory = "%s/wpars/bi"\n\tapplication = "touch %s/marker"\n' \
		"$T" "$T" >"$T/dir.spec"
	wx_refused "^wparexec: .*directory" -f "$T/dir.spec"
	wx_refused "^wparexec: .*directory" -f "$T/dir.spec" -- touch "$T/marker"
	# -e of a system WPAR.
	ok mkwpar -n sysw
	rm -f "$T/marker"
	wx_run wparexec -e sysw -n bi -- touch "$T/marker"
	wx_expect 125 "-e of a system WPAR"
	[ ! -e "$T/marker" ] || fail "-e sysw ran the command"
	[ ! -e "$WPAR_CONFDIR/bi.cf" ] || fail "-e sysw left a definition"
}

test_wparexec_spec_files() {
	wx_trap
	# -o: writes the spec and runs.
	wx_run wparexec -n oo -o "$T/oo.spec" -- touch "$T/ran"
	wx_expect 0 "-o"
	[ -e "$T/ran" ] || fail "-o did not run the command"
	grep -qE "^[[:space:]]*application = \".*touch $T/ran\"" "$T/oo.spec" ||
		fail "no application in the spec: $(cat "$T/oo.spec")"
	grep -qE '^[[:space:]]*name = "oo"' "$T/oo.spec" || fail "no name in the spec"
	wx_assert_clean
	# -w -o: only writes it.
	rm -f "$T/ran"
	wx_run wparexec -n ow -w -o "$T/ow.spec" -- touch "$T/ran"
	wx_expect 0 "-w -o"
	[ ! -e "$T/ran" ] || fail "-w -o ran the command"
	grep -qE "^[[:space:]]*application = \".*touch $T/ran\"" "$T/ow.spec" ||
		fail "no application in the spec: $(cat "$T/ow.spec")"
	wx_assert_clean
	# -f runs the spec's application.
	wx_run wparexec -f "$T/ow.spec"
	wx_expect 0 "-f"
	[ -e "$T/ran" ] || fail "-f did not run the application"
	wx_assert_clean
	# through /bin/sh -c.
	printf 'general:\n\tname = "fs1"\n\tapplication = "echo a  b >%s/f-out; exit 4"\n' "$T" >"$T/sh.spec"
	wx_run wparexec -f "$T/sh.spec"
	wx_expect 4 "-f with a shell command line"
	[ "$(cat "$T/f-out" 2>/dev/null)" = "a b" ] || fail "the application did not run through sh -c"
	wx_assert_clean
	# -e copies an application WPAR's definition.
	wx_run wparexec -c -1 -n base -R shares_CPU=7 -N interface=eth0 address=192.0.2.10 netmask=255.255.255.0 -- true
	wx_expect 0 "-c -1 with -R and -N"
	ok lswpar -R -c -q base
	contains "$OUT" "^base:Defined:[^:]*:[^:]*:7:"
	ok lswpar -N -c -q base
	contains "$OUT" "^base:eth0:192\.0\.2\.10:255\.255\.255\.0:"
	wx_run wparexec -c -1 -e base -n copy -- true
	wx_expect 0 "-e"
	ok lswpar -R -c -q copy
	contains "$OUT" "^copy:Defined:[^:]*:[^:]*:7:"
	ok rmwpar base
	ok rmwpar copy
	wx_assert_clean
}

test_wparexec_verbose_and_quiet() {
	wx_run wparexec -n qq -- true
	wx_expect 0 "true"
	[ -z "$ROUT" ] && [ -z "$RERR" ] || fail "wparexec printed: stdout=$ROUT stderr=$RERR"
	wx_run wparexec -n qq -- echo hi
	[ "$ROUT" = hi ] && [ -z "$RERR" ] || fail "wparexec printed: stdout=$ROUT stderr=$RERR"
	wx_run wparexec -v -n vv -- true
	wx_expect 0 "-v"
	[ -z "$ROUT" ] || fail "-v wrote on stdout: $ROUT"
	contains "$RERR" "^Starting workload partition vv\.$"
	contains "$RERR" "^Mounting all workload partition file systems\.$"
	contains "$RERR" "^Loading workload partition\.$"
	contains "$RERR" "^Shutting down all workload partition processes\.$"
	wx_assert_gone vv
}

test_wparexec_environment_and_cwd() {
	wx_run env WX_INHERIT=kept wparexec -n ev -- WX_A=1 WX_B='x y' sh -c 'echo "$WX_INHERIT|$WX_A|$WX_B"'
	wx_expect 0 "environment"
	[ "$ROUT" = "kept|1|x y" ] || fail "environment inside: $ROUT"
	mkdir -p "$T/some/dir"
	local out
	out=$(cd "$T/some/dir" && timeout 10 wparexec -n ev -- pwd </dev/null) || fail "pwd failed"
	[ "$out" = "$T/some/dir" ] || fail "cwd inside: $out"
	# Words after the command are its arguments, VAR=val ones too.
	wx_run wparexec -n ev -- sh -c 'echo "$0" "$1"' x WX_C=3
	[ "$ROUT" = "x WX_C=3" ] || fail "arguments after the command: $ROUT"
}

test_wparexec_user_script() {
	cat >"$T/u.sh" <<-EOF
		#!/bin/sh
		echo "\$*" >>"$T/ulog"
	EOF
	chmod +x "$T/u.sh"
	wx_run wparexec -n us -u "$T/u.sh" -- sh -c "echo command >>$T/ulog"
	wx_expect 0 "-u"
	[ "$(cat "$T/ulog")" = "$(printf 'us / start\ncommand\nus / stop')" ] ||
		fail "start/stop script: $(cat "$T/ulog")"
	wx_assert_gone us
}

# A command line with a newline runs (from its words) and stays listable;
# a kept definition cannot hold it.
test_wparexec_multiline_command() {
	wx_bg -n ml -- sh -c 'touch "$1"
while [ ! -e "$2" ]; do sleep 0.05; done' sh "$T/ready" "$T/never"
	wx_ready "$T/ready"
	ok lswpar -L ml
	contains "$OUT" "Application: +sh -c 'touch"
	stopwpar -F ml >/dev/null 2>&1
	wx_wait "$BG"
	WX_TIMEOUT=5 wx_run wparexec -c -1 -n ml2 -- sh -c 'echo a
echo b'
	wx_expect 125 "wparexec -c -1 with a newline"
	contains "$RERR" "control character"
	[ ! -e "$WPAR_CONFDIR/ml2.cf" ] || fail "a refused definition was written"
}
