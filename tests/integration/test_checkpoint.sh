# Checkpoint and restart of system and application WPARs with CRIU:
# chkptwpar, restartwpar, resumewpar, killwpar, the Frozen and Paused
# states.

# Starts a checkpointable WPAR $1 ($2...: more mkwpar flags) whose counter
# process writes an increasing number to /tmp/counter every 0.1 s; the
# process keeps the count in memory, so continuity after a restart shows
# that its memory came back.
ck_counter_wpar() {
	local w=$1
	shift
	ok mkwpar -n "$w" -c "$@"
	ok startwpar "$w"
	# Started by the WPAR's init (a clogin session's processes are not
	# checkpointed), through its boot script's directory of local jobs.
	clogin "$w" sh -c 'nohup setsid sh -c "i=0; while :; do i=\$((i+1)); echo \$i >/tmp/counter.new; mv /tmp/counter.new /tmp/counter; sleep 0.1; done" </dev/null >/dev/null 2>&1 &' ||
		fail "could not start the counter"
	local i
	for i in $(seq 50); do
		[ -s "$WPAR_BASEDIR/$w/tmp/counter" ] && return 0
		sleep 0.1
	done
	fail "the counter of $w does not count"
}

# chkptwpar, tried again on AIX's "retry" status (6): a process that did
# not reach a freezing point in time, on a busy host.
ck_chkpt() {
	local i rc
	for i in 1 2 3; do
		rc=0
		OUT=$(chkptwpar "$@" 2>&1) || rc=$?
		[ "$rc" = 6 ] || break
		echo "    chkptwpar $*: retry ($OUT)"
		sleep 1
	done
	[ "$rc" = 0 ] || fail "expected success: chkptwpar $* -> $OUT"
}

ck_count() {
	cat "$WPAR_BASEDIR/$1/tmp/counter"
}

# Waits until the counter of $1 reaches at least $2.
ck_wait_count() {
	local i
	for i in $(seq 50); do
		[ "$(ck_count "$1")" -ge "$2" ] 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the counter of $1 stays at $(ck_count "$1"), expected $2 or more"
}

test_checkpoint_kill_and_restart() {
	ck_counter_wpar ck1
	ck_chkpt -k -d "$T/state" ck1
	contains "$OUT" "Checkpointing workload partition ck1"
	[ "$(lswpar -c -q -a state ck1)" = D ] || fail "chkptwpar -k left ck1 $(lswpar -c -q -a state ck1)"
	[ -f "$T/state/wpar.ckpt" ] || fail "no checkpoint description"
	local at_stop
	at_stop=$(ck_count ck1)
	ok restartwpar -d "$T/state" ck1
	[ "$(lswpar -c -q -a state ck1)" = A ] || fail "restartwpar left ck1 $(lswpar -c -q -a state ck1)"
	# The count goes on from the checkpoint (not from 0: a new boot would
	# have no counter at all).
	ck_wait_count ck1 $((at_stop + 3))
	# A restored WPAR is like any other: sessions, an orderly stop.
	ok clogin ck1 cat /tmp/counter
	ok stopwpar ck1
	[ "$(lswpar -c -q -a state ck1)" = D ] || fail "stopwpar after a restart"
	assert_released ck1
}

test_checkpoint_continue() {
	ck_counter_wpar ck2
	ck_chkpt -d "$T/state" ck2
	[ "$(lswpar -c -q -a state ck2)" = A ] || fail "ck2 is $(lswpar -c -q -a state ck2) after a checkpoint"
	local n
	n=$(ck_count ck2)
	ck_wait_count ck2 $((n + 3))
	ok stopwpar ck2
}

