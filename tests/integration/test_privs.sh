# WPAR privilege sets: -S privs=, privs+=, privs-=, secfile=, lswpar -S,
# what reaches the WPAR's processes, and the device filter.

# Capability bit $2 of the hexadecimal set $1: 0 or 1.
cap_bit() {
	echo $(((0x$1 >> $2) & 1))
}

capbnd_of() { # text of /proc/.../status
	echo "$1" | awk '$1 == "CapBnd:" { print $2 }'
}

test_privs_default_sets() {
	ok mkwpar -n pd
	ok lswpar -S pd
	contains "$OUT" "CAP_CHOWN"
	contains "$OUT" "CAP_SYS_CHROOT"
	not_contains "$OUT" "CAP_SYS_ADMIN"
	not_contains "$OUT" "CAP_NET_RAW"
	# An application WPAR runs on the host's file systems: no file
	# capabilities, no chroot, no halt, no leases.
	local st bnd bit
	st=$(wparexec -n pda -- cat /proc/self/status) || fail "wparexec: $st"
	bnd=$(capbnd_of "$st")
	for bit in 31 18 22 28; do # SETFCAP SYS_CHROOT SYS_BOOT LEASE
		[ "$(cap_bit "$bnd" $bit)" = 0 ] || fail "application WPAR has capability $bit ($bnd)"
	done
	for bit in 0 1 5 6 7; do # CHOWN DAC_OVERRIDE KILL SETGID SETUID
		[ "$(cap_bit "$bnd" $bit)" = 1 ] || fail "application WPAR lacks capability $bit ($bnd)"
	done
}

test_privs_edit() {
	local cf=$WPAR_CONFDIR/pe.cf
	ok mkwpar -n pe -S privs+=CAP_NET_RAW,PV_PROC_PRIO
	grep -q '^[[:space:]]*privs = ".*CAP_NET_RAW.*"' "$cf" || fail "privs+= at mkwpar: $(grep privs "$cf")"
	grep -q '^[[:space:]]*privs = ".*CAP_SYS_NICE.*"' "$cf" || fail "PV_PROC_PRIO: $(grep privs "$cf")"
	grep -q '^[[:space:]]*privs = ".*CAP_CHOWN.*"' "$cf" || fail "privs+= lost the default set"
	ok chwpar -S privs-=net_raw pe
	grep -q 'CAP_NET_RAW' "$cf" && fail "privs-= left CAP_NET_RAW"
	ok chwpar -S privs=chown,cap_kill pe
	grep -q '^[[:space:]]*privs = "CAP_CHOWN,CAP_KILL"' "$cf" || fail "privs=: $(grep privs "$cf")"
	ok chwpar -S privs=none pe
	grep -q '^[[:space:]]*privs = "none"' "$cf" || fail "privs=none: $(grep privs "$cf")"
	printf '# operators\nCAP_SETUID CAP_SETGID\nPV_NET_PORT  # daemons\n' >"$T/secattrs"
	ok chwpar -S secfile="$T/secattrs" pe
	grep -q '^[[:space:]]*privs = "CAP_SETGID,CAP_SETUID,CAP_NET_BIND_SERVICE"' "$cf" ||
		fail "secfile: $(grep privs "$cf")"
	ok lswpar -S pe
	contains "$OUT" "CAP_SETGID,CAP_SETUID,CAP_NET_BIND_SERVICE"
	contains "$OUT" "$T/secattrs"
	# A spec file carries the set to another WPAR.
	ok mkwpar -e pe -w -o "$T/pe.spec"
	grep -q 'privs = "CAP_SETGID,CAP_SETUID,CAP_NET_BIND_SERVICE"' "$T/pe.spec" ||
		fail "spec output: $(cat "$T/pe.spec")"
	ok chwpar -K -S pe
	grep -q 'privs =' "$cf" && fail "-K -S kept privs"
	true
}

test_privs_bad_input() {
	ok mkwpar -n pb
	local cf=$WPAR_CONFDIR/pb.cf before
	before=$(cat "$cf")
	must_fail "unknown privilege CAP_FLY" chwpar -S privs+=CAP_FLY pb
	must_fail "PV_MAC_R has no Linux equivalent" chwpar -S privs+=PV_MAC_R pb
	must_fail "PV_KER_WLM is never given inside a workload partition" chwpar -S privs+=PV_KER_WLM pb
	must_fail "CAP_SYS_MODULE cannot be given to a workload partition: kernel modules" \
		chwpar -S privs+=sys_module pb
	must_fail "PV_FS_MOUNT needs CAP_SYS_ADMIN, which cannot be given" chwpar -S privs+=PV_FS_MOUNT pb
	must_fail "CAP_NET_RAW both added .privs\+=. and removed" chwpar -S privs+=CAP_NET_RAW privs-=net_raw pb
	must_fail "either as privs= or in a secfile=" chwpar -S privs=chown secfile=/etc/hostname pb
	must_fail "secfile=rel is not an absolute path" chwpar -S secfile=rel pb
	must_fail "No such file" chwpar -S secfile="$T/none" pb
	echo "CAP_CHOWN PV_MAC_W" >"$T/bad"
	must_fail "secfile $T/bad: PV_MAC_W has no Linux equivalent" chwpar -S secfile="$T/bad" pb
	must_fail "is not one of privs=, privs\+=, privs-=, secfile=" chwpar -S privileges=chown pb
	[ "$(cat "$cf")" = "$before" ] || fail "a refused change changed the definition"
	# mkwpar makes nothing when -S is bad.
	must_fail "unknown privilege" mkwpar -n pb2 -S privs=nothing
	[ ! -e "$WPAR_CONFDIR/pb2.cf" ] || fail "mkwpar left a definition"
	[ ! -e "$WPAR_BASEDIR/pb2" ] || fail "mkwpar left a root"
}

