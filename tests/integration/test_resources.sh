# Resource controls (-R) enforced by the kernel: what a WPAR may use,
# checked with real workloads on this host (cgroup v1).  Timing-based
# checks use generous bands; the precise figures belong to bench/.

# The cgroup directory of a WPAR in one v1 hierarchy.
rs_group() { # controller wpar
	echo "/sys/fs/cgroup/$1/$WPAR_CGROUP_PARENT/$2"
}

# Waits until a WPAR is Active (wparexec in the background).
rs_wait_active() { # wpar
	local i
	for i in $(seq 100); do
		[ "$(lswpar -c -q -a state "$1" 2>/dev/null)" = A ] && return 0
		sleep 0.05
	done
	fail "$1 never became Active"
}

# CPU hard maximum: 10% of this host (all its CPUs) for a busy loop.
test_resources_cpu_hard_max() {
	local ncpu cap
	ncpu=$(nproc)
	ok wparexec -n cpu1 -R CPU=0%-10%,10% -- bash -c \
		'timeout 2 sh -c "while :; do :; done"; times'
	# bash's `times`: the second line is the children's user and system time.
	local user sys total
	user=$(echo "$OUT" | sed -n 2p | awk '{print $1}' | sed 's/m/ /; s/s//' | awk '{print $1 * 60 + $2}')
	sys=$(echo "$OUT" | sed -n 2p | awk '{print $2}' | sed 's/m/ /; s/s//' | awk '{print $1 * 60 + $2}')
	total=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
	# 10% of ncpu CPUs for 2 s: 0.2 * ncpu CPU-seconds; uncapped it would be 2.
	cap=$(awk -v n="$ncpu" 'BEGIN { print 0.2 * n }')
	awk -v t="$total" -v c="$cap" 'BEGIN { exit !(t > c * 0.4 && t < c * 1.6) }' ||
		fail "CPU time $total s under a cap of $cap s"
}

# totalProcesses / totalThreads stop a fork bomb inside the WPAR only.
test_resources_process_limit() {
	# Forks until the kernel refuses; the WPAR's init and python count too.
	ok wparexec -n pr1 -R totalProcesses=8 totalThreads=8 -- python3 -c '
import os, signal
kids = []
for i in range(20):
    try:
        pid = os.fork()
    except OSError:
        continue
    if pid == 0:
        signal.pause()
        os._exit(0)
    kids.append(pid)
print(len(kids))
for pid in kids:
    os.kill(pid, signal.SIGKILL)
'
	local started=$OUT
	[ "$started" -le 8 ] || fail "$started processes started under a limit of 8"
	[ "$started" -ge 3 ] || fail "only $started processes started"
	# The same without a limit: all 20.
	ok wparexec -n pr2 -- python3 -c '
import os
kids = [pid for pid in (os.fork() for i in range(20)) if pid != 0 or os._exit(0)]
print(len(kids))
'
	[ "$OUT" = 20 ] || fail "without a limit: $OUT processes"
}

# memory hard maximum: an allocation beyond it is killed inside the WPAR.
test_resources_memory_hard_max() {
	local mem_kb limit_mb
	mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	# 1% of the host's memory, and an allocation of twice that.
	limit_mb=$((mem_kb / 1024 / 100))
	local rc=0
	wparexec -n mem1 -R memory=0%-1%,1% -- python3 -c \
		"b = bytearray($((limit_mb * 2)) * 1024 * 1024); print('survived')" \
		>"$T/mem.out" 2>&1 || rc=$?
	[ "$rc" = 137 ] || fail "allocation of $((limit_mb * 2)) MB under a $limit_mb MB limit: status $rc ($(cat "$T/mem.out"))"
	# The same allocation without the limit works: the kill was the WPAR's.
	ok wparexec -n mem2 -- python3 -c "b = bytearray($((limit_mb * 2)) * 1024 * 1024); print('survived')"
	contains "$OUT" survived
}