test_checkpoint_pause_resume_kill() {
	ck_counter_wpar ck3
	ck_chkpt -p -d "$T/state" ck3
	[ "$(lswpar -c -q -a state ck3)" = P ] || fail "chkptwpar -p left ck3 $(lswpar -c -q -a state ck3)"
	local n
	n=$(ck_count ck3)
	sleep 0.5
	[ "$(ck_count ck3)" = "$n" ] || fail "a paused WPAR went on counting"
	must_fail "does not exist" killwpar nosuch
	ok resumewpar ck3
	[ "$(lswpar -c -q -a state ck3)" = A ] || fail "resumewpar left ck3 $(lswpar -c -q -a state ck3)"
	ck_wait_count ck3 $((n + 3))
	# resumewpar and killwpar refuse an Active WPAR (AIX exit 17).
	local rc=0
	resumewpar ck3 >/dev/null 2>&1 || rc=$?
	[ "$rc" = 17 ] || fail "resumewpar on an active WPAR: status $rc"
	rc=0
	killwpar ck3 >/dev/null 2>&1 || rc=$?
	[ "$rc" = 17 ] || fail "killwpar on an active WPAR: status $rc"
	# Paused again, then killed: Defined, and restartable with -p.
	ck_chkpt -p -d "$T/state2" ck3
	ok killwpar ck3
	[ "$(lswpar -c -q -a state ck3)" = D ] || fail "killwpar left ck3 $(lswpar -c -q -a state ck3)"
	ok restartwpar -p -d "$T/state2" ck3
	[ "$(lswpar -c -q -a state ck3)" = P ] || fail "restartwpar -p left ck3 $(lswpar -c -q -a state ck3)"
	n=$(ck_count ck3)
	sleep 0.5
	[ "$(ck_count ck3)" = "$n" ] || fail "restartwpar -p: it counts while Paused"
	ok resumewpar ck3
	ck_wait_count ck3 $((n + 3))
	ok stopwpar ck3
}

# The WPAR's resource limits come from its definition at the restart.
test_checkpoint_keeps_limits() {
	ck_counter_wpar ck4 -R totalProcesses=321
	ck_chkpt -k -d "$T/state" ck4
	ok restartwpar -d "$T/state" ck4
	local f
	f=$(ls /sys/fs/cgroup/pids/"$WPAR_CGROUP_PARENT"/ck4/pids.max 2>/dev/null)
	[ -n "$f" ] || return 0 # no v1 pids hierarchy
	[ "$(cat "$f")" = 321 ] || fail "pids.max after the restart: $(cat "$f")"
	ok stopwpar ck4
}

# The monitor died (and with it the WPAR): the checkpoint brings it back.
test_checkpoint_restart_after_monitor_died() {
	ck_counter_wpar ck5
	ck_chkpt -d "$T/state" ck5
	local n
	n=$(ck_count ck5)
	pkill -KILL -f "^cor_ck5 " || fail "no monitor"
	wait_state ck5 B
	ok stopwpar -F ck5
	ok restartwpar -d "$T/state" ck5
	ck_wait_count ck5 $((n + 3))
	ok stopwpar ck5
}

