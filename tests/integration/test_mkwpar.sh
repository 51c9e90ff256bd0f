# mkwpar: system WPARs, their file systems and their fresh identity.

test_create_shared_wpar() {
	ok mkwpar -n w1
	contains "$OUT" "Creating file systems"
	contains "$OUT" "Workload partition w1 created successfully"
	contains "$OUT" "0960-390 .*startwpar \[-v\] w1"
	local r=$WPAR_BASEDIR/w1
	[ -f "$WPAR_CONFDIR/w1.cf" ] || fail "no spec file"
	for d in etc var home tmp root srv proc sys dev usr opt; do
		[ -d "$r/$d" ] || fail "missing /$d"
	done
	[ "$(stat -c %a "$r/tmp")" = 1777 ] || fail "/tmp is not 1777"
	[ "$(stat -c %a "$r/root")" = 700 ] || fail "/root is not 0700"
	[ "$(stat -c %a "$WPAR_BASEDIR")" = 700 ] || fail "the base directory is not 0700"
	# /usr and /opt are shared: empty mount points, recorded as ro namefs.
	dir_empty "$r/usr" || fail "/usr is not an empty mount point"
	grep -A4 'directory = "/usr"' "$WPAR_CONFDIR/w1.cf" | grep -q 'vfs = "namefs"' || fail "/usr not namefs"
	grep -A4 'directory = "/usr"' "$WPAR_CONFDIR/w1.cf" | grep -q 'mountopts = "ro"' || fail "/usr not ro"
	if [ -L /bin ]; then [ "$(readlink "$r/bin")" = "$(readlink /bin)" ] || fail "bin symlink"; fi
}

dir_empty() { [ -z "$(ls -A "$1")" ]; }

test_fresh_identity() {
	ok mkwpar -n ident -h ident.example.com
	local e=$WPAR_BASEDIR/ident/etc
	[ "$(cat "$e/hostname")" = ident.example.com ] || fail "hostname"
	grep -q 'ident.example.com' "$e/hosts" || fail "hosts does not name the WPAR"
	local mid
	mid=$(cat "$e/machine-id")
	echo "$mid" | grep -qE '^[0-9a-f]{32}$' || fail "machine-id format: $mid"
	[ "$mid" != "$(cat /etc/machine-id 2>/dev/null)" ] || fail "machine-id copied from the host"
	# No host users, no host passwords.
	awk -F: '$3 >= 1000 && $3 != 65534 { print; bad=1 } END { exit bad }' "$e/passwd" || fail "host users in passwd"
	grep -q '^root:' "$e/passwd" || fail "no root account"
	awk -F: '$2 !~ /^[*!]/ { print; bad=1 } END { exit bad }' "$e/shadow" || fail "a password hash was copied"
	[ ! -e "$e/wpars" ] || fail "the host's /etc/wpars leaked into the WPAR"
	ls "$e"/ssh/ssh_host_* >/dev/null 2>&1 && fail "host ssh keys copied"
	[ -f "$WPAR_BASEDIR/ident/var/lib/dpkg/status" ] || fail "no package database"
	# The package database describes what /usr holds.
	cmp -s /var/lib/dpkg/status "$WPAR_BASEDIR/ident/var/lib/dpkg/status" || fail "dpkg status differs"
	true
}

test_copy_name_resolution() {
	ok mkwpar -n res1
	ok mkwpar -n res2 -r
	[ ! -s "$WPAR_BASEDIR/res1/etc/resolv.conf" ] || fail "resolv.conf copied without -r"
	if [ -f /etc/resolv.conf ]; then
		cmp -s /etc/resolv.conf "$WPAR_BASEDIR/res2/etc/resolv.conf" || fail "-r did not copy resolv.conf"
	fi
	grep -q 'copy_nameres = "yes"' "$WPAR_CONFDIR/res2.cf" || fail "copy_nameres not recorded"
}

