# clogin: entering a running system WPAR, with and without a terminal.

clogin_wpar() { # name [mkwpar flags...]: a running system WPAR
	local n=$1
	shift
	ok mkwpar -n "$n" "$@"
	ok startwpar "$n"
}

# Runs a command line on a new pty (script) and prints what the pty
# showed.  Standard input is a FIFO opened for reading and writing: it
# never delivers data nor end of file (on end of file script would type
# an EOF character into the session).
on_pty() {
	[ -p "$T/idle" ] || mkfifo "$T/idle"
	script -qec "$1" /dev/null <>"$T/idle"
}

status_of() { # command...: prints its exit status
	local rc=0
	"$@" >/dev/null 2>&1 || rc=$?
	echo "$rc"
}

test_clogin_exit_status() {
	clogin_wpar cle
	[ "$(status_of clogin cle sh -c 'exit 7')" = 7 ] || fail "exit 7 not propagated"
	[ "$(status_of clogin cle true)" = 0 ] || fail "true"
	[ "$(status_of clogin cle sh -c 'kill -TERM $$')" = 143 ] || fail "killed: not 128+15"
	[ "$(status_of clogin cle no-such-command)" = 127 ] || fail "not found: not 127"
	must_fail "no-such-command: command not found" clogin cle no-such-command
	[ "$(status_of clogin cle /no/such/file)" = 127 ] || fail "missing path: not 127"
	[ "$(status_of clogin cle /etc/passwd)" = 126 ] || fail "not executable: not 126"
	must_fail "Usage" clogin
	must_fail "unknown flag" clogin -x cle
}

test_clogin_pipes() {
	clogin_wpar clp
	[ "$(echo hi | clogin clp cat)" = hi ] || fail "stdin not passed"
	local out
	out=$(clogin clp sh -c 'echo out; echo err >&2' 2>"$T/err")
	[ "$out" = out ] && [ "$(cat "$T/err")" = err ] || fail "stdout/stderr mixed: $out"
	head -c 3000000 /dev/urandom >"$T/data"
	[ "$(clogin clp cat <"$T/data" | md5sum)" = "$(md5sum <"$T/data")" ] ||
		fail "data damaged on the way through"
	# No terminal: no pty, and no TERM.
	out=$(clogin clp sh -c 'tty; echo "TERM=${TERM-unset}"' </dev/null) || true
	contains "$out" "not a tty"
	contains "$out" "TERM=unset"
}

test_clogin_isolation() {
	clogin_wpar cli -h cli.example.com
	[ "$(clogin cli hostname)" = cli.example.com ] || fail "hostname inside: $(clogin cli hostname)"
	# Only the WPAR's processes: its init as PID 1, neither clogin nor
	# its helper nor anything of the host.
	local ps
	ps=$(clogin cli ps -e -o pid=,comm=)
	[ "$(echo "$ps" | wc -l)" -lt 10 ] || fail "the session sees too much: $ps"
	echo "$ps" | awk '$1 == 1 { found = 1 } END { exit !found }' || fail "no PID 1: $ps"
	not_contains "$ps" "clogin|cor_cli"
	# The session is in the WPAR's cgroup (the root of its cgroup namespace).
	clogin cli cat /proc/self/cgroup | grep -v "^0::" | grep -qv ':/$' &&
		fail "outside the WPAR's cgroup"
	# Root and working directory are the WPAR's.
	[ "$(clogin cli stat -c %i /)" = "$(stat -c %i "$WPAR_BASEDIR/cli")" ] || fail "root"
	[ "$(clogin cli pwd)" = /root ] || fail "cwd: $(clogin cli pwd)"
	# Nothing of clogin's but the three standard streams.
	[ "$(clogin cli sh -c 'ls /proc/$$/fd' | tr '\n' ' ')" = "0 1 2 " ] ||
		fail "descriptors leaked: $(clogin cli sh -c 'ls -l /proc/$$/fd')"
	# A clean environment.
	local names
	names=$(env -u LANG -u TERM clogin cli env | cut -d= -f1 | sort | tr '\n' ' ')
	[ "$names" = "HOME LOGNAME PATH SHELL USER " ] || fail "environment: $names"
	[ "$(clogin cli sh -c 'echo $PATH')" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ] ||
		fail "root's PATH"
	# Confined like init.
	[ "$(clogin cli sh -c 'grep CapBnd /proc/self/status')" = "$(clogin cli sh -c 'grep CapBnd /proc/1/status')" ] ||
		fail "capability bounding set differs from init's"
	clogin cli grep -q '^Seccomp:[[:space:]]*2' /proc/self/status || fail "no seccomp filter"
}

test_clogin_users() {
	clogin_wpar clu
	[ "$(clogin clu id -u)" = 0 ] || fail "not root by default"
	ok clogin clu useradd -m -s /bin/sh cluser
	! grep -q '^cluser:' /etc/passwd || fail "user created on the host"
	ok clogin clu groupadd clgroup
	ok clogin clu usermod -aG clgroup cluser
	local out
	out=$(clogin -l cluser clu id)
	contains "$out" "uid=[0-9]+\(cluser\)"
	contains "$out" "clgroup"
	# AIX's order: the flag after the name.
	[ "$(clogin clu -l cluser id -un)" = cluser ] || fail "-l after the name"
	[ "$(clogin -l cluser clu sh -c 'echo $HOME:$PWD:$USER:$LOGNAME:$SHELL:$PATH')" = \
		"/home/cluser:/home/cluser:cluser:cluser:/bin/sh:/usr/local/bin:/usr/bin:/bin" ] ||
		fail "user environment: $(clogin -l cluser clu env)"
	must_fail "user nosuchuser does not exist in workload partition clu" \
		clogin -l nosuchuser clu id
	# Host accounts mean nothing inside.
	local host_user
	host_user=$(awk -F: '$3 >= 1000 && $3 < 65534 { print $1; exit }' /etc/passwd)
	if [ -n "$host_user" ]; then
		must_fail "does not exist" clogin -l "$host_user" clu id
	fi
}

