# Resource sets: mkrset, lsrset and rmrset, and WPARs confined to the CPUs
# of their rset (cpuset.cpus, seen by the kernel as the processes'
# Cpus_allowed_list).  The registry lives in $T (WPAR_CONFDIR), so the
# cleanup of lib.sh removes whatever a test left.

# The memory nodes a set gets without -m: the host's nodes with memory.
rset_host_mems() {
	local f
	for f in /sys/devices/system/node/has_memory /sys/devices/system/node/online; do
		if [ -s "$f" ]; then
			cat "$f"
			return
		fi
	done
	echo 0
}

# The commands' outputs and messages, and the registry's files.
test_rset_commands() {
	local mems
	mems=$(rset_host_mems)
	ok lsrset
	[ "$OUT" = "sys/sys0" ] || fail "lsrset with nothing defined: $OUT"

	# Example 7-3's form; silent on success.
	ok mkrset -c 0 test/cpu0
	[ -z "$OUT" ] || fail "mkrset printed: $OUT"
	[ "$(cat "$WPAR_CONFDIR/rsets/test/cpu0")" = "$(printf 'cpus=0\nmems=%s' "$mems")" ] ||
		fail "registry file: $(cat "$WPAR_CONFDIR/rsets/test/cpu0")"
	ok mkrset -c 0,0-0 -m 0 wpar_rset/procs0
	[ "$(cat "$WPAR_CONFDIR/rsets/wpar_rset/procs0")" = "$(printf 'cpus=0\nmems=0')" ] ||
		fail "not normalised: $(cat "$WPAR_CONFDIR/rsets/wpar_rset/procs0")"

	ok lsrset -a
	[ "$OUT" = "$(printf 'sys/sys0\ntest/cpu0\nwpar_rset/procs0')" ] || fail "lsrset -a: $OUT"
	ok lsrset -n test
	[ "$OUT" = "test/cpu0" ] || fail "lsrset -n test: $OUT"
	ok lsrset -n nothing
	[ -z "$OUT" ] || fail "lsrset -n nothing: $OUT"
	ok lsrset -r test/cpu0
	[ "$OUT" = "test/cpu0" ] || fail "lsrset -r: $OUT"

	local nodes ncpus user group
	ncpus=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-");
		n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' /sys/devices/system/cpu/online)
	nodes=$(echo "$mems" | awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-");
		n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }')
	user=$(id -un | cut -c1-8)
	group=$(id -gn | cut -c1-8)
	ok lsrset -f -n test
	local want
	want=$(printf '%-1s %-20s %-8s %-8s %-6s %4s %4s\n' T Name Owner Group Mode CPU MEM \
		r test/cpu0 "$user" "$group" rwr-r- 1 "$nodes")
	[ "$OUT" = "$want" ] || fail "lsrset -f -n test: [$OUT], expected [$want]"
	ok lsrset -v -r wpar_rset/procs0
	want=$(printf '%-1s %-20s %-8s %-8s %-6s %4s %4s\n' T Name Owner Group Mode CPU MEM \
		r wpar_rset/procs0 "$user" "$group" rwr-r- 1 1)
	want=$(printf '%s\n    CPU: 0\n    MEM: 0' "$want")
	[ "$OUT" = "$want" ] || fail "lsrset -v -r: [$OUT], expected [$want]"
	# sys/sys0: the whole host, read-only.
	ok lsrset -v -r sys/sys0
	contains "$OUT" "^r sys/sys0 +root +[a-z]+ +r-r-r- +$ncpus +$nodes$"
	contains "$OUT" "^    CPU: $(cat /sys/devices/system/cpu/online)$"
	contains "$OUT" "^    MEM: $mems$"
	ok lsrset -o
	contains "$OUT" "^r test/cpu0 "
	# The CPUs this shell may use.
	ok lsrset -p $$
	contains "$OUT" "^Effective rset of process $$: [0-9]+ CPUs?, [0-9]+ memory nodes?$"
	contains "$OUT" "^    CPU: [0-9]"

	# Refusals, each naming what is wrong; nothing is written.
	must_fail "^mkrset: resource set test/cpu0 already exists" mkrset -c 0 test/cpu0
	must_fail "^mkrset: sys/mine: the namespace sys is reserved" mkrset -c 0 sys/mine
	must_fail "\"cpu0\" is not a valid resource set name: it must be namespace/name" \
		mkrset -c 0 cpu0
	must_fail "\"a/b/c\" is not a valid resource set name" mkrset -c 0 a/b/c
	must_fail "\".x/y\" is not a valid resource set name" mkrset -c 0 .x/y
	must_fail "CPU list: \"0-x\" is not a list of numbers from 0 to 65535 such as 0-4,6,8-9" \
		mkrset -c 0-x test/bad
	must_fail "CPU list: \"3-1\" is not a list" mkrset -c 3-1 test/bad
	must_fail "CPU 65535 is not online on this host \(online CPUs: " mkrset -c 0,65535 test/bad
	must_fail "memory node 65535 is not on this host \(its memory nodes: $mems\)" \
		mkrset -c 0 -m 65535 test/bad
	must_fail "^mkrset: -c CPUlist is required" mkrset test/bad
	must_fail "^mkrset: no resource set name given" mkrset -c 0
	echo "$OUT" | grep -q "^Usage: mkrset -c CPUlist \[-m MEMlist\] rsetname" ||
		fail "no usage after the message: $OUT"
	[ ! -e "$WPAR_CONFDIR/rsets/test/bad" ] || fail "a refused set was written"
	must_fail "^lsrset: no resource set called test/none$" lsrset -r test/none
	must_fail "^lsrset: -r, -n, -a and -p cannot be used together" lsrset -a -r test/cpu0
	must_fail "^lsrset: -S is not supported" lsrset -S -r test/cpu0
	must_fail "^rmrset: no resource set called test/none$" rmrset test/none
	must_fail "^rmrset: sys/sys0: the resource sets of the namespace sys are the system's" \
		rmrset sys/sys0

	# rmrset: silent; the last set of a namespace takes its directory.
	ok rmrset test/cpu0
	[ -z "$OUT" ] || fail "rmrset printed: $OUT"
	[ ! -e "$WPAR_CONFDIR/rsets/test" ] || fail "namespace directory left"
	ok rmrset wpar_rset/procs0
	[ ! -e "$WPAR_CONFDIR/rsets" ] || fail "registry directory left"
	ok lsrset -a
	[ "$OUT" = "sys/sys0" ] || fail "after rmrset: $OUT"
}

