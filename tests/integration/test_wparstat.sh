# wparstat: what running WPARs use, per interval, as a table or JSON.
# Busy loops give CPU figures to check in generous bands (a loaded test
# machine gives a loop less than a whole CPU); the exact arithmetic is
# tested in tests/unit/test_usage.c.  Every function here is named
# test_wparstat_* so that WPAR_TEST_ONLY=wparstat selects exactly this
# file.

WS_PIDS="" # background processes of this test

# Ends what a test left running (background wparexec and clogin
# sessions, WPARs), then lib.sh's cleanup.
ws_cleanup() {
	local rc=$?
	set +e
	local n p
	for n in $(ls "$WPAR_CONFDIR" 2>/dev/null | sed -n 's/\.cf$//p'); do
		timeout -k 1 10 stopwpar -F "$n" >/dev/null 2>&1
	done
	for p in $WS_PIDS; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	(exit $rc)
	cleanup
}

ws_bg() { # command...: in the background, its pid remembered
	trap ws_cleanup EXIT
	"$@" </dev/null >"$T/bg.out" 2>"$T/bg.err" &
	BG=$!
	WS_PIDS="$WS_PIDS $BG"
}

ws_wait_active() { # wpar
	local i
	for i in $(seq 100); do
		[ "$(lswpar -c -q -a state "$1" 2>/dev/null)" = A ] && return 0
		sleep 0.05
	done
	fail "$1 never became Active (stderr: $(cat "$T/bg.err" 2>/dev/null))"
}

# The header's words (columns are as wide as their widest cell).
WS_HEADER="Name CPU% CPU%lim MEM(MB) MEMlim(MB) PROCS THREADS PTYS IO-R/s IO-W/s NET-RX/s NET-TX/s"

ws_header() { # the first line of $OUT, blanks squeezed
	echo "$OUT" | sed -n 1p | tr -s ' '
}

# The row of a WPAR in wparstat's table ($OUT): its cells, blank-separated.
ws_row() { # wpar
	echo "$OUT" | awk -v n="$1" '$1 == n'
}

ws_field() { # wpar column-number
	ws_row "$1" | awk -v c="$2" '{ print $c }'
}

# One busy thread in % of this host: about 100/ncpus.  Fails outside
# [lo, hi] × one CPU.
ws_about_one_cpu() { # value lo hi what
	awk -v v="$1" -v n="$(nproc)" -v lo="$2" -v hi="$3" \
		'BEGIN { one = 100 / n; exit !(v >= one * lo && v <= one * hi) }' ||
		fail "$4: CPU $1% on a $(nproc)-CPU host, expected about $((100 / $(nproc)))%"
}

