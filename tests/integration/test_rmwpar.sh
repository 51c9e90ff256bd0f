# rmwpar: removes exactly what mkwpar created.

test_remove_defined_wpar() {
	local before
	before=$(snapshot)
	ok mkwpar -n rm1 -M directory=/var vfs=jfs2 size=32M
	ok rmwpar rm1
	contains "$OUT" "Removing file system .*/rm1/var"
	[ ! -e "$WPAR_CONFDIR/rm1.cf" ] || fail "spec left"
	[ ! -e "$WPAR_BASEDIR/rm1" ] || fail "root left"
	[ ! -e "$WPAR_STATEDIR/wpars/rm1" ] || fail "state left"
	must_fail "0960-419 Could not find a workload partition called rm1" rmwpar rm1
}

test_remove_never_touches_bind_source() {
	mkdir -p "$T/hostdata/sub"
	echo precious >"$T/hostdata/sub/file"
	ok mkwpar -n rmb -M directory=/data vfs=namefs dev="$T/hostdata"
	ok rmwpar rmb
	[ "$(cat "$T/hostdata/sub/file")" = precious ] || fail "bind source damaged"
}

test_remove_refuses_to_cross_mounts() {
	ok mkwpar -n rmm
	mkdir -p "$T/keep"
	echo precious >"$T/keep/file"
	mount --bind "$T/keep" "$WPAR_BASEDIR/rmm/home"
	must_fail "mount" rmwpar rmm
	[ "$(cat "$T/keep/file")" = precious ] || fail "removal crossed a mount point"
	umount "$WPAR_BASEDIR/rmm/home"
	# The refused removal left a Broken WPAR that -F finishes.
	ok lswpar -c -q rmm
	ok rmwpar -F rmm
	[ ! -e "$WPAR_CONFDIR/rmm.cf" ] || fail "not removed"
}

test_preserve_and_recreate() {
	ok mkwpar -n pres -M directory=/var vfs=jfs2 size=32M
	echo "keep me" >"$WPAR_BASEDIR/pres/root/note"
	ok rmwpar -p pres
	[ ! -e "$WPAR_CONFDIR/pres.cf" ] || fail "definition left"
	[ "$(cat "$WPAR_BASEDIR/pres/root/note")" = "keep me" ] || fail "-p lost data"
	must_fail "not empty" mkwpar -n pres
	ok mkwpar -p pres
	[ "$(cat "$WPAR_BASEDIR/pres/root/note")" = "keep me" ] || fail "recreate lost data"
	grep -q 'preserve = "yes"' "$WPAR_CONFDIR/pres.cf" || fail "preserve not recorded"
	local img
	img=$(sed -n 's/.*dev = "\(.*var.img\)"/\1/p' "$WPAR_CONFDIR/pres.cf")
	case "$img" in "$WPAR_STATEDIR/wpars/pres/"*) ;; *) fail "image not adopted: $img" ;; esac
	ok rmwpar pres
	[ ! -e "$WPAR_BASEDIR/pres" ] && [ ! -e "$img" ] || fail "second removal left data"
}

test_remove_several_and_missing() {
	ok mkwpar -n ra
	ok mkwpar -n rb
	must_fail "Could not find a workload partition called nope" rmwpar ra nope rb
	[ ! -e "$WPAR_CONFDIR/ra.cf" ] && [ ! -e "$WPAR_CONFDIR/rb.cf" ] || fail "the found ones were not removed"
	must_fail "Usage" rmwpar
}