test_checkpoint_bad_input() {
	ok mkwpar -n ckb
	must_fail "does not exist" chkptwpar -d "$T/s" nosuch
	local rc=0
	chkptwpar -d "$T/s" nosuch >/dev/null 2>&1 || rc=$?
	[ "$rc" = 16 ] || fail "unknown WPAR: status $rc"
	rc=0
	chkptwpar -d "$T/s" ckb >/dev/null 2>&1 || rc=$?
	[ "$rc" = 19 ] || fail "not checkpointable: status $rc"
	must_fail "not checkpointable" chkptwpar -d "$T/s" ckb
	must_fail "-d statedir is required" chkptwpar ckb
	must_fail "-k and -p exclude each other" chkptwpar -k -p -d "$T/s" ckb
	ok chwpar -c ckb
	must_fail "not active" chkptwpar -d "$T/s" ckb
	ok startwpar ckb
	mkdir -p "$T/full" && touch "$T/full/x"
	rc=0
	chkptwpar -d "$T/full" ckb >/dev/null 2>&1 || rc=$?
	[ "$rc" = 23 ] || fail "non-empty state directory: status $rc"
	rc=0
	chkptwpar -d relative/dir ckb >/dev/null 2>&1 || rc=$?
	[ "$rc" = 21 ] || fail "relative state directory: status $rc"
	[ "$(lswpar -c -q -a state ckb)" = A ] || fail "a refused checkpoint changed the state"
	# A clogin session's processes are not the WPAR's to checkpoint.
	clogin ckb sleep 30 &
	local session=$!
	sleep 0.5
	rc=0
	OUT=$(chkptwpar -d "$T/s2" ckb 2>&1) || rc=$?
	kill "$session" 2>/dev/null
	wait "$session" 2>/dev/null || true
	[ "$rc" = 6 ] || fail "with a clogin session: status $rc ($OUT)"
	contains "$OUT" "processes of clogin sessions cannot be checkpointed"
	[ "$(lswpar -c -q -a state ckb)" = A ] || fail "a refused checkpoint left ckb $(lswpar -c -q -a state ckb)"
	# Restarts: an active WPAR, another WPAR's checkpoint, no checkpoint,
	# a damaged one.
	ck_chkpt -d "$T/s3" ckb
	rc=0
	restartwpar -d "$T/s3" ckb >/dev/null 2>&1 || rc=$?
	[ "$rc" = 17 ] || fail "restart of an active WPAR: status $rc"
	ok mkwpar -n ckc -c
	must_fail "holds a checkpoint of workload partition ckb, not of ckc" restartwpar -d "$T/s3" ckc
	must_fail "holds no checkpoint" restartwpar -d "$T/full" ckc
	mkdir "$T/s4" && echo garbage >"$T/s4/wpar.ckpt"
	rc=0
	restartwpar -d "$T/s4" ckc >/dev/null 2>&1 || rc=$?
	[ "$rc" = 25 ] || fail "damaged checkpoint: status $rc"
	[ "$(lswpar -c -q -a state ckc)" = D ] || fail "a refused restart changed ckc"
	# CRIU's images damaged: a clear failure, nothing left running, the
	# WPAR Defined and startable.
	ck_chkpt -k -d "$T/s5" ckb
	local img
	for img in "$T"/s5/pages-*.img; do : >"$img"; done
	rm -f "$T"/s5/core-*.img
	must_fail "CRIU could not restart ckb" restartwpar -d "$T/s5" ckb
	[ "$(lswpar -c -q -a state ckb)" = D ] || fail "a failed restart left ckb $(lswpar -c -q -a state ckb)"
	assert_released ckb
	ok startwpar ckb
	ok stopwpar ckb
}

# A file system on an image (here /var) is carried: the restart mounts the
# image again and the processes find their files and open descriptors.
test_checkpoint_image_file_system() {
	ck_counter_wpar cki -M directory=/var vfs=jfs2 size=32M
	clogin cki sh -c 'nohup setsid sh -c "exec 3>>/var/log/ck; i=0; while :; do i=\$((i+1)); echo \$i >&3; sleep 0.1; done" </dev/null >/dev/null 2>&1 &' ||
		fail "could not start the appender"
	sleep 0.5
	ck_chkpt -k -d "$T/state" cki
	ok restartwpar -d "$T/state" cki
	local n
	n=$(ck_count cki)
	ck_wait_count cki $((n + 3))
	# The appender went on in the same file on the image, numbered on.
	local log
	log=$(clogin cki cat /var/log/ck) || fail "clogin: $log"
	echo "$log" | awk 'NR != $1 { print "line " NR ": " $0; exit 1 }' ||
		fail "the file on the image did not continue: $(echo "$log" | tail -3)"
	ok clogin cki sh -c 'grep -q " /var " /proc/self/mountinfo'
	ok stopwpar cki
	assert_released cki
	[ -z "$(ls "$WPAR_RUNDIR/cki" 2>/dev/null)" ] || fail "left in the run directory: $(ls "$WPAR_RUNDIR/cki")"
}

# ---- application WPARs (wparexec -c) ----------------------------------------