test_spec_defaults_written() {
	ok mkwpar -n sp1 -A -c -u /bin/true -U 0a1b2c3d-0000-4000-8000-000000000001
	local cf=$WPAR_CONFDIR/sp1.cf
	for kv in 'name = "sp1"' 'hostname = "sp1"' 'checkpointable = "yes"' 'auto = "yes"' \
		'privateusr = "no"' 'ostype = "0"' 'rootvgwpar = "no"' 'preserve = "no"' \
		'routing = "no"' 'script = "/bin/true"' 'uuid = "0a1b2c3d-0000-4000-8000-000000000001"' \
		"directory = \"$WPAR_BASEDIR/sp1\""; do
		grep -qF "$kv" "$cf" || fail "missing $kv in spec"
	done
}

test_uuid_generated_and_unique() {
	ok mkwpar -n u1
	ok mkwpar -n u2
	local a b
	a=$(sed -n 's/.*uuid = "\(.*\)"/\1/p' "$WPAR_CONFDIR/u1.cf")
	b=$(sed -n 's/.*uuid = "\(.*\)"/\1/p' "$WPAR_CONFDIR/u2.cf")
	echo "$a" | grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' || fail "uuid $a"
	[ "$a" != "$b" ] || fail "two WPARs share a UUID"
}

test_directory_flag() {
	mkdir -m 0700 "$T/roots"
	ok mkwpar -n dflag -d "$T/roots/dflag"
	[ -d "$T/roots/dflag/etc" ] || fail "root not at -d"
	# An existing empty directory is fine; a non-empty one is refused.
	mkdir "$T/roots/empty"
	ok mkwpar -n dflag2 -d "$T/roots/empty"
	mkdir "$T/roots/full" && touch "$T/roots/full/x"
	must_fail "not empty" mkwpar -n dflag3 -d "$T/roots/full"
	must_fail "absolute" mkwpar -n dflag4 -d relative/path
	must_fail "belongs to the global environment" mkwpar -n dflag5 -d /usr
	must_fail "overlaps" mkwpar -n dflag6 -d "$T/roots/dflag/inner"
	# The parent must keep host users out.
	mkdir -m 0755 "$T/open"
	must_fail "closed to other users" mkwpar -n dflag7 -d "$T/open/w"
	[ ! -e "$T/open/w" ] || fail "refused WPAR left its directory"
}

test_jfs2_image_file_system() {
	ok mkwpar -n img -M directory=/var vfs=jfs2 size=64M
	local cf=$WPAR_CONFDIR/img.cf img
	img=$(grep -A6 'directory = "/var"' "$cf" | sed -n 's/.*dev = "\(.*\)"/\1/p')
	[ -n "$img" ] && [ -f "$img" ] || fail "no image recorded for /var: $img"
	[ "$(stat -c %s "$img")" = $((64 * 1024 * 1024)) ] || fail "image size"
	blkid -p "$img" 2>/dev/null | grep -q 'TYPE="ext4"' || fail "image is not ext4"
	# Populated through the loop mount, then unmounted and detached.
	awk -v t="$T" 'index($5, t) == 1' /proc/self/mountinfo | grep -q . && fail "left mounted"
	grep -l "$img" /sys/block/loop*/loop/backing_file 2>/dev/null && fail "loop device left attached"
	local m
	m=$(mktemp -d)
	mount -o loop,ro "$img" "$m"
	local has=0
	[ -f "$m/lib/dpkg/status" ] && has=1
	umount "$m"; rmdir "$m"
	[ $has = 1 ] || fail "the /var image was not populated"
}