# chwpar -R on a running WPAR takes effect at once.
test_resources_live_change() {
	wparexec -n live1 -- sleep 30 >/dev/null 2>&1 &
	local bg=$!
	rs_wait_active live1
	ok chwpar -R totalProcesses=40 totalThreads=50 live1
	local max
	max=$(cat "$(rs_group pids live1)/pids.max")
	[ "$max" != max ] || fail "pids.max still unlimited after chwpar -R"
	ok lswpar -R live1
	contains "$OUT" "Total Processes: +40"
	must_fail "0960-527 resources.totalThreads = 10 is invalid" chwpar -R totalThreads=10 live1
	[ "$(cat "$(rs_group pids live1)/pids.max")" = "$max" ] || fail "a refused change changed pids.max"
	ok chwpar -K -R live1
	[ "$(cat "$(rs_group pids live1)/pids.max")" = max ] || fail "chwpar -K -R did not reset pids.max"
	stopwpar -F live1 >/dev/null 2>&1
	wait "$bg" || true
}

# totalVirtMem: RAM plus swap of the whole WPAR (memory.memsw.* on v1).
# An allocation of four times the limit ends in the WPAR's OOM kill; the
# same allocation without the limit works, so the host was not short.
test_resources_total_virt_mem() {
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || return 0 # no swap accounting
	local rc=0 alloc="b = bytearray(256 * 1024 * 1024); print('survived')"
	wparexec -n tvm1 -R totalVirtMem=64M -- python3 -c "$alloc" >"$T/tvm.out" 2>&1 || rc=$?
	[ "$rc" = 137 ] || fail "256 MB under totalVirtMem=64M: status $rc ($(cat "$T/tvm.out"))"
	ok wparexec -n tvm2 -- python3 -c "$alloc"
	contains "$OUT" survived

	# A live change, and the reset by chwpar -K -R (memsw lifted first).
	wparexec -n tvm3 -- sleep 30 >/dev/null 2>&1 &
	local bg=$! g
	rs_wait_active tvm3
	g=$(rs_group memory tvm3)
	ok chwpar -R totalVirtMem=128M tvm3
	[ "$(cat "$g/memory.memsw.limit_in_bytes")" = 134217728 ] || fail "memsw not 128M"
	[ "$(cat "$g/memory.limit_in_bytes")" = 134217728 ] || fail "RAM limit not 128M"
	ok chwpar -R totalVirtMem=96M tvm3
	[ "$(cat "$g/memory.memsw.limit_in_bytes")" = 100663296 ] || fail "memsw not lowered to 96M"
	ok chwpar -R totalVirtMem=1G tvm3
	[ "$(cat "$g/memory.memsw.limit_in_bytes")" = 1073741824 ] || fail "memsw not raised to 1G"
	ok chwpar -K -R tvm3
	[ "$(cat "$g/memory.memsw.limit_in_bytes")" = "$(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes)" ] ||
		fail "chwpar -K -R did not lift memsw"
	stopwpar -F tvm3 >/dev/null 2>&1
	wait "$bg" || true
}

# The minimums of the running WPARs add up to at most 100%, also when
# they start at the same moment: five starts of 30% each, of which at most
# three may run together; the others are refused with AIX's message.
test_resources_minimums_concurrent() {
	local i pids=() started=0 refused=0
	for i in 1 2 3 4 5; do
		wparexec -n cmin$i -R CPU=30%-100%,100% -- sleep 4 >"$T/cmin$i.out" 2>&1 &
		pids+=($!)
	done
	for i in 1 2 3 4 5; do
		if wait "${pids[$((i - 1))]}"; then
			started=$((started + 1))
		else
			grep -q "0960-527.*their sum must not exceed 100%" "$T/cmin$i.out" ||
				fail "cmin$i failed otherwise: $(cat "$T/cmin$i.out")"
			refused=$((refused + 1))
		fi
	done
	[ "$started" -le 3 ] || fail "$started WPARs of 30% minimum ran together"
	[ "$started" -ge 1 ] || fail "no WPAR started"
	[ "$refused" -ge 2 ] || fail "only $refused starts refused"
}