# Runs a checkpointable application WPAR $1 in the background, a counter
# that keeps its count in memory and writes it to $T/count.$1 every 0.1 s
# and "tick N" on its output (the console).  $2: the file for wparexec's
# output; wparexec's exit status goes to $2.rc.
ck_app_counter() {
	local w=$1 out=$2
	(
		rc=0
		wparexec -c -n "$w" -- sh -c "i=0; while :; do i=\$((i+1)); echo \$i >$T/count.$w.new; mv $T/count.$w.new $T/count.$w; echo tick \$i; sleep 0.1; done" >"$out" 2>&1 || rc=$?
		echo "$rc" >"$out.rc"
	) &
	local i
	for i in $(seq 50); do
		[ -s "$T/count.$w" ] && return 0
		sleep 0.1
	done
	fail "the counter of $w does not count ($(cat "$out"))"
}

ck_app_count() {
	cat "$T/count.$1"
}

ck_app_wait_count() {
	local i
	for i in $(seq 50); do
		[ "$(ck_app_count "$1")" -ge "$2" ] 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the counter of $1 stays at $(ck_app_count "$1"), expected $2 or more"
}

# Waits for the status file a background wparexec or restartwpar writes.
ck_app_rc() {
	local i
	for i in $(seq 100); do
		[ -s "$1.rc" ] && { cat "$1.rc"; return 0; }
		sleep 0.1
	done
	fail "$1: the command did not end"
}

# restartwpar of an application WPAR runs it (AIX: it returns when the
# WPAR ends, with its command's status); in the background here.
ck_app_restart() { # out restartwpar-args...
	local out=$1
	shift
	(
		rc=0
		restartwpar "$@" >"$out" 2>&1 || rc=$?
		echo "$rc" >"$out.rc"
	) &
}

test_checkpoint_app_kill_and_restart() {
	ck_app_counter cka1 "$T/wx"
	ck_chkpt -k -d "$T/state" cka1
	contains "$OUT" "Checkpointing workload partition cka1"
	# wparexec ends with 124 and says why; the WPAR is gone, its
	# definition kept in the checkpoint.
	[ "$(ck_app_rc "$T/wx")" = 124 ] || fail "wparexec after chkptwpar -k: status $(cat "$T/wx.rc")"
	contains "$(cat "$T/wx")" "cka1 was checkpointed and stopped"
	must_fail "0960-419" lswpar cka1
	[ -f "$T/state/wpar.cf" ] || fail "no saved definition"
	local at_stop
	at_stop=$(ck_app_count cka1)
	sleep 0.3
	[ "$(ck_app_count cka1)" = "$at_stop" ] || fail "it counted on after chkptwpar -k"
	ck_app_restart "$T/rs" -d "$T/state" cka1
	wait_state cka1 A
	# The count goes on from the checkpoint, in the same process.
	ck_app_wait_count cka1 $((at_stop + 3))
	# Its output: restartwpar's stdout and the console log.
	local n
	n=$(ck_app_count cka1)
	sleep 0.3
	contains "$(cat "$T/rs")" "tick $n"
	contains "$(cat "$WPAR_LOGDIR/cka1/console.log")" "tick $n"
	[ "$(lswpar -c -q -a type cka1)" = A ] || fail "type after the restart"
	ok stopwpar cka1
	# The command ended on SIGTERM: restartwpar's status says so.
	[ "$(ck_app_rc "$T/rs")" = 143 ] || fail "restartwpar after stopwpar: status $(cat "$T/rs.rc")"
	must_fail "0960-419" lswpar cka1
	assert_released cka1
}

test_checkpoint_app_continue() {
	ck_app_counter cka2 "$T/wx"
	ck_chkpt -d "$T/state" cka2
	[ "$(lswpar -c -q -a state cka2)" = A ] || fail "cka2 is $(lswpar -c -q -a state cka2) after a checkpoint"
	local n
	n=$(ck_app_count cka2)
	ck_app_wait_count cka2 $((n + 3))
	[ ! -e "$T/wx.rc" ] || fail "wparexec ended after a checkpoint: $(cat "$T/wx")"
	# A second checkpoint of the same run, then its end as usual.
	ck_chkpt -d "$T/state2" cka2
	ok stopwpar cka2
	[ "$(ck_app_rc "$T/wx")" = 143 ] || fail "wparexec after stopwpar: status $(cat "$T/wx.rc")"
	assert_released cka2
}