test_bad_sizes_and_attributes() {
	local before
	before=$(snapshot)
	must_fail "size" mkwpar -n bad1 -M directory=/var vfs=jfs2 size=12Q
	must_fail "size" mkwpar -n bad1 -M directory=/var vfs=jfs2 size=0
	must_fail "unknown attribute 'colour'" mkwpar -n bad1 -M directory=/var colour=red
	must_fail "not a file system type" mkwpar -n bad1 -M directory=/var vfs=zfs
	must_fail "namefs needs dev" mkwpar -n bad1 -M directory=/data vfs=namefs
	must_fail "octal" mkwpar -n bad1 -M directory=/data vfs=directory mode=999
	must_fail "absolute" mkwpar -n bad1 -M directory=data vfs=directory
	must_fail "plain absolute path" mkwpar -n bad1 -M directory=/a/../b vfs=directory
	must_fail "two mounts" mkwpar -n bad1 -M directory=/d vfs=directory -M directory=/d vfs=directory
	must_fail "not an IPv4 address" mkwpar -n bad1 -N address=300.1.1.1
	must_fail "either IPv4" mkwpar -n bad1 -N address=10.1.1.1 prefixlen=64
	must_fail "unexpected argument 'netmask'" mkwpar -n bad1 -N address=10.1.1.1 netmask 255.255.255.0
	must_fail "unknown flag" mkwpar -n bad1 -Z
	must_fail "no workload partition name" mkwpar -A
	must_fail "versioned" mkwpar -n bad1 -C
	must_fail "0960-527 resources.active = maybe is invalid: Must be yes or no" mkwpar -n bad1 -R active=maybe
	[ "$before" = "$(snapshot)" ] || fail "bad input changed something"
}

test_name_rules() {
	must_fail "at most 25" mkwpar -n abcdefghijklmnopqrstuvwxyz
	ok mkwpar -n abcdefghijklmnopqrstuvwxy
	must_fail "must not start" mkwpar -n 0abc
	must_fail "must not start" mkwpar -n -- -abc
	local c
	for c in '=' ':' '/' '!' ';' '`' "'" '"' '<' '>' '~' '&' '(' ')' '*' '+' '[' ']' ',' '.' '^' '$' '?' '{' '}' '\'; do
		must_fail "not allowed" mkwpar -n "ab${c}cd"
	done
	must_fail "blank" mkwpar -n "ab cd"
	ok mkwpar -n w_ok-1
}

test_duplicate_name() {
	ok mkwpar -n dup
	local before
	before=$(snapshot)
	must_fail "already exists" mkwpar -n dup
	must_fail "already exists" mkwpar -n dup -d "$WPAR_BASEDIR/other"
	[ "$before" = "$(snapshot)" ] || fail "a refused duplicate changed something"
}

test_write_spec_only() {
	ok mkwpar -n wonly -w -o "$T/wonly.spec" -M directory=/var vfs=jfs2 size=32M
	[ -f "$T/wonly.spec" ] || fail "no spec written"
	[ ! -e "$WPAR_CONFDIR/wonly.cf" ] || fail "-w created a WPAR"
	[ ! -e "$WPAR_BASEDIR/wonly" ] || fail "-w created a root"
	must_fail "needs -o" mkwpar -n wonly -w
	# The written spec creates the WPAR it describes.
	ok mkwpar -f "$T/wonly.spec"
	grep -q 'size = "32M"' "$WPAR_CONFDIR/wonly.cf" || fail "size lost through the spec"
}

test_spec_file_round_trip_and_errors() {
	ok mkwpar -n orig -h orighost -A -M directory=/srv/data vfs=directory mode=0750
	ok mkwpar -e orig -w -o "$T/orig.spec"
	not_contains "$(cat "$T/orig.spec")" 'name = "orig"'
	not_contains "$(cat "$T/orig.spec")" 'uuid ='
	ok mkwpar -f "$T/orig.spec" -n copy
	grep -q 'hostname = "orighost"' "$WPAR_CONFDIR/copy.cf" || fail "template lost the host name"
	grep -q 'directory = "/srv/data"' "$WPAR_CONFDIR/copy.cf" || fail "template lost a mount"
	[ "$(stat -c %a "$WPAR_BASEDIR/copy/srv/data")" = 750 ] || fail "mount mode"
	printf 'general:\n\tname = "x1"\n\tbogus = "1"\n' >"$T/bad.spec"
	must_fail "bad.spec:3: .*unknown attribute 'bogus'" mkwpar -f "$T/bad.spec"
	printf 'general:\n name = "x1"\nnetwork:\n address = "10.0.0.1\n' >"$T/bad2.spec"
	must_fail "bad2.spec:4: .*quote" mkwpar -f "$T/bad2.spec"
	printf '* AIX comment\ngeneral:\n    name = x2\n    auto = yes\n' >"$T/aix.spec"
	ok mkwpar -f "$T/aix.spec"
	grep -q 'auto = "yes"' "$WPAR_CONFDIR/x2.cf" || fail "bare values not taken"
	must_fail "exclude each other" mkwpar -n x3 -e orig -f "$T/aix.spec"
}