# The limits of a system WPAR are in force at every start.
test_resources_survive_restart() {
	ok mkwpar -n sys1 -R totalProcesses=64 totalThreads=128 CPU=0%-50%,50%
	local i max quota
	for i in 1 2; do
		ok startwpar sys1
		max=$(cat "$(rs_group pids sys1)/pids.max")
		quota=$(cat "$(rs_group cpu sys1)/cpu.cfs_quota_us")
		[ "$max" != max ] || fail "start $i: pids.max unlimited"
		[ "$quota" != -1 ] || fail "start $i: no CPU quota"
		ok stopwpar sys1
	done
	ok chwpar -R active=no sys1
	ok startwpar sys1
	[ "$(cat "$(rs_group pids sys1)/pids.max")" = max ] || fail "active=no still limits processes"
	ok stopwpar sys1
}

# Bad values change nothing.
test_resources_bad_input() {
	ok mkwpar -n bad1
	must_fail "0960-527 resources.CPU" chwpar -R CPU=50%-20%,60% bad1
	must_fail "0960-527 resources.shares_CPU" chwpar -R shares_CPU=70000 bad1
	must_fail "0960-527 resources.totalThreads" mkwpar -n bad2 -R totalProcesses=100 totalThreads=50
	[ ! -e "$WPAR_CONFDIR/bad2.cf" ] || fail "a refused mkwpar left a definition"
	must_fail "0960-527" wparexec -R memory=10%-5%,50% -- true
}