test_checkpoint_app_pause_resume() {
	ck_app_counter cka3 "$T/wx"
	ck_chkpt -p -d "$T/state" cka3
	[ "$(lswpar -c -q -a state cka3)" = P ] || fail "chkptwpar -p left cka3 $(lswpar -c -q -a state cka3)"
	local n
	n=$(ck_app_count cka3)
	sleep 0.5
	[ "$(ck_app_count cka3)" = "$n" ] || fail "a paused WPAR went on counting"
	ok resumewpar cka3
	[ "$(lswpar -c -q -a state cka3)" = A ] || fail "resumewpar left cka3 $(lswpar -c -q -a state cka3)"
	ck_app_wait_count cka3 $((n + 3))
	# Paused again and killed; restarted Paused, resumed.
	ck_chkpt -p -d "$T/state2" cka3
	ok killwpar cka3
	ck_app_rc "$T/wx" >/dev/null
	must_fail "0960-419" lswpar cka3
	ck_app_restart "$T/rs" -p -d "$T/state2" cka3
	wait_state cka3 P
	n=$(ck_app_count cka3)
	sleep 0.5
	[ "$(ck_app_count cka3)" = "$n" ] || fail "restartwpar -p: it counts while Paused"
	ok resumewpar cka3
	ck_app_wait_count cka3 $((n + 3))
	ok stopwpar cka3
	ck_app_rc "$T/rs" >/dev/null
	assert_released cka3
}

# A kept definition (wparexec -c -1) run by startwpar: checkpointed,
# stopped, restarted from its definition, Defined again at the end.
test_checkpoint_app_kept_definition() {
	ok wparexec -c -1 -n cka4 -- sh -c "i=0; while :; do i=\$((i+1)); echo \$i >$T/count.cka4.new; mv $T/count.cka4.new $T/count.cka4; sleep 0.1; done"
	ok startwpar cka4
	ck_app_wait_count cka4 3
	ck_chkpt -k -d "$T/state" cka4
	wait_state cka4 D
	local n
	n=$(ck_app_count cka4)
	ck_app_restart "$T/rs" -d "$T/state" cka4
	wait_state cka4 A
	ck_app_wait_count cka4 $((n + 3))
	ok stopwpar cka4
	ck_app_rc "$T/rs" >/dev/null
	wait_state cka4 D
	assert_released cka4
}

test_checkpoint_app_bad_input() {
	# Not checkpointable: AIX's status 19, and how to make one.
	(wparexec -n ckn -- sleep 30 >/dev/null 2>&1 &)
	wait_state ckn A
	local rc=0
	OUT=$(chkptwpar -d "$T/s" ckn 2>&1) || rc=$?
	[ "$rc" = 19 ] || fail "not checkpointable: status $rc ($OUT)"
	contains "$OUT" "not checkpointable \(an application WPAR is made checkpointable by wparexec -c\)"
	[ "$(lswpar -c -q -a state ckn)" = A ] || fail "a refused checkpoint changed ckn"
	ok stopwpar -F ckn
	# A restart while the same WPAR still runs: busy (17).
	ck_app_counter cka5 "$T/wx"
	ck_chkpt -d "$T/state" cka5
	rc=0
	OUT=$(restartwpar -d "$T/state" cka5 2>&1) || rc=$?
	[ "$rc" = 17 ] || fail "restart of a running application WPAR: status $rc ($OUT)"
	contains "$OUT" "cka5 is Active; it must be Defined to be restarted"
	# Another name: the checkpoint is not of that WPAR (16).
	rc=0
	restartwpar -d "$T/state" other >/dev/null 2>&1 || rc=$?
	[ "$rc" = 16 ] || fail "restart under another name: status $rc"
	# A damaged saved definition: 25.
	ok stopwpar cka5
	ck_app_rc "$T/wx" >/dev/null
	echo garbage >"$T/state/wpar.cf"
	rc=0
	OUT=$(restartwpar -d "$T/state" cka5 2>&1) || rc=$?
	[ "$rc" = 25 ] || fail "damaged saved definition: status $rc ($OUT)"
	contains "$OUT" "no usable definition"
	must_fail "0960-419" lswpar cka5
}