test_post_install_script() {
	cat >"$T/post.sh" <<-'EOS'
	#!/bin/sh
	echo "$1 $2" > "$2/etc/post-ran"
	EOS
	chmod +x "$T/post.sh"
	ok mkwpar -n post -k "$T/post.sh"
	[ "$(cat "$WPAR_BASEDIR/post/etc/post-ran")" = "post $WPAR_BASEDIR/post" ] || fail "postscript args"
	# A failing script only warns (AIX).
	printf '#!/bin/sh\nexit 3\n' >"$T/fail.sh"
	chmod +x "$T/fail.sh"
	ok mkwpar -n post2 -k "$T/fail.sh"
	contains "$OUT" "warning"
}

test_root_password() {
	echo 's3cret-pw' | mkwpar -n pw -P >/dev/null || fail "mkwpar -P"
	local h
	h=$(awk -F: '$1 == "root" { print $2 }' "$WPAR_BASEDIR/pw/etc/shadow")
	case "$h" in '$'*) ;; *) fail "root password not set: $h" ;; esac
	python3 -c 'import crypt,sys; sys.exit(0 if crypt.crypt("s3cret-pw", sys.argv[1]) == sys.argv[1] else 1)' "$h" 2>/dev/null ||
		perl -e 'exit(crypt("s3cret-pw", $ARGV[0]) eq $ARGV[0] ? 0 : 1)' "$h" || fail "hash does not verify"
}

test_unsupported_flags_are_stored() {
	echo "CAP_CHOWN CAP_SETUID" >"$T/secattrs"
	ok mkwpar -n st -N address=192.0.2.10 netmask=255.255.255.0 -I rtdest=default rtgateway=192.0.2.1 \
		-R shares_CPU=20 CPU=10%-20%,30% totalProcesses=100 -S secfile="$T/secattrs" -X kext=ALL
	local cf=$WPAR_CONFDIR/st.cf
	for kv in 'address = "192.0.2.10"' 'rtgateway = "192.0.2.1"' 'routing = "yes"' 'shares_CPU = "20"' \
		'CPU = "10%-20%,30%"' 'totalProcesses = "100"' 'kext = "ALL"' 'privs = "CAP_CHOWN,CAP_SETUID"'; do
		grep -qF "$kv" "$cf" || fail "missing $kv"
	done
}

test_detached_wpar_private_usr() {
	# Copies the host's /usr and /opt: slow on file systems without
	# reflinks, so this test measures and prints the time.
	local start=$SECONDS
	ok mkwpar -n det -l
	echo "    detached mkwpar took $((SECONDS - start)) s"
	grep -q 'privateusr = "yes"' "$WPAR_CONFDIR/det.cf" || fail "privateusr"
	[ -x "$WPAR_BASEDIR/det/usr/bin/env" ] || fail "no private /usr"
	local n_host n_wpar
	n_host=$(find /usr/bin -maxdepth 1 | wc -l)
	n_wpar=$(find "$WPAR_BASEDIR/det/usr/bin" -maxdepth 1 | wc -l)
	[ "$n_host" = "$n_wpar" ] || fail "/usr/bin has $n_wpar entries, host $n_host"
	[ "$(stat -c %i /usr/bin/env)" != "$(stat -c %i "$WPAR_BASEDIR/det/usr/bin/env")" ] || fail "not a copy"
	ok rmwpar det
	[ ! -e "$WPAR_BASEDIR/det" ] || fail "detached root left behind"
}
