# A failure or crash at any step of mkwpar leaves nothing behind, or a
# state that the next command sees and recovers.

test_failure_at_each_step_leaves_nothing() {
	ok mkwpar -n keep  # an unrelated WPAR that must survive untouched
	local before step
	before=$(snapshot)
	for step in rootdir images mount populate postscript unmount commit; do
		must_fail "step '$step'" env WPAR_FAULT=$step mkwpar -n fa -M directory=/var vfs=jfs2 size=32M \
			-M directory=/home vfs=jfs2 size=32M
		[ "$before" = "$(snapshot)" ] || fail "failure at $step left: $(diff <(echo "$before") <(snapshot))"
	done
	# The same with a user-given, pre-existing empty directory: it stays.
	mkdir -m 0700 "$T/given"
	before=$(snapshot)
	for step in rootdir populate commit; do
		must_fail "step '$step'" env WPAR_FAULT=$step mkwpar -n fb -d "$T/given"
		[ "$before" = "$(snapshot)" ] || fail "failure at $step changed the given directory"
	done
	ok lswpar keep
}

test_interrupt_undoes_creation() {
	ok mkwpar -n other # the shared directories (/etc/wpars, /wpars) exist
	local before
	before=$(snapshot)
	# SIGTERM arrives while the post-installation script runs.
	printf '#!/bin/sh\nkill -TERM $PPID\nsleep 0.2\n' >"$T/term.sh"
	chmod +x "$T/term.sh"
	must_fail "interrupted" mkwpar -n intr -k "$T/term.sh"
	[ "$before" = "$(snapshot | grep -v term.sh)" ] || fail "interrupted creation left something"
}

test_crash_is_visible_and_recoverable() {
	ok mkwpar -n other
	local before
	before=$(snapshot)
	# mkwpar is killed outright half-way (SIGKILL cannot be caught).
	printf '#!/bin/sh\nkill -KILL $PPID\n' >"$T/kill.sh"
	chmod +x "$T/kill.sh"
	mkwpar -n crash -M directory=/var vfs=jfs2 size=32M -k "$T/kill.sh" >/dev/null 2>&1 && fail "mkwpar survived SIGKILL"
	sleep 0.2
	ok lswpar -c -q -a name,state crash
	[ "$OUT" = "crash:B" ] || fail "crashed creation shows as '$OUT', not Broken"
	must_fail "Broken" rmwpar crash
	ok rmwpar -F crash
	[ "$before" = "$(snapshot | grep -v kill.sh)" ] || fail "recovery left: $(diff <(echo "$before") <(snapshot))"
}