# A TCP connection from the host to a server in a WPAR on a bridge lives
# through chkptwpar -k and restartwpar: the server's count goes on.
test_checkpoint_tcp_connection_survives() {
	local sub=$((200 + RANDOM % 50)) br
	br=wck$(printf '%04x' $((RANDOM % 65536)))
	trap 'cleanup; ip link del '"$br"' 2>/dev/null' EXIT
	ip link add "$br" type bridge || fail "cannot create bridge $br"
	ip addr add "10.$sub.0.1/24" dev "$br"
	ip link set "$br" up
	ok mkwpar -n ckt -c -N address="10.$sub.0.10"
	ok startwpar ckt
	cat >"$WPAR_BASEDIR/ckt/tmp/echo.py" <<-'PY'
		import socket
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("0.0.0.0", 7000)); s.listen(1)
		print("listening", flush=True)
		c, _ = s.accept()
		n = 0
		while True:
		    d = c.recv(100)
		    if not d:
		        break
		    n += 1
		    c.sendall(b"%d:" % n + d)
	PY
	clogin ckt sh -c 'nohup setsid python3 /tmp/echo.py >/tmp/echo.out 2>&1 </dev/null &'
	local i
	for i in $(seq 50); do
		grep -q listening "$WPAR_BASEDIR/ckt/tmp/echo.out" 2>/dev/null && break
		sleep 0.1
	done
	cat >"$T/client.py" <<-PY
		import socket, subprocess, sys
		c = socket.create_connection(("10.$sub.0.10", 7000), timeout=10)
		c.sendall(b"a"); print("before", c.recv(100).decode())
		for cmd in (["chkptwpar", "-k", "-d", "$T/state", "ckt"], ["restartwpar", "-d", "$T/state", "ckt"]):
		    r = subprocess.run(cmd, capture_output=True, text=True)
		    if r.returncode:
		        print(cmd[0], "failed:", r.returncode, r.stdout, r.stderr); sys.exit(1)
		c.sendall(b"b"); print("after", c.recv(100).decode())
	PY
	local out
	out=$(/usr/bin/python3 "$T/client.py" 2>&1) || fail "the client: $out"
	contains "$out" "before 1:a"
	contains "$out" "after 2:b"
	ok stopwpar ckt
}