# An application WPAR with rset= runs only on the set's CPUs.
test_rset_wparexec_cpus() {
	ok mkrset -c 0 test/cpu0
	ok wparexec -R rset=test/cpu0 -- grep Cpus_allowed_list /proc/self/status
	[ "$(echo "$OUT" | awk '{print $2}')" = 0 ] || fail "rset=test/cpu0: $OUT"
	# The kernel's view from inside, as lsrset -p shows it.
	ok wparexec -R rset=test/cpu0 -- sh -c 'lsrset -p $$'
	contains "$OUT" "^Effective rset of process [0-9]+: 1 CPU, 1 memory node$"
	contains "$OUT" "^    CPU: 0$"
	contains "$OUT" "^    MEM: 0$"
	# The same command without a set may use every CPU of the host.
	ok wparexec -- grep Cpus_allowed_list /proc/self/status
	[ "$(echo "$OUT" | awk '{print $2}')" = "$(cat /sys/devices/system/cpu/online)" ] ||
		fail "without rset: $OUT"
	if grep -qE '^0-|,1' /sys/devices/system/cpu/online; then
		ok mkrset -c 1 test/cpu1
		ok wparexec -R rset=test/cpu1 -- grep Cpus_allowed_list /proc/self/status
		[ "$(echo "$OUT" | awk '{print $2}')" = 1 ] || fail "rset=test/cpu1: $OUT"
	fi
	# An unknown set refuses the WPAR (before or at start) and leaves
	# nothing behind.
	must_fail "test/none" wparexec -n rsbad -R rset=test/none -- true
	[ ! -e "$WPAR_CONFDIR/rsbad.cf" ] || fail "definition of a refused WPAR left"
	assert_released rsbad
}

