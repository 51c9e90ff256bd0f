# The remaining mkwpar, chwpar and rmwpar flags.

test_force_allows_open_parent() {
	mkdir -m 0755 "$T/open"
	must_fail "closed to other users" mkwpar -n fo -d "$T/open/fo"
	ok mkwpar -F -n fo -d "$T/open/fo"
	[ -f "$T/open/fo/etc/passwd" ] || fail "-F did not create"
}

test_start_flag_without_runtime() {
	# startwpar comes with the runtime; until then -s says so and the WPAR
	# is still created and Defined.
	if [ -x "$WPAR_BIN/startwpar" ]; then return 0; fi
	must_fail "startwpar is not installed" mkwpar -n st1 -s
	ok lswpar -c -q -a state st1
	[ "$OUT" = D ] || fail "state $OUT"
}

test_stored_general_flags() {
	ok mkwpar -n gf -a -v -g datavg -b /etc/wpars/devexports -L image_data=/tmp/image.data shrink=yes \
		-D devname=/dev/null -i
	local cf=$WPAR_CONFDIR/gf.cf
	for kv in 'vg = "datavg"' 'devices = "/etc/wpars/devexports"' 'image_data = "/tmp/image.data"' \
		'shrink = "yes"' 'devname = "/dev/null"' 'routing = "yes"'; do
		grep -qF "$kv" "$cf" || fail "missing $kv"
	done
}

test_rejected_flags() {
	must_fail "versioned" mkwpar -n rj -E /mnt/compat
	must_fail "savewpar image" mkwpar -n rj -B /tmp/image
	must_fail "rootvg WPARs" mkwpar -n rj -D devname=/dev/sdz rootvg=yes
	must_fail "rootvg" mkwpar -n rj -f /dev/stdin <<-'EOS'
	general:
		name = "rj"
		rootvgwpar = "yes"
	EOS
	[ ! -e "$WPAR_CONFDIR/rj.cf" ] || fail "a rejected WPAR was defined"
}

test_preserve_existing_directory() {
	# -p without a name: use a root that already holds a system.
	ok mkwpar -n px1
	echo data >"$WPAR_BASEDIR/px1/root/data"
	ok rmwpar -p px1
	ok mkwpar -n px2 -p -d "$WPAR_BASEDIR/px1"
	[ "$(cat "$WPAR_BASEDIR/px1/root/data")" = data ] || fail "data lost"
	must_fail "nothing to preserve" mkwpar -n px3 -p -d "$WPAR_BASEDIR/none"
}

test_chwpar_uuid_and_password() {
	ok mkwpar -n cu
	ok chwpar -U 11111111-2222-4333-8444-555555555555 cu
	grep -q 'uuid = "11111111-2222-4333-8444-555555555555"' "$WPAR_CONFDIR/cu.cf" || fail "-U UUID"
	ok chwpar -U cu
	grep -q 'uuid = "11111111-2222-4333-8444-555555555555"' "$WPAR_CONFDIR/cu.cf" && fail "-U alone kept the UUID"
	echo 'n3w-pass' | chwpar -P cu >/dev/null || fail "chwpar -P"
	awk -F: '$1 == "root" { exit ($2 ~ /^\$/) ? 0 : 1 }' "$WPAR_BASEDIR/cu/etc/shadow" || fail "password not set"
	# "-U 1234" is not a UUID, so -U takes none and 1234 is a second operand.
	must_fail "unexpected argument" chwpar -U 1234 cu
}

test_rmwpar_stop_flag_on_defined() {
	ok mkwpar -n rs
	ok rmwpar -s -v rs
	[ ! -e "$WPAR_CONFDIR/rs.cf" ] || fail "not removed"
}