# A process tree with pipes and signals between its processes, a System V
# shared memory segment, a file kept open and appended to, and an interval
# timer: each goes on after chkptwpar -k and restartwpar.
test_checkpoint_process_state_continues() {
	ok mkwpar -n ckp -c
	ok startwpar ckp
	cat >"$WPAR_BASEDIR/ckp/tmp/state.py" <<-'PY'
		import os, signal, subprocess, time
		# System V shared memory (ipcmk).
		shmid = subprocess.run(["ipcmk", "-M", "4096"], capture_output=True, text=True).stdout.split()[-1]
		open("/tmp/shmid", "w").write(shmid)
		ticks = 0
		def tick(sig, frame):
		    global ticks
		    ticks += 1
		signal.signal(signal.SIGALRM, tick)
		got = 0
		def usr1(sig, frame):
		    global got
		    got += 1
		signal.signal(signal.SIGUSR1, usr1)
		down_r, down_w = os.pipe()
		up_r, up_w = os.pipe()
		child = os.fork()
		if child == 0:
		    # The child answers each number from its parent with the
		    # number of SIGUSR1 it has received so far.
		    os.close(down_w); os.close(up_r)
		    while True:
		        d = os.read(down_r, 100)
		        if not d:
		            os._exit(0)
		        os.write(up_w, b"%s %d\n" % (d.strip(), got))
		os.close(down_r); os.close(up_w)
		signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
		log = open("/tmp/appended", "a", buffering=1)
		n = 0
		while True:
		    n += 1
		    os.kill(child, signal.SIGUSR1)
		    os.write(down_w, b"%d\n" % n)
		    answer = os.read(up_r, 100).decode().split()
		    log.write("%d %s %s %d\n" % (n, answer[0], answer[1], ticks))
		    time.sleep(0.1)
	PY
	clogin ckp sh -c 'nohup setsid python3 /tmp/state.py >/tmp/state.out 2>&1 </dev/null &'
	local f=$WPAR_BASEDIR/ckp/tmp/appended i
	for i in $(seq 50); do
		[ -f "$f" ] && [ "$(wc -l <"$f")" -ge 5 ] && break
		sleep 0.1
	done
	local shmid
	shmid=$(cat "$WPAR_BASEDIR/ckp/tmp/shmid")
	ck_chkpt -k -d "$T/state" ckp
	local before
	before=$(wc -l <"$f")
	ok restartwpar -d "$T/state" ckp
	for i in $(seq 50); do
		[ "$(wc -l <"$f")" -ge $((before + 5)) ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$f")" -ge $((before + 5)) ] || fail "the appending process did not go on: $(tail -3 "$f")"
	# Line n: the child echoed n through the pipes (in step), the lines
	# are numbered without a gap or a repeat (the open file's offset came
	# back), the child's count of signals and the timer's count grew.
	awk 'NR != $1 || $1 != $2 { print "bad line " NR ": " $0; exit 1 }' "$f" ||
		fail "the pipes or the file offset did not continue: $(cat "$f")"
	local s1 s2 t1 t2
	s1=$(sed -n "${before}p" "$f" | awk '{ print $3 }')
	s2=$(tail -1 "$f" | awk '{ print $3 }')
	t1=$(sed -n "${before}p" "$f" | awk '{ print $4 }')
	t2=$(tail -1 "$f" | awk '{ print $4 }')
	[ "$s2" -gt "$s1" ] || fail "the child got no signals after the restart ($s1 -> $s2)"
	[ "$t2" -gt "$t1" ] || fail "the interval timer stopped ($t1 -> $t2)"
	ok clogin ckp ipcs -m -i "$shmid"
	ok stopwpar ckp
}