test_wparstat_busy_application_wpar() {
	ws_bg wparexec -n busy1 -- sh -c 'timeout 5 sh -c "while :; do :; done"'
	local bg=$BG
	ws_wait_active busy1

	ok wparstat -i 1 busy1
	[ "$(ws_header)" = "$WS_HEADER" ] || fail "header: $OUT"
	echo "$OUT" | sed -n 2p | grep -qE '^-+$' || fail "no line of dashes: $OUT"
	[ -n "$(ws_row busy1)" ] || fail "no row for busy1: $OUT"
	[ "$(echo "$OUT" | wc -l)" = 3 ] || fail "one interval, one WPAR: $OUT"
	ws_about_one_cpu "$(ws_field busy1 2)" 0.5 1.1 "wparstat -i 1"
	[ "$(ws_field busy1 3)" = 100.0 ] || fail "CPU%lim without a limit: $OUT"
	local mem_mb
	mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	[ "$(ws_field busy1 5)" = "$mem_mb" ] || fail "MEMlim without a limit is the host's RAM ($mem_mb): $OUT"
	awk -v m="$(ws_field busy1 4)" 'BEGIN { exit !(m > 0) }' || fail "MEM(MB): $OUT"
	# The WPAR's init, sh, timeout and the looping sh.
	[ "$(ws_field busy1 6)" -ge 3 ] || fail "PROCS: $OUT"
	[ "$(ws_field busy1 7)" -ge "$(ws_field busy1 6)" ] || fail "THREADS < PROCS: $OUT"
	# An application WPAR uses the host's devpts: unknown.
	[ "$(ws_field busy1 8)" = - ] || fail "PTYS of an application WPAR: $OUT"
	# Its network namespace has only lo.
	[ "$(ws_field busy1 11)" = 0 ] && [ "$(ws_field busy1 12)" = 0 ] || fail "NET: $OUT"

	# JSON: one object, the fields, numbers.
	ok wparstat -j -i 0.5 busy1
	echo "$OUT" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert o["interval"] == 0.5, o
assert o["host"]["cpus"] >= 1 and o["host"]["memory"] > 0, o
assert "errors" not in o, o
(w,) = o["wpars"]
keys = ["name", "type", "seconds", "cpu_pct", "cpu_limit_pct", "cpu_limit_used_pct",
        "cpu_time_ns", "memory_bytes", "memory_anon_bytes", "memory_file_bytes",
        "memory_limit_bytes", "memory_limited", "processes", "threads", "ptys",
        "io_read_bytes", "io_write_bytes", "io_read_bps", "io_write_bps",
        "net_rx_bytes", "net_tx_bytes", "net_rx_bps", "net_tx_bps"]
missing = [k for k in keys if k not in w]
assert not missing, missing
assert w["name"] == "busy1" and w["type"] == "A", w
assert w["ptys"] is None, w
assert w["memory_limited"] is False and w["cpu_limit_pct"] == 100, w
assert w["processes"] >= 3 and w["threads"] >= w["processes"], w
assert w["memory_bytes"] > 0 and w["cpu_time_ns"] > 0, w
assert 0.45 < w["seconds"] < 1.5, w
print(w["cpu_pct"])
' >"$T/cpu" 2>&1 || fail "wparstat -j: $(cat "$T/cpu") in: $OUT"
	ws_about_one_cpu "$(cat "$T/cpu")" 0.5 1.1 "wparstat -j"

	# Every Active WPAR when none is named; repeated intervals.
	ok wparstat -i 0.2
	[ -n "$(ws_row busy1)" ] || fail "wparstat without names: $OUT"
	ok wparstat -i 0.2 -c 3 busy1
	[ "$(echo "$OUT" | grep -c '^Name ')" = 3 ] || fail "-c 3: $OUT"
	[ "$(echo "$OUT" | grep -c '^busy1 ')" = 3 ] || fail "-c 3: $OUT"
	ok wparstat -j -i 0.2 -c 2
	[ "$(echo "$OUT" | wc -l)" = 2 ] || fail "-j -c 2: $OUT"
	echo "$OUT" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    assert [w["name"] for w in o["wpars"]] == ["busy1"], o
' || fail "-j -c 2: $OUT"

	# A WPAR that does not exist beside one that does: its error, the
	# other's row, status 1.
	local rc=0
	wparstat -i 0.2 busy1 nosuch >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 1 ] || fail "with an unknown WPAR: status $rc"
	grep -q '^busy1 ' "$T/out" || fail "busy1 not shown beside an unknown WPAR: $(cat "$T/out")"
	grep -qx 'wparstat: 0960-419 Could not find a workload partition called nosuch.' "$T/err" ||
		fail "error: $(cat "$T/err")"

	# The command ends, the WPAR with it: nothing to sample.
	local i
	for i in $(seq 100); do
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$bg" 2>/dev/null && fail "busy1 did not end"
	wait "$bg" || true
	must_fail "0960-419 Could not find a workload partition called busy1" wparstat busy1
}

# Disk traffic of the WPAR's processes: direct reads and writes (which
# reach the device whatever the page cache holds) for a few seconds.
test_wparstat_io() {
	# A script file: a command line with newlines makes a definition
	# that cannot be read back (a spec-writer bug, reported).
	cat >"$T/io.sh" <<-'EOF'
		end=$(($(date +%s) + 5))
		while [ "$(date +%s)" -lt "$end" ]; do
			dd if=/dev/zero of="$1" bs=1M count=8 oflag=direct 2>/dev/null
			dd if="$1" of=/dev/null bs=1M iflag=direct 2>/dev/null
		done
		rm -f "$1"
	EOF
	ws_bg wparexec -n io1 -- sh "$T/io.sh" "$T/io.data"
	ws_wait_active io1
	ok wparstat -i 1 io1
	local r w
	r=$(ws_field io1 9)
	w=$(ws_field io1 10)
	[ "$r" -ge 1048576 ] && [ "$w" -ge 1048576 ] ||
		fail "IO-R/s $r, IO-W/s $w: expected at least 1 MB/s each: $OUT"
	ok wparstat -j -i 0.5 io1
	echo "$OUT" | python3 -c '
import json, sys
(w,) = json.loads(sys.stdin.read())["wpars"]
assert w["io_write_bps"] >= 1048576 and w["io_write_bytes"] >= 8 << 20, w
assert w["io_read_bps"] >= 1048576 and w["io_read_bytes"] >= 8 << 20, w
' || fail "JSON I/O: $OUT"
	ok stopwpar -F io1
}