# CPU shares: two WPARs competing for one CPU split it by their shares.
test_resources_cpu_shares() {
	local busy='taskset -c 0 timeout 3 sh -c "while :; do :; done"; times'
	wparexec -n sh20 -R shares_CPU=20 -- bash -c "$busy" >"$T/a" 2>&1 &
	local a=$!
	wparexec -n sh10 -R shares_CPU=10 -- bash -c "$busy" >"$T/b" 2>&1 &
	local b=$!
	wait "$a" || fail "sh20: $(cat "$T/a")"
	wait "$b" || fail "sh10: $(cat "$T/b")"
	cpu_of() { sed -n 2p "$1" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
	local ta tb
	ta=$(cpu_of "$T/a")
	tb=$(cpu_of "$T/b")
	awk -v a="$ta" -v b="$tb" 'BEGIN { exit !(b > 0 && a / b > 1.4 && a / b < 2.8) }' ||
		fail "CPU seconds with shares 20:10 were $ta:$tb"
}

# Busy loops on the host (outside any WPAR), ended by the test.
rs_hogs() { # count seconds
	local i
	RS_HOGS=""
	for i in $(seq "$1"); do
		timeout "$2" sh -c 'while :; do :; done' &
		RS_HOGS="$RS_HOGS $!"
	done
}

rs_poll_file() { # file value seconds
	local i
	for i in $(seq $(($3 * 10))); do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# The CPU soft maximum is a cap only while the host's CPUs are contended;
# the regulator in the WPAR's monitor moves the cap (docs/mapping-resources.md).
test_resources_cpu_soft_max_regulator() {
	local ncpu quota_file soft_quota
	ncpu=$(nproc)
	soft_quota=$((ncpu * 10000)) # 10% of the host, per 100 ms period
	wparexec -n soft1 -R CPU=0%-10%,100% -- timeout 20 sh -c 'while :; do :; done' \
		>/dev/null 2>&1 &
	local bg=$!
	rs_wait_active soft1
	quota_file=$(rs_group cpu soft1)/cpu.cfs_quota_us
	[ "$(cat "$quota_file")" = -1 ] || fail "capped before any contention"
	rs_hogs "$ncpu" 15
	# shellcheck disable=SC2086
	rs_poll_file "$quota_file" "$soft_quota" 5 || { kill $RS_HOGS; fail "not capped under contention: $(cat "$quota_file")"; }
	# shellcheck disable=SC2086
	kill $RS_HOGS 2>/dev/null
	rs_poll_file "$quota_file" -1 5 || fail "still capped after the contention: $(cat "$quota_file")"
	stopwpar -F soft1 >/dev/null 2>&1
	wait "$bg" || true
}

# The CPU minimum: under contention a WPAR below it gets the strongest weight.
test_resources_cpu_min_regulator() {
	local ncpu shares_file
	ncpu=$(nproc)
	wparexec -n min1 -R CPU=60%-100%,100% -- sh -c 'timeout 10 sh -c "while :; do :; done"; sleep 30' \
		>/dev/null 2>&1 &
	local bg=$!
	rs_wait_active min1
	shares_file=$(rs_group cpu min1)/cpu.shares
	[ "$(cat "$shares_file")" = 1024 ] || fail "boosted before any contention"
	# One loop per CPU and one more; the WPAR's single loop can use one CPU
	# at most, less than 60% of a host of two or more CPUs.
	rs_hogs $((ncpu + 1)) 25
	# shellcheck disable=SC2086
	rs_poll_file "$shares_file" 102400 8 || { kill $RS_HOGS; fail "not boosted under contention: $(cat "$shares_file")"; }
	# shellcheck disable=SC2086
	kill $RS_HOGS 2>/dev/null
	rs_poll_file "$shares_file" 1024 12 || fail "still boosted after the contention"
	stopwpar -F min1 >/dev/null 2>&1
	wait "$bg" || true
}

# pct_shmIDs: the WPAR's IPC namespace refuses the segment after its share.
test_resources_ipc_ids() {
	local host want
	host=$(cat /proc/sys/kernel/shmmni)
	want=$((host / 100)) # 1%
	[ "$want" -ge 1 ] || want=1
	ok wparexec -n ipc1 -R pct_shmIDs=1 -- sh -c \
		'n=0; while ipcmk -M 1 >/dev/null 2>&1; do n=$((n + 1)); [ $n -gt 500 ] && break; done; echo $n'
	[ "$OUT" = "$want" ] || fail "created $OUT segments, expected $want (1% of $host)"
	# The host's limit is unchanged.
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host" ] || fail "the host's shmmni changed"
}

# totalPTYs: a system WPAR's own devpts refuses the pty after the last.
test_resources_ptys() {
	ok mkwpar -n pty1 -R totalPTYs=2
	ok startwpar pty1
	ok clogin pty1 python3 -c '
import os
n = 0
fds = []
try:
    for i in range(10):
        fds.append(os.openpty())
        n += 1
except OSError:
    pass
print(n)
'
	[ "$OUT" = 2 ] || fail "opened $OUT ptys under totalPTYs=2"
	ok stopwpar pty1
}

# A fork bomb inside stops at totalThreads; the host keeps forking.
test_resources_fork_bomb() {
	wparexec -n bomb1 -R totalProcesses=40 totalThreads=40 -- \
		sh -c 'b() { b | b & }; b; sleep 4' >/dev/null 2>&1 &
	local bg=$!
	rs_wait_active bomb1
	sleep 1
	local n t0 t1
	n=$(cat "$(rs_group pids bomb1)/pids.current")
	[ "$n" -le 40 ] || fail "$n tasks under a limit of 40"
	# The kernel refused forks: the bomb did hit the limit.
	local refused
	refused=$(awk '$1 == "max" { print $2 }' "$(rs_group pids bomb1)/pids.events")
	[ "${refused:-0}" -gt 0 ] || fail "no fork was refused ($n tasks)"
	t0=$(date +%s%N)
	sh -c true || fail "the host cannot fork"
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "a fork on the host took $(((t1 - t0) / 1000000)) ms"
	stopwpar -F bomb1 >/dev/null 2>&1
	wait "$bg" || true
	[ ! -d "$(rs_group pids bomb1)" ] || fail "the bomb's cgroup is left"
}

# totalPTYs in an application WPAR: its own devpts instance, only then.
test_resources_app_ptys() {
	local prog='
import os
n = 0
try:
    while n < 5:
        os.openpty(); n += 1
except OSError as e:
    print("refused", e.errno)
print("opened", n)'
	local out
	out=$(wparexec -n apty -R totalPTYs=2 -- python3 -c "$prog") || fail "wparexec: $out"
	contains "$out" "refused 28"
	contains "$out" "opened 2"
	out=$(wparexec -n apty -- python3 -c "$prog") || fail "wparexec: $out"
	contains "$out" "opened 5"
	# The host's devpts is untouched: the host still opens ptys.
	python3 -c 'import os; os.openpty()' || fail "the host cannot open a pty"
}