# CRIU killed in the middle of a dump: chkptwpar fails and says so, the
# WPAR goes on (Active, its processes running, its network unlocked), and
# the directory is not taken for a checkpoint.
test_checkpoint_criu_killed_mid_dump() {
	ck_counter_wpar ck9
	# A process whose 768 MB take the dump a while to write.
	clogin ck9 sh -c 'nohup setsid python3 -c "b = bytearray(768 << 20)
for i in range(0, len(b), 4096): b[i] = 1
open(\"/tmp/big\", \"w\").write(\"ready\")
import time; time.sleep(1e6)" </dev/null >/dev/null 2>&1 &'
	local i
	for i in $(seq 100); do
		[ -s "$WPAR_BASEDIR/ck9/tmp/big" ] && break
		sleep 0.1
	done
	[ -s "$WPAR_BASEDIR/ck9/tmp/big" ] || fail "the big process did not start"
	local init rc=0 ck criu=""
	init=$(init_pid ck9)
	chkptwpar -k -d "$T/state" ck9 >"$T/ck.out" 2>&1 &
	ck=$!
	for i in $(seq 500); do
		criu=$(pgrep -P "$ck" -x criu | head -1)
		[ -n "$criu" ] && break
		sleep 0.01
	done
	[ -n "$criu" ] || fail "no CRIU process under chkptwpar"
	# Past its start, its freezing and its network lock: in the dump.
	sleep 0.2
	kill -9 "$criu"
	wait "$ck" || rc=$?
	[ "$rc" != 0 ] || fail "chkptwpar succeeded although CRIU was killed: $(cat "$T/ck.out")"
	contains "$(cat "$T/ck.out")" "CRIU could not checkpoint ck9"
	[ "$(lswpar -c -q -a state ck9)" = A ] || fail "ck9 is $(lswpar -c -q -a state ck9)"
	local n
	n=$(ck_count ck9)
	ck_wait_count ck9 $((n + 3))
	ok clogin ck9 cat /tmp/big
	# No lock left in its network namespace, and its loopback carries
	# traffic (its sshd answers).
	if nsenter -t "$init" -n nft list tables 2>/dev/null | grep -q "CRIU-"; then
		fail "CRIU's network lock is left in ck9: $(nsenter -t "$init" -n nft list tables 2>&1)"
	fi
	ssh_wait ck9
	ok clogin ck9 bash -c 'exec 3<>/dev/tcp/127.0.0.1/22 && head -c 4 <&3'
	[ "$OUT" = SSH- ] || fail "ck9's loopback: $OUT"
	ok stopwpar ck9
	# What CRIU left is no checkpoint.
	must_fail "checkpoint" restartwpar -d "$T/state" ck9
	[ "$(lswpar -c -q -a state ck9)" = D ] || fail "a failed restart left ck9 $(lswpar -c -q -a state ck9)"
}

# A checkpointable WPAR has a time namespace of its own: after -k and a
# restart its monotonic and boot clocks go on from where they were, the
# time it was down not seen inside; root inside cannot make another.
test_checkpoint_clocks_continue() {
	ok mkwpar -n ckt -c
	ok startwpar ckt
	local init
	init=$(init_pid ckt)
	[ "$(readlink /proc/$init/ns/time)" != "$(readlink /proc/self/ns/time)" ] ||
		fail "ckt shares the host's time namespace"
	must_fail "not permitted" clogin ckt unshare --time true
	local in1 host1 in2 host2
	in1=$(clogin ckt cut -d' ' -f1 /proc/uptime)
	host1=$(cut -d' ' -f1 /proc/uptime)
	ck_chkpt -k -d "$T/state" ckt
	ls "$T/state" | grep -q '^timens-' || fail "no time namespace in the checkpoint"
	sleep 3
	ok restartwpar -d "$T/state" ckt
	in2=$(clogin ckt cut -d' ' -f1 /proc/uptime)
	host2=$(cut -d' ' -f1 /proc/uptime)
	# Inside: only the time it ran (well under the 3 s it was down);
	# the host's clock went on past those 3 s.
	awk -v a="$in1" -v b="$in2" 'BEGIN { exit !(b >= a && b - a < 2.5) }' ||
		fail "the clock inside went from $in1 to $in2"
	awk -v a="$host1" -v b="$host2" 'BEGIN { exit !(b - a >= 3) }' ||
		fail "the host's clock went from $host1 to $host2"
	ok stopwpar ckt
}

# A WPAR on a plain host device (a macvlan or ipvlan link) is refused
# before anything is frozen or dumped: CRIU could not make the link again.
test_checkpoint_vlan_link_refused() {
	net_env 86
	local nic=wt${NET_ID}c0
	NET_LINKS+=("$nic")
	ip link add "$nic" type veth peer name "${nic}p"
	ip addr add 10.87.0.1/24 dev "$nic"
	ip link set "$nic" up
	ip link set "${nic}p" up
	ok mkwpar -n ckv -c -N address=10.87.0.5 interface="$nic"
	if ! startwpar ckv >/dev/null 2>&1; then
		fail "startwpar ckv on $nic: $(startwpar ckv 2>&1)"
	fi
	local rc=0
	OUT=$(chkptwpar -k -d "$T/state" ckv 2>&1) || rc=$?
	[ "$rc" = 7 ] || fail "chkptwpar of a WPAR on $nic: status $rc: $OUT"
	contains "$OUT" "macvlan or ipvlan on a host device"
	[ "$(lswpar -c -q -a state ckv)" = A ] || fail "ckv is $(lswpar -c -q -a state ckv)"
	[ ! -e "$T/state/wpar.ckpt" ] || fail "a checkpoint was written"
	ok stopwpar ckv
}
