# User namespaces (-S userns=yes idrange=FIRST:COUNT): root in the WPAR is
# an unprivileged host user, files keep their natural ids on disk and are
# seen through idmapped mounts, setuid programs, package tools, sshd and
# the host name work inside; id ranges never overlap; what cannot go with
# a user namespace is refused by name.

AUTO_FIRST=268435456 # WPAR_IDRANGE_AUTO_BASE

# The host uid a process of the WPAR runs as.
host_uid() { # pid
	awk '/^Uid:/ { print $2 }' "/proc/$1/status"
}

test_userns_root_inside_is_an_unprivileged_host_user() {
	ok mkwpar -n un1 -S userns=yes
	grep -q "idrange = \"$AUTO_FIRST:65536\"" "$WPAR_CONFDIR/un1.cf" ||
		fail "no range claimed: $(cat "$WPAR_CONFDIR/un1.cf")"
	ok startwpar un1
	local pid
	pid=$(init_pid un1)
	[ "$(host_uid "$pid")" = $AUTO_FIRST ] || fail "init runs as host uid $(host_uid "$pid")"
	[ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
		fail "init shares the host's user namespace"
	ok clogin un1 id -u
	[ "$OUT" = 0 ] || fail "not root inside: $OUT"
	ok clogin un1 cat /proc/self/uid_map
	contains "$OUT" "^ +0 +$AUTO_FIRST +65536$"
	# The shared /usr is the host's, root-owned inside, not chowned outside.
	ok clogin un1 stat -c '%u %g %A' /usr/bin/passwd
	[ "$OUT" = "0 0 -rwsr-xr-x" ] || fail "/usr/bin/passwd inside: $OUT"
	[ "$(stat -c %u /usr/bin/passwd)" = 0 ] || fail "the host's /usr was chowned"
	# Files written inside keep the ids inside on disk.
	ok clogin un1 sh -c 'touch /var/tmp/byroot && useradd -m alice &&
		su alice -s /bin/sh -c "touch /tmp/byalice"'
	[ "$(stat -c %u "$WPAR_BASEDIR/un1/var/tmp/byroot")" = 0 ] || fail "root's file on disk"
	[ "$(stat -c '%u:%g' "$WPAR_BASEDIR/un1/tmp/byalice")" = 1000:1000 ] ||
		fail "alice's file on disk: $(stat -c '%u:%g' "$WPAR_BASEDIR/un1/tmp/byalice")"
	# A process of alice's is host uid FIRST+1000.
	ok clogin -l alice un1 sh -c 'echo $$; id -u; sleep 0.2'
	[ "$(echo "$OUT" | sed -n 2p)" = 1000 ] || fail "alice inside: $OUT"
	# Root inside reaches nothing the kernel keeps for the host's root.
	must_fail "denied|not permitted" clogin un1 mount -t tmpfs t /mnt
	must_fail "read-only|denied|not permitted" clogin un1 sh -c 'echo core >/proc/sys/kernel/core_pattern'
	must_fail "not permitted|denied" clogin un1 sh -c 'mknod /tmp/sda b 8 0'
	ok stopwpar un1
	assert_released un1
}

test_userns_setuid_and_package_tools_work_inside() {
	ok mkwpar -n un2 -S userns=yes
	ok startwpar un2
	# A set-uid program (a copy of id, made set-uid root inside) runs with
	# root's effective uid for an ordinary user.
	ok clogin un2 sh -c 'cp /usr/bin/id /var/tmp/idsu && chown root:root /var/tmp/idsu &&
		chmod 4755 /var/tmp/idsu && su nobody -s /bin/sh -c /var/tmp/idsu'
	contains "$OUT" "uid=65534\(nobody\).*euid=0\(root\)"
	# The host's set-uid passwd works for a user inside (it changes the
	# WPAR's /etc/shadow).
	ok clogin un2 sh -c 'useradd -m bob && echo bob:secret1 | chpasswd &&
		su bob -s /bin/sh -c "passwd -S bob"'
	contains "$OUT" "^bob P"
	ok clogin un2 dpkg --audit
	ok clogin un2 dpkg-query -W -f '${Status}' coreutils
	[ "$OUT" = "install ok installed" ] || fail "dpkg inside: $OUT"
	ok clogin un2 apt-get check
	ok stopwpar un2
}

test_userns_ssh_login() {
	net_env 84
	ok mkwpar -n un3 -S userns=yes -N address=$NET4.5
	ssh_key_for un3
	ok startwpar un3
	ssh_wait un3
	OUT=$(ssh "${SSH_OPTS[@]}" root@$NET4.5 'hostname; id -u; cat /proc/self/uid_map' 2>&1) ||
		fail "ssh: $OUT"
	[ "$(echo "$OUT" | sed -n 1p)" = un3 ] || fail "not the WPAR: $OUT"
	[ "$(echo "$OUT" | sed -n 2p)" = 0 ] || fail "not root: $OUT"
	contains "$OUT" "$AUTO_FIRST"
	# With a terminal (a pty of the WPAR's devpts).
	OUT=$(ssh -tt "${SSH_OPTS[@]}" root@$NET4.5 'tty' 2>&1) || fail "ssh -t: $OUT"
	contains "$OUT" "^/dev/pts/[0-9]+"
	ok stopwpar un3
}

test_userns_hostname_follows_enable_hostname() {
	ok mkwpar -n un4 -S userns=yes
	ok startwpar un4
	local host
	host=$(hostname)
	ok clogin un4 hostname renamed4
	ok clogin un4 hostname
	[ "$OUT" = renamed4 ] || fail "hostname inside: $OUT"
	[ "$(hostname)" = "$host" ] || fail "the host's name changed"
	ok stopwpar un4
	# enable_hostname = no: refused, also with a user namespace.
	ok mkwpar -n un5 -S userns=yes -w -o "$T/un5.spec"
	printf 'options:\n\tenable_hostname = no\n' >>"$T/un5.spec"
	ok mkwpar -f "$T/un5.spec"
	ok startwpar un5
	must_fail "root|permitted" clogin un5 hostname other5
	ok stopwpar un5
	# Without a user namespace a WPAR cannot be given it (documented).
	ok mkwpar -n un6
	ok startwpar un6
	must_fail "root|permitted" clogin un6 hostname other6
	ok stopwpar un6
}

test_userns_image_file_systems_and_reboot() {
	ok mkwpar -n un7 -S userns=yes -M directory=/var vfs=jfs2 size=64M
	ok startwpar un7
	ok clogin un7 sh -c 'touch /var/tmp/img && stat -c %u /var/tmp/img'
	[ "$OUT" = 0 ] || fail "file on the image inside: $OUT"
	ok rebootwpar un7
	wait_state un7 A 20
	ok clogin un7 sh -c 'ls /var/tmp/img && cat /proc/self/uid_map'
	contains "$OUT" "$AUTO_FIRST"
	ok stopwpar un7
	assert_released un7
}

test_userns_first_stage_dies_before_the_init_is_known() {
	ok mkwpar -n ug -S userns=yes
	local before
	before=$(snapshot | grep -e '^mount' -e backing_file || true)
	WPAR_FAULT=userns-stage must_fail "first stage ended without an init" timeout 20 startwpar ug
	wait_state ug D
	assert_released ug
	sleep 0.2
	# (Zombies aside: this host's PID 1 does not reap the orphans.)
	if ps -o stat= -u $AUTO_FIRST | grep -qv '^Z'; then fail "a process of ug's range is left"; fi
	[ "$before" = "$(snapshot | grep -e '^mount' -e backing_file || true)" ] || fail "mounts or loop devices left"
	ok startwpar ug
	ok stopwpar ug
}

test_userns_ranges_and_switching() {
	ok mkwpar -n ua -S userns=yes
	ok mkwpar -n ub -S userns=yes
	grep -q "idrange = \"$((AUTO_FIRST + 65536)):65536\"" "$WPAR_CONFDIR/ub.cf" ||
		fail "second range: $(grep idrange "$WPAR_CONFDIR/ub.cf")"
	ok lswpar -S -c -q -a userns ub
	[ "$OUT" = "$((AUTO_FIRST + 65536))\\:65536" ] || fail "lswpar -S: $OUT"
	ok lswpar -S -c -q -a userns
	# A copy (-e) claims a range of its own.
	ok mkwpar -n ucopy -e ub
	grep -q "idrange = \"$((AUTO_FIRST + 2 * 65536)):65536\"" "$WPAR_CONFDIR/ucopy.cf" ||
		fail "the copy's range: $(grep idrange "$WPAR_CONFDIR/ucopy.cf")"
	# Off while Defined: the same files, the host's ids again.
	ok startwpar ua
	ok clogin ua sh -c 'useradd -m carol'
	ok chwpar -S userns=no ua
	contains "$OUT" "next started"
	ok stopwpar ua
	ok startwpar ua
	ok clogin ua sh -c 'cat /proc/self/uid_map; stat -c %u /home/carol'
	contains "$OUT" "4294967295"
	contains "$OUT" "^1000$"
	ok stopwpar ua
	# On again, with a range given.
	ok chwpar -S userns=yes idrange=400000000:65536 ua
	ok startwpar ua
	[ "$(host_uid "$(init_pid ua)")" = 400000000 ] || fail "range not used"
	ok clogin ua stat -c %u /home/carol
	[ "$OUT" = 1000 ] || fail "carol's home inside: $OUT"
	ok stopwpar ua
}

test_userns_bad_input_changes_nothing() {
	ok mkwpar -n uc -S userns=yes idrange=300000000:65536
	local before
	before=$(snapshot; cat "$WPAR_CONFDIR/uc.cf")
	must_fail "overlaps that of WPAR uc" mkwpar -n ud -S userns=yes idrange=300030000:65536
	must_fail "overlaps that of WPAR uc" mkwpar -n ud -S userns=yes idrange=299990000:65536
	[ ! -e "$WPAR_CONFDIR/ud.cf" ] || fail "ud was created"
	must_fail "fewer than 65536" mkwpar -n ud -S userns=yes idrange=500000000:1000
	must_fail "not FIRST:COUNT" mkwpar -n ud -S userns=yes idrange=5x:65536
	must_fail "host id 0" mkwpar -n ud -S userns=yes idrange=0:65536
	must_fail "beyond the last host id" mkwpar -n ud -S userns=yes idrange=4294960000:65536
	must_fail "userns=maybe is not yes or no" mkwpar -n ud -S userns=maybe
	must_fail "checkpointable" mkwpar -n ud -c -S userns=yes
	must_fail "userns= given twice" mkwpar -n ud -S userns=yes userns=no
	[ ! -e "$WPAR_CONFDIR/ud.cf" ] || fail "ud was created"
	ok mkwpar -n ue
	must_fail "overlaps that of WPAR uc" chwpar -S userns=yes idrange=300000000:65536 ue
	must_fail "checkpointable" chwpar -c uc
	grep -q userns "$WPAR_CONFDIR/ue.cf" && fail "ue changed"
	# An application WPAR from a definition asking for one.
	printf 'general:\n\tname = uf\n\tapplication = "/bin/true"\nsecurity:\n\tuserns = yes\n' \
		>"$T/uf.spec"
	must_fail "for system WPARs" wparexec -f "$T/uf.spec" -- /bin/true
	[ "$before" = "$(snapshot | grep -v -e '/ue' -e 'uf.spec'; cat "$WPAR_CONFDIR/uc.cf")" ] ||
		fail "the host changed"
}