test_clogin_refusals() {
	must_fail "0960-419 Could not find a workload partition called nowpar" clogin nowpar id
	ok mkwpar -n cld
	must_fail "not currently active.*Defined" clogin cld id
	printf 'general:\n\tname = "clapp"\n\thostname = "clapp"\n\tapplication = "/bin/sleep 100"\n' \
		>"$WPAR_CONFDIR/clapp.cf"
	must_fail "application workload partition" clogin clapp id
	rm -f "$WPAR_CONFDIR/clapp.cf"
	ok startwpar cld
	ok stopwpar cld
	must_fail "not currently active.*Defined" clogin cld id
}

test_clogin_signals_forwarded() {
	clogin_wpar cls
	local s
	for s in INT TERM HUP QUIT; do
		local rc=0
		timeout --preserve-status -s "$s" 1 clogin cls sleep 100 || rc=$?
		[ "$rc" = $((128 + $(kill -l "$s"))) ] || fail "SIG$s: status $rc"
	done
	# The whole job gets it, as from a terminal: the shell's child too.
	local rc=0
	timeout --preserve-status -s INT 1 clogin cls sh -c 'sleep 100; exit 3' || rc=$?
	[ "$rc" = 130 ] || fail "job interrupted: status $rc"
	clogin cls ps -e -o args= | grep -q '^sleep 100' && fail "a sleep survived"
	true
}

test_clogin_tty() {
	clogin_wpar clt
	local out
	out=$(on_pty "clogin clt tty")
	contains "$out" "^/dev/pts/[0-9]+"
	not_contains "$out" "not a tty"
	out=$(on_pty "stty cols 100 rows 40; clogin clt stty size")
	contains "$out" "^40 100"
	out=$(TERM=xterm-clogin on_pty "clogin clt sh -c 'echo T=\$TERM'")
	contains "$out" "T=xterm-clogin"
	local rc=0
	on_pty "clogin clt sh -c 'exit 5'" >/dev/null || rc=$?
	[ "$rc" = 5 ] || fail "status through the pty: $rc"
	# The pty belongs to the user, as login makes it.
	ok clogin clt useradd -m -s /bin/sh clttyuser
	out=$(on_pty "clogin -l clttyuser clt sh -c 'stat -c %U \$(tty)'")
	contains "$out" "^clttyuser"
	# A terminal among the streams without a pty: a pipe, never the
	# host's terminal.
	out=$(on_pty "clogin clt sh -c 'readlink /proc/self/fd/0 /proc/self/fd/2' | cat")
	not_contains "$out" "/dev/pts"
	contains "$out" "pipe:"
}

test_clogin_tty_window_change() {
	command -v tmux >/dev/null || return 0
	clogin_wpar clw
	export TMUX_TMPDIR=$T
	local tm="tmux -L clogin -f /dev/null"
	$tm new-session -d -s t -x 100 -y 40 "PATH=$PATH exec bash --norc"
	$tm send-keys -t t "clogin clw" Enter
	sleep 1
	$tm send-keys -t t "stty size" Enter
	sleep 0.5
	$tm resize-window -t t -x 120 -y 50
	sleep 0.5
	$tm send-keys -t t "stty size; exit 4" Enter
	sleep 1
	$tm send-keys -t t 'echo "outer=$?"' Enter
	sleep 0.5
	local out
	out=$($tm capture-pane -p -t t)
	$tm kill-server
	contains "$out" "^40 100"
	contains "$out" "^50 120"
	contains "$out" "^outer=4"
}

test_clogin_tty_ctrl_c() {
	clogin_wpar clc
	local start=$SECONDS rc=0
	{
		sleep 1.5
		printf '\003'
		sleep 1
	} | script -qec "exec clogin clc sleep 100" /dev/null >/dev/null || rc=$?
	[ "$rc" = 130 ] || fail "Ctrl-C: status $rc"
	[ $((SECONDS - start)) -lt 20 ] || fail "the sleep was not interrupted"
	# In a login shell Ctrl-C ends the foreground job, not the session.
	rc=0
	local out
	out=$({
		sleep 1.5
		printf 'sleep 100\r'
		sleep 1
		printf '\003'
		sleep 0.5
		printf 'echo alive $?\r'
		sleep 0.5
		printf 'exit 3\r'
		sleep 1
	} | script -qec "clogin clc" /dev/null) || rc=$?
	contains "$out" "alive 130"
	[ "$rc" = 3 ] || fail "login shell status: $rc"
}

test_clogin_tty_hangup_restores_terminal() {
	clogin_wpar clh
	(
		sleep 1.5
		local p
		p=$(pgrep -o -f "^clogin clh sleep 77")
		[ -n "$p" ] && kill -TERM "$p"
	) &
	local out
	out=$(on_pty "sh -c 'clogin clh sleep 77; echo rc=\$?; stty -a'")
	wait
	contains "$out" "rc=129"
	contains "$out" "[^-]icanon"
	contains "$out" "[^-]echo "
}