# rmrset refuses a set that WPAR definitions name; a system WPAR started
# with it, and a running application WPAR changed to another one.
test_rset_in_use() {
	ok mkrset -c 0 test/cpu0
	ok mkwpar -n rs1 -R rset=test/cpu0
	ok wparexec -c -1 -n rs2 -R rset=test/cpu0 -- true
	must_fail "^rmrset: resource set test/cpu0 is used by workload partitions rs1, rs2; take it out of their resource controls first \(chwpar -K -R rset= wparName\)" \
		rmrset test/cpu0
	[ -e "$WPAR_CONFDIR/rsets/test/cpu0" ] || fail "a set in use was removed"

	# A system WPAR: its init, and what it starts, run on CPU 0 only.
	ok startwpar rs1
	local pid
	pid=$(init_pid rs1)
	[ -n "$pid" ] || fail "no init pid for rs1"
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")" = 0 ] ||
		fail "init of rs1: $(grep Cpus_allowed_list "/proc/$pid/status")"
	ok clogin rs1 grep Cpus_allowed_list /proc/self/status
	[ "$(echo "$OUT" | awk '{print $2}')" = 0 ] || fail "clogin rs1: $OUT"
	ok stopwpar rs1

	ok chwpar -K -R rset= rs1
	must_fail "is used by workload partition rs2; take it out" rmrset test/cpu0
	ok rmwpar rs2
	ok rmrset test/cpu0

	# A running application WPAR moved to another set by chwpar -R.
	if grep -qE '^0-|,1' /sys/devices/system/cpu/online; then
		ok mkrset -c 0 test/cpu0
		ok mkrset -c 1 test/cpu1
		wparexec -n rs3 -R rset=test/cpu0 -- sleep 60 >/dev/null 2>&1 &
		wait_state rs3 A
		pid=$(init_pid rs3)
		[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")" = 0 ] ||
			fail "rs3 before the change: $(grep Cpus_allowed_list "/proc/$pid/status")"
		must_fail "used by workload partition rs3" rmrset test/cpu0
		ok chwpar -R rset=test/cpu1 rs3
		[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")" = 1 ] ||
			fail "rs3 after the change: $(grep Cpus_allowed_list "/proc/$pid/status")"
		ok stopwpar -F rs3
		wait
		assert_released rs3
		ok rmrset test/cpu0
		ok rmrset test/cpu1
	fi
	[ ! -e "$WPAR_CONFDIR/rsets" ] || fail "registry directory left"
}

# rmrset against a definition that is taking the set: a chwpar or mkwpar
# holds the registry lock shared from its rset= check until its definition
# is saved, and rmrset waits for it before it looks for users.  The test
# plays such a writer with flock(1) on the same lock, so the order is
# fixed: rmrset must still wait after 1 s, a real chwpar -R rset= gets
# through meanwhile (shared), and once the hold ends rmrset finds the new
# user and refuses.
test_rset_remove_waits_for_writers() {
	ok mkrset -c 0 test/race
	ok mkwpar -n rr1
	mkdir -p "$WPAR_RUNDIR/locks"
	local lock=$WPAR_RUNDIR/locks/.rsets.lock
	exec {hold}>"$lock"
	flock -s "$hold" || fail "cannot hold $lock"
	# rmrset must not inherit the held descriptor: it would wait on itself.
	rmrset test/race >"$T/rmrset.out" 2>&1 {hold}>&- &
	local rm=$!
	sleep 1
	kill -0 "$rm" 2>/dev/null || fail "rmrset did not wait for the writer: $(cat "$T/rmrset.out")"
	ok timeout 10 chwpar -R rset=test/race rr1 {hold}>&-
	exec {hold}>&-
	local rc=0
	wait "$rm" || rc=$?
	[ "$rc" != 0 ] || fail "rmrset removed a set that rr1 now uses"
	grep -q "used by workload partition rr1" "$T/rmrset.out" || fail "rmrset: $(cat "$T/rmrset.out")"
	[ -e "$WPAR_CONFDIR/rsets/test/race" ] || fail "the set is gone"
	ok chwpar -K -R rset= rr1
	ok rmrset test/race
	ok rmwpar rr1
}
