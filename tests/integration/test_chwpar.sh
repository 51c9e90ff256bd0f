# chwpar on defined WPARs.

test_change_hostname_and_flags() {
	ok mkwpar -n ch1
	ok chwpar -h newhost -A -c -u /bin/true ch1
	local cf=$WPAR_CONFDIR/ch1.cf
	grep -q 'hostname = "newhost"' "$cf" || fail "hostname"
	grep -q 'auto = "yes"' "$cf" || fail "auto"
	grep -q 'checkpointable = "yes"' "$cf" || fail "checkpointable"
	grep -q 'script = "/bin/true"' "$cf" || fail "script"
	[ "$(cat "$WPAR_BASEDIR/ch1/etc/hostname")" = newhost ] || fail "WPAR /etc/hostname"
	grep -q newhost "$WPAR_BASEDIR/ch1/etc/hosts" || fail "WPAR /etc/hosts"
	ok chwpar -K -A -K -c -K -u ch1
	grep -q 'auto = "no"' "$cf" || fail "-K -A"
	grep -q 'checkpointable = "no"' "$cf" || fail "-K -c"
	grep -q 'script =' "$cf" && fail "-K -u"
	true
}

test_hostname_never_written_through_links() {
	ok mkwpar -n chl
	echo "host secret" >"$T/hostfile"
	# What a WPAR's root could do while the WPAR runs.
	rm "$WPAR_BASEDIR/chl/etc/hostname"
	ln -s "$T/hostfile" "$WPAR_BASEDIR/chl/etc/hostname"
	chwpar -h other chl >/dev/null 2>&1
	[ "$(cat "$T/hostfile")" = "host secret" ] || fail "chwpar wrote through a symlink out of the WPAR"
}

test_rename() {
	ok mkwpar -n old1 -M directory=/var vfs=jfs2 size=32M
	ok chwpar -n new1 old1
	[ ! -e "$WPAR_CONFDIR/old1.cf" ] || fail "old spec left"
	grep -q 'name = "new1"' "$WPAR_CONFDIR/new1.cf" || fail "name"
	grep -q 'hostname = "new1"' "$WPAR_CONFDIR/new1.cf" || fail "hostname did not follow"
	[ -d "$WPAR_BASEDIR/new1/etc" ] || fail "root not renamed"
	local img
	img=$(sed -n 's/.*dev = "\(.*var.img\)"/\1/p' "$WPAR_CONFDIR/new1.cf")
	[ -f "$img" ] || fail "image path not updated: $img"
	ok mkwpar -n other
	must_fail "already exists" chwpar -n other new1
	must_fail "at most 25" chwpar -n abcdefghijklmnopqrstuvwxyz new1
	ok rmwpar new1
}

test_add_and_remove_mounts() {
	ok mkwpar -n chm
	ok chwpar -M directory=/data vfs=jfs2 size=32M chm
	local img
	img=$(grep -A6 'directory = "/data"' "$WPAR_CONFDIR/chm.cf" | sed -n 's/.*dev = "\(.*\)"/\1/p')
	[ -f "$img" ] || fail "no image for the new mount"
	[ -d "$WPAR_BASEDIR/chm/data" ] || fail "no mount point"
	must_fail "already has a file system at /data" chwpar -M directory=/data vfs=directory chm
	ok chwpar -K -M directory=/data chm
	[ ! -e "$img" ] || fail "image of the removed mount left"
	grep -q 'directory = "/data"' "$WPAR_CONFDIR/chm.cf" && fail "stanza left"
	must_fail "base file system" chwpar -K -M directory=/var chm
	must_fail "has no mount with directory=/nothing" chwpar -K -M directory=/nothing chm
	true
}

test_bad_changes_change_nothing() {
	ok mkwpar -n chb
	local before
	before=$(cat "$WPAR_CONFDIR/chb.cf")
	must_fail "not a valid host name" chwpar -h 'bad host' chb
	must_fail "size" chwpar -M directory=/x vfs=jfs2 size=-5 chb
	must_fail "unknown attribute" chwpar -R cpu_color=blue chb
	must_fail "nothing to change" chwpar chb
	must_fail "0960-419" chwpar -A nosuch
	must_fail "not supported" chwpar -d /elsewhere chb
	# One bad part of a command refuses the whole command.
	must_fail "not a valid host name" chwpar -A -h 'bad host' chb
	[ "$before" = "$(cat "$WPAR_CONFDIR/chb.cf")" ] || fail "a refused change was written"
}

test_stored_attributes() {
	ok mkwpar -n chs
	ok chwpar -N address=192.0.2.20 netmask=255.255.255.0 chs
	ok chwpar -N address=192.0.2.21 chs
	ok chwpar -K -N address=192.0.2.20 chs
	grep -q '192.0.2.20' "$WPAR_CONFDIR/chs.cf" && fail "-K -N"
	grep -q '192.0.2.21' "$WPAR_CONFDIR/chs.cf" || fail "-N"
	ok chwpar -R shares_CPU=15 totalProcesses=237 chs
	grep -q 'shares_CPU = "15"' "$WPAR_CONFDIR/chs.cf" || fail "-R"
	ok chwpar -K -R chs
	grep -q 'resources:' "$WPAR_CONFDIR/chs.cf" && fail "-K -R did not reset"
	true
}