# A definition (an AIX spec file) may list AIX's whole default set: its
# names without a Linux meaning give nothing, the others map.
test_privs_from_aix_spec() {
	cat >"$T/aix.spec" <<-'EOF'
		general:
		name = "pa"
		hostname = "pa"

		security:
		privs = "PV_SU_,PV_AU_READ,PV_MAC_R_PROC,PV_DAC_,PV_NET_PORT,PV_KER_WLM,PV_FS_MOUNT,PV_LAB_"
	EOF
	ok mkwpar -f "$T/aix.spec"
	grep -q 'PV_MAC_R_PROC' "$WPAR_CONFDIR/pa.cf" || fail "the AIX list was not kept as written"
	ok lswpar -S -c -q -a privileges pa
	[ "$OUT" = "CAP_DAC_OVERRIDE,CAP_DAC_READ_SEARCH,CAP_FOWNER,CAP_SETGID,CAP_SETUID,CAP_NET_BIND_SERVICE" ] ||
		fail "lswpar -S: $OUT"
	ok startwpar pa
	local st
	st=$(clogin pa cat /proc/1/status) || fail "clogin: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 21)" = 0 ] || fail "PV_FS_MOUNT gave CAP_SYS_ADMIN: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 10)" = 1 ] || fail "PV_NET_PORT: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 0)" = 0 ] || fail "CAP_CHOWN without being listed: $st"
	ok stopwpar pa
}

test_privs_reach_the_wpar_at_start() {
	ok mkwpar -n pr -S privs-=CAP_KILL
	ok startwpar pr
	local st
	st=$(clogin pr cat /proc/1/status) || fail "clogin: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 5)" = 0 ] || fail "init has CAP_KILL: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 0)" = 1 ] || fail "init lacks CAP_CHOWN: $st"
	# A change on a running WPAR waits for its next start; its
	# sessions keep the set the WPAR started with until then.
	ok chwpar -S privs+=CAP_KILL pr
	contains "$OUT" "takes effect when it is next started"
	st=$(clogin pr cat /proc/self/status) || fail "clogin: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 5)" = 0 ] || fail "a session got the new set early: $st"
	ok stopwpar pr
	ok startwpar pr
	st=$(clogin pr cat /proc/1/status) || fail "clogin: $st"
	[ "$(cap_bit "$(capbnd_of "$st")" 5)" = 1 ] || fail "the new set did not reach init: $st"
	ok stopwpar pr
}

# With CAP_MKNOD a WPAR's root can make any node; the device cgroup keeps
# every device outside the WPAR's /dev closed (cgroup v1 here).
test_privs_mknod_behind_device_filter() {
	[ -d /sys/fs/cgroup/devices ] || return 0
	# /var on an image: the start mounts it through a loop device before
	# the devices close, and a reboot does it again.
	ok mkwpar -n pm -S privs+=CAP_MKNOD -M directory=/var vfs=jfs2 size=32M
	ok startwpar pm
	local out rc round
	for round in start reboot; do
		rc=0
		out=$(clogin pm sh -c 'rm -f /tmp/fuse; mknod /tmp/fuse c 10 229 && exec 3</tmp/fuse' 2>&1) ||
			rc=$?
		[ "$rc" != 0 ] || fail "$round: a made node of a device outside the list opened: $out"
		contains "$out" "Operation not permitted"
		out=$(clogin pm sh -c 'rm -f /tmp/n; mknod /tmp/n c 1 3 && echo x >/tmp/n && echo null-ok' 2>&1) ||
			fail "$round: a node of a listed device: $out"
		contains "$out" "null-ok"
		[ "$round" = reboot ] && break
		ok rebootwpar pm
		wait_state pm A
	done
	ok stopwpar pm
}

# The cgroup v2 device filter (a BPF program on the WPAR's cgroup2 group):
# this hybrid host runs device programs on its cgroup2 tree too, and
# WPAR_DEVICE_FILTER=bpf uses the program instead of v1's controller.
test_privs_bpf_device_filter() {
	[ -d /sys/fs/cgroup/unified ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || return 0
	export WPAR_DEVICE_FILTER=bpf
	local out rc=0
	out=$(wparexec -n pbf -- sh -c 'exec 3</dev/fuse' 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "an application WPAR opened /dev/fuse: $out"
	contains "$out" "Operation not permitted"
	out=$(wparexec -n pbf -- sh -c 'head -c 3 /dev/zero | wc -c; echo x >/dev/null && echo null-ok') ||
		fail "listed devices: $out"
	[ "$out" = "$(printf '3\nnull-ok')" ] || fail "listed devices: $out"
	# A system WPAR: its mounts (a loop device) first, then the filter;
	# again after a reboot.
	ok mkwpar -n pbs -S privs+=CAP_MKNOD -M directory=/var vfs=jfs2 size=32M
	ok startwpar pbs
	local round
	for round in start reboot; do
		rc=0
		out=$(clogin pbs sh -c 'rm -f /tmp/f; mknod /tmp/f c 10 229 && exec 3</tmp/f' 2>&1) || rc=$?
		[ "$rc" != 0 ] || fail "$round: a made node opened: $out"
		contains "$out" "Operation not permitted"
		out=$(clogin pbs sh -c 'rm -f /tmp/n; mknod /tmp/n c 1 3 && echo x >/tmp/n && echo ok') ||
			fail "$round: a listed device: $out"
		[ "$round" = reboot ] && break
		ok rebootwpar pbs
		wait_state pbs A
	done
	ok stopwpar pbs
	unset WPAR_DEVICE_FILTER
}