# A CPU cap: the loop is held to it, and CPU%lim shows it.
test_wparstat_cpu_limit() {
	ws_bg wparexec -n cap1 -R CPU=0%-10%,10% -- sh -c 'timeout 5 sh -c "while :; do :; done"'
	ws_wait_active cap1
	ok wparstat -i 1 cap1
	[ "$(ws_field cap1 3)" = 10.0 ] || fail "CPU%lim of CPU=...,10%: $OUT"
	awk -v v="$(ws_field cap1 2)" 'BEGIN { exit !(v >= 5 && v <= 15) }' ||
		fail "CPU% under a 10% cap: $OUT"
	ok wparstat -j -i 1 cap1
	echo "$OUT" | python3 -c '
import json, sys
(w,) = json.loads(sys.stdin.read())["wpars"]
assert w["cpu_limit_pct"] == 10, w
assert 50 <= w["cpu_limit_used_pct"] <= 150, w
' || fail "JSON under a cap: $OUT"
	ok stopwpar -F cap1
}

test_wparstat_errors() {
	trap ws_cleanup EXIT
	must_fail "^wparstat: 0960-419 Could not find a workload partition called nosuch\.$" \
		wparstat nosuch
	# Defined, not Active.
	ok wparexec -c -1 -n def1 -- true
	must_fail "^wparstat: 0960-254 Workload partition 'def1' is not currently active \(state: Defined\)\.$" \
		wparstat -i 0.1 def1
	# Nothing Active: the header only, or no WPARs in JSON.
	ok wparstat -i 0.1
	[ "$(ws_header)" = "$WS_HEADER" ] && [ "$(echo "$OUT" | wc -l)" = 2 ] ||
		fail "nothing Active: $OUT"
	ok wparstat -j -i 0.1
	echo "$OUT" | python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["wpars"] == [] and "errors" not in o, o
' || fail "nothing Active, JSON: $OUT"
	must_fail "-i 0: the interval is a number of seconds" wparstat -i 0
	must_fail "-i abc: the interval" wparstat -i abc
	must_fail "-i 1e3: the interval" wparstat -i 1e3
	must_fail "-c -1: the count" wparstat -c -1
	must_fail "Usage" wparstat -x
	ok wparstat -h
	contains "$OUT" "^Usage: wparstat"
}

# A system WPAR: its own devpts instance counts its PTYs.
test_wparstat_system_wpar_ptys() {
	trap ws_cleanup EXIT
	ok mkwpar -n sys1
	ok startwpar sys1
	ok wparstat -i 0.2 sys1
	local before
	before=$(ws_field sys1 8)
	echo "$before" | grep -qE '^[0-9]+$' || fail "PTYS of a system WPAR: $OUT"
	[ "$(ws_field sys1 6)" -ge 1 ] || fail "PROCS: $OUT"
	# A login on a terminal takes one of the WPAR's PTYs while it lasts.
	[ -p "$T/idle" ] || mkfifo "$T/idle"
	script -qec "clogin sys1 sleep 30" /dev/null <>"$T/idle" >"$T/pty.out" 2>&1 &
	WS_PIDS="$WS_PIDS $!"
	local i now=""
	for i in $(seq 50); do
		ok wparstat -i 0.1 sys1
		now=$(ws_field sys1 8)
		[ "$now" -gt "$before" ] && break
		sleep 0.1
	done
	[ "$now" = $((before + 1)) ] || fail "PTYS with a clogin session: $now, before $before"
	ok stopwpar -F sys1
	must_fail "0960-254 Workload partition 'sys1' is not currently active" wparstat sys1
}
