# Commands on one WPAR are serialised; creation claims names and
# directories atomically.

test_parallel_create_same_name() {
	local i pids=() ok_count=0
	for i in 1 2 3 4; do
		mkwpar -n race >"$T/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" && ok_count=$((ok_count + 1))
	done
	[ $ok_count = 1 ] || fail "$ok_count of 4 parallel mkwpar -n race succeeded"
	ok lswpar race
	[ -f "$WPAR_BASEDIR/race/etc/passwd" ] || fail "the winner's root is incomplete"
}

test_parallel_create_same_directory() {
	mkdir -m 0700 "$T/r"
	local i pids=() ok_count=0
	for i in 1 2 3; do
		mkwpar -n dir$i -d "$T/r/shared" >/dev/null 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" && ok_count=$((ok_count + 1)); done
	[ $ok_count = 1 ] || fail "$ok_count WPARs were created in one directory"
}

test_parallel_changes_serialised() {
	ok mkwpar -n par
	local i pids=()
	for i in $(seq 1 12); do
		chwpar -R totalProcesses=$((100 + i)) par >/dev/null 2>&1 &
		pids+=($!)
		chwpar -N address=192.0.2.$i par >/dev/null 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || fail "a concurrent chwpar failed"; done
	local n
	n=$(grep -c 'address = ' "$WPAR_CONFDIR/par.cf")
	[ "$n" = 12 ] || fail "$n of 12 concurrent address additions survived"
	ok lswpar -L par
}

test_remove_waits_for_change() {
	ok mkwpar -n wait1
	# A slow change (its lock held by a script) and a removal: the removal
	# waits, then succeeds; nothing is half-done.
	printf '#!/bin/sh\nsleep 1\n' >"$T/slow.sh"
	chmod +x "$T/slow.sh"
	flock "$WPAR_RUNDIR/locks/wait1.lock" sleep 1 &
	sleep 0.2
	local start=$SECONDS
	ok rmwpar wait1
	wait
	[ ! -e "$WPAR_CONFDIR/wait1.cf" ] || fail "not removed"
}
