# Networking: WPAR addresses on a bridge the test creates, traffic between
# WPARs and with the host, live changes, WPAR-specific routes through a
# gateway namespace, the views, bad input, and nothing left on the host.
#
# Every test makes its own bridge (and namespaces) with names unique to
# the run, and removes them on any exit; the host's own interfaces,
# addresses and routes are never touched.

# A namespace of the test's own, with a veth into the bridge; its name
# is left in $NS.
net_ns() { # name address/prefix [address6/prefix]
	local ns=wt$NET_ID$1
	NS=$ns
	NET_NS+=("$ns")
	NET_LINKS+=("${ns}h")
	ip netns add "$ns"
	ip link add "${ns}h" type veth peer name eth0 netns "$ns"
	ip link set "${ns}h" master "$BR" up
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$2" dev eth0
	[ -z "${3:-}" ] || ip -n "$ns" -6 addr add "$3" dev eth0 nodad
}

# A TCP exchange: a one-shot server prints what it got to $2 and answers.
PY_SERVER='import socket,sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(10)
c, peer = s.accept()
c.sendall(b"pong " + c.recv(100))
c.close()'
PY_CLIENT='import socket,sys,time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
end = time.time() + float(sys.argv[3]) if len(sys.argv) > 3 else time.time() + 5
while True:
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1)
        break
    except OSError as e:
        if time.time() > end:
            print("connect:", e); sys.exit(1)
        time.sleep(0.05)
s.sendall(b"ping")
print(s.recv(100).decode())'

# Runs the server somewhere ("host", a WPAR name, or "ns:NAME") in the
# background, then the client somewhere else; the client's output is $OUT.
exchange() { # server-place client-place address port
	local sp=$1 cp=$2 addr=$3 port=$4
	case "$sp" in
	host) python3 -c "$PY_SERVER" "$addr" "$port" & ;;
	ns:*) ip netns exec "${sp#ns:}" python3 -c "$PY_SERVER" "$addr" "$port" & ;;
	*) clogin "$sp" /usr/bin/python3 -c "$PY_SERVER" "$addr" "$port" & ;;
	esac
	local spid=$!
	local rc=0
	case "$cp" in
	host) OUT=$(python3 -c "$PY_CLIENT" "$addr" "$port" 2>&1) || rc=$? ;;
	ns:*) OUT=$(ip netns exec "${cp#ns:}" python3 -c "$PY_CLIENT" "$addr" "$port" 2>&1) || rc=$? ;;
	app:*) OUT=$(wparexec -n "${cp#app:}" -N address="$5" -- /usr/bin/python3 -c "$PY_CLIENT" "$addr" "$port" 2>&1) || rc=$? ;;
	*) OUT=$(clogin "$cp" /usr/bin/python3 -c "$PY_CLIENT" "$addr" "$port" 2>&1) || rc=$? ;;
	esac
	wait "$spid" 2>/dev/null
	[ $rc -eq 0 ] && [ "$OUT" = "pong ping" ] || fail "$cp -> $addr:$port (server in $sp): $OUT"
}

# The client alone, which must not get through.
no_route() { # client-place address port
	local rc=0
	OUT=$(clogin "$1" /usr/bin/python3 -c "$PY_CLIENT" "$2" "$3" 1 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "$1 reached $2:$3: $OUT"
}

in_wpar() { # wpar command...
	local w=$1
	shift
	nsenter -t "$(init_pid "$w")" -n -- "$@"
}

# No host link of the WPAR (they carry its name as alias).  The kernel
# removes them with the WPAR's namespace, just after its last process.
assert_no_links() { # wpar
	local i
	for i in $(seq 1 40); do
		ip -o link show | grep -q "alias wpar $1 " || return 0
		sleep 0.05
	done
	fail "a host link of $1 is left"
}

# No port on the bridge but the test's own namespaces'.
assert_bridge_empty() {
	local i ports
	for i in $(seq 1 40); do
		ports=$(ip -o link show master "$BR" | grep -v ": wt$NET_ID" || true)
		[ -n "$ports" ] || return 0
		sleep 0.05
	done
	fail "ports left on $BR: $ports"
}

test_net_two_wpars_and_host_on_a_bridge() {
	net_env 71
	ok mkwpar -n nw1 -N address=$NET4.11 -N address6=$NET6:11
	ok mkwpar -n nw2 -N interface=$BR address=$NET4.12 netmask=255.255.255.0 -N address6=$NET6:12 prefixlen=64
	# The interface, netmask and broadcast as AIX derives them.
	local cf=$WPAR_CONFDIR/nw1.cf
	for kv in "interface = \"$BR\"" "address = \"$NET4.11\"" 'netmask = "255.255.255.0"' \
		"broadcast = \"$NET4.255\"" "address6 = \"$NET6:11\"" 'prefixlen = "64"'; do
		grep -qF "$kv" "$cf" || fail "nw1.cf lacks $kv"
	done
	ok startwpar nw1
	ok startwpar nw2
	# Inside: the link under the host interface's name, the addresses.
	OUT=$(in_wpar nw1 ip -o addr show dev "$BR")
	contains "$OUT" "inet $NET4.11/24 brd $NET4.255"
	contains "$OUT" "inet6 $NET6:11/64"
	# No addresses or routes learnt from router advertisements.
	[ "$(in_wpar nw1 cat /proc/sys/net/ipv6/conf/$BR/accept_ra)" = 0 ] || fail "accept_ra"
	[ "$(in_wpar nw1 cat /proc/sys/net/ipv6/conf/$BR/autoconf)" = 0 ] || fail "autoconf"
	# WPAR <-> host, WPAR <-> WPAR, by IPv4 and IPv6.
	exchange nw1 host $NET4.11 7101
	exchange host nw1 $NET4.1 7102
	exchange nw2 nw1 $NET4.12 7103
	exchange nw1 nw2 $NET6:11 7104
	exchange host nw2 $NET6:1 7105
	# The same bridge carries the host's traffic and both WPARs'.
	[ "$(ip -o link show master "$BR" | wc -l)" = 2 ] || fail "expected two ports on $BR"
	ok stopwpar nw1
	ok stopwpar nw2
	assert_no_links nw1
	assert_no_links nw2
	assert_bridge_empty
	assert_released nw1
}

test_net_application_wpar_network() {
	net_env 72
	ok mkwpar -n sys1 -N address=$NET4.11
	ok startwpar sys1
	# wparexec: its own address; its command talks to a system WPAR and to
	# the host; nothing of it stays once the command ends.
	exchange sys1 app:ap1 $NET4.11 7201 $NET4.31
	exchange host app:ap2 $NET4.1 7202 $NET4.32
	assert_no_links ap1
	assert_no_links ap2
	[ ! -e "$WPAR_CONFDIR/ap1.cf" ] || fail "transient definition left"
	# An application WPAR without -N has loopback only.
	OUT=$(wparexec -n ap3 -- ip -o addr show 2>&1)
	not_contains "$OUT" "inet $NET4"
	contains "$OUT" "127.0.0.1"
}

test_net_live_address_changes() {
	net_env 73
	ok mkwpar -n lv -N address=$NET4.11
	ok startwpar lv
	exchange lv host $NET4.11 7301
	# Added while running: usable at once; removed: gone at once.
	ok chwpar -N address=$NET4.13 lv
	exchange lv host $NET4.13 7302
	ok chwpar -N address6=$NET6:13 lv
	exchange lv host $NET6:13 7303
	ok chwpar -K -N address=$NET4.11 lv
	OUT=$(in_wpar lv ip -o -4 addr show dev "$BR")
	not_contains "$OUT" "$NET4.11/"
	contains "$OUT" "inet $NET4.13/24"
	exchange lv host $NET4.13 7304
	# -N on an address it has changes that address (here its netmask).
	ok chwpar -N address=$NET4.13 netmask=255.255.0.0 lv
	OUT=$(in_wpar lv ip -o -4 addr show dev "$BR")
	contains "$OUT" "inet $NET4.13/16 brd 10.73.255.255"
	ok lswpar -N lv
	contains "$OUT" "lv +$BR +$NET4.13 +255.255.0.0 +10.73.255.255"
	# The definition has the same as the kernel.
	grep -q "$NET4.11" "$WPAR_CONFDIR/lv.cf" && fail "removed address still defined"
	# The last address removed: loopback only, the host link gone.
	ok chwpar -K -N address=$NET4.13 lv
	ok chwpar -K -N address6=$NET6:13 lv
	OUT=$(in_wpar lv ip -o link show)
	not_contains "$OUT" "$BR"
	assert_no_links lv
	ok chwpar -N address=$NET4.14 lv
	exchange lv host $NET4.14 7305
	# A reboot brings the WPAR up with its definition as changed.
	ok rebootwpar lv
	wait_state lv A
	exchange lv host $NET4.14 7306
	OUT=$(in_wpar lv ip -o -4 addr show)
	not_contains "$OUT" "$NET4.1[13]/"
}

test_net_wpar_specific_routes_through_a_gateway() {
	net_env 74
	# A gateway namespace on the bridge, and behind it a far network.
	local gw far
	net_ns gw $NET4.254/24
	gw=$NS
	far=wt${NET_ID}far
	NET_NS+=("$far")
	ip netns add "$far"
	ip link add "${far}a" netns "$gw" type veth peer name eth0 netns "$far"
	ip -n "$gw" addr add 198.51.100.1/24 dev "${far}a"
	ip -n "$gw" link set "${far}a" up
	ip -n "$far" addr add 198.51.100.2/24 dev eth0
	ip -n "$far" link set eth0 up
	ip -n "$far" link set lo up
	ip -n "$far" route add default via 198.51.100.1
	ip netns exec "$gw" sysctl -qw net.ipv4.ip_forward=1
	# Without -i the WPAR has the host's routes on the bridge: none to
	# the far network.
	ok mkwpar -n rt0 -N address=$NET4.20
	ok startwpar rt0
	no_route rt0 198.51.100.2 7401
	# -i -I: its own routing table, through the gateway.
	ok mkwpar -n rt1 -N address=$NET4.21 -i -I rtdest=198.51.100.0 rtnetmask=255.255.255.0 rtgateway=$NET4.254
	grep -q 'routing = "yes"' "$WPAR_CONFDIR/rt1.cf" || fail "routing not yes"
	ok startwpar rt1
	OUT=$(in_wpar rt1 ip route show)
	contains "$OUT" "198.51.100.0/24 via $NET4.254 dev $BR"
	exchange ns:$far rt1 198.51.100.2 7402
	ok lswpar -I rt1
	[ "$OUT" = "Name  Destination   Gateway      Type  Interface
------------------------------------------------
rt1   198.51.100.0  $NET4.254" ] || fail "lswpar -I: $OUT"
	# Live: the network route replaced by a default one (rtdest=default,
	# and rtdest=0 means the same).
	ok chwpar -K -I rtdest=198.51.100.0 rt1
	no_route rt1 198.51.100.2 7403
	ok chwpar -I rtdest=0 rtgateway=$NET4.254 rt1
	OUT=$(in_wpar rt1 ip route show)
	contains "$OUT" "default via $NET4.254 dev $BR"
	exchange ns:$far rt1 198.51.100.2 7404
	# A gateway off the WPAR's networks is refused; the route stays.
	must_fail "not on a network of the WPAR" chwpar -I rtdest=203.0.113.0/24 rtgateway=192.168.77.1 rt1
	exchange ns:$far rt1 198.51.100.2 7405
	ok lswpar -G rt1
	contains "$OUT" "WPAR-Specific Routing: +yes"
}

test_net_binds_only_its_own_addresses() {
	net_env 75
	ok mkwpar -n bd -N address=$NET4.11
	ok startwpar bd
	local py='import socket,sys
s = socket.socket()
try:
    s.bind((sys.argv[1], 0)); print("bound")
except OSError as e:
    print("refused", e.errno)'
	OUT=$(clogin bd /usr/bin/python3 -c "$py" $NET4.11)
	[ "$OUT" = bound ] || fail "own address: $OUT"
	OUT=$(clogin bd /usr/bin/python3 -c "$py" 127.0.0.1)
	[ "$OUT" = bound ] || fail "loopback: $OUT"
	OUT=$(clogin bd /usr/bin/python3 -c "$py" $NET4.1)
	[ "$OUT" = "refused 99" ] || fail "the host's address: $OUT"
	OUT=$(clogin bd /usr/bin/python3 -c "$py" 192.0.2.77)
	[ "$OUT" = "refused 99" ] || fail "a foreign address: $OUT"
	# The WPAR cannot change its own network (no CAP_NET_ADMIN).
	must_fail "" clogin bd ip addr add $NET4.99/24 dev "$BR"
	OUT=$(in_wpar bd ip -o -4 addr show dev "$BR")
	not_contains "$OUT" "$NET4.99"
}

test_net_raw_sockets_need_enable_rawsock() {
	net_env 76
	local py='import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); print("raw")
except PermissionError:
    print("refused")'
	ok mkwpar -n rw0 -N address=$NET4.11
	ok startwpar rw0
	OUT=$(clogin rw0 /usr/bin/python3 -c "$py")
	[ "$OUT" = refused ] || fail "raw socket without enable_rawsock: $OUT"
	printf 'general:\n\tname = "rw1"\nnetwork:\n\taddress = "%s.12"\noptions:\n\tenable_rawsock = "yes"\n' \
		"$NET4" >"$T/rw1.spec"
	ok mkwpar -f "$T/rw1.spec"
	ok startwpar rw1
	OUT=$(clogin rw1 /usr/bin/python3 -c "$py")
	[ "$OUT" = raw ] || fail "raw socket with enable_rawsock: $OUT"
	# busybox ping works where raw sockets are allowed.
	if command -v busybox >/dev/null; then
		ok clogin rw1 busybox ping -c 1 -W 2 $NET4.11
	fi
}

test_net_views_and_spec_output() {
	net_env 77
	ok mkwpar -n vw -N address=$NET4.102 netmask=255.255.255.0 -N address6=$NET6:66 \
		-I rtdest=default rtgateway=$NET4.1
	ok lswpar -N vw
	[ "$OUT" = "Name  Interface  Address(6)   Mask/Prefix    Broadcast
--------------------------------------------------------
vw    $BR  $NET4.102  255.255.255.0  $NET4.255
vw    $BR  $NET6:66     64" ] || fail "lswpar -N: $OUT"
	ok lswpar -N -c -q vw
	contains "$OUT" "^vw:$BR:$NET4\\.102:255\\.255\\.255\\.0:$NET4\\.255$"
	ok lswpar -L vw
	contains "$OUT" "^NETWORK$"
	contains "$OUT" "^$BR +$NET4\\.102 +255\\.255\\.255\\.0 +$NET4\\.255$"
	contains "$OUT" "^default +$NET4\\.1"
	ok mkwpar -e vw -w -o "$T/vw.spec"
	for kv in "address = \"$NET4.102\"" "interface = \"$BR\"" "broadcast = \"$NET4.255\"" \
		"address6 = \"$NET6:66\"" "rtgateway = \"$NET4.1\"" 'routing = "yes"'; do
		grep -qF "$kv" "$T/vw.spec" || fail "spec output lacks $kv"
	done
	# The host-wide view: every running WPAR's addresses and routes.
	ok startwpar vw
	ok wparnet
	contains "$OUT" "^Routing tables$"
	contains "$OUT" "^vw +default +$NET4\\.1 +UGS +$BR"
	contains "$OUT" "^vw +$BR +$NET4\\.102 +24 +wp[0-9a-f]{8}_0"
	ok wparnet -r -c vw
	contains "$OUT" "^vw:default:$NET4\\.1:UGS:$BR$"
}

test_net_hostname_default_address() {
	net_env 78
	# The host name resolves (a numeric one, so the test needs no entry
	# in /etc/hosts) on the bridge's network: it becomes the address.
	ok mkwpar -n hd -h $NET4.40
	ok lswpar -N -c -q hd
	[ "$OUT" = "hd:$BR:$NET4.40:255.255.255.0:$NET4.255" ] || fail "host-name default: $OUT"
	# Off every host network: loopback only.
	ok mkwpar -n hd2 -h 203.0.113.40
	ok lswpar -N -c -q hd2
	[ -z "$OUT" ] || fail "an address off the host's networks: $OUT"
}

test_net_bad_input_changes_nothing() {
	net_env 79
	must_fail "not an IPv4 address" mkwpar -n b1 -N address=10.79.0.300
	must_fail "no up host interface has access" mkwpar -n b1 -N address=203.0.113.9
	must_fail "interface nosuch0 does not exist" mkwpar -n b1 -N interface=nosuch0 address=$NET4.9
	must_fail "not on the network" mkwpar -n b1 -N address=$NET4.9 broadcast=10.80.0.255
	must_fail "not an IPv4 network mask" mkwpar -n b1 -N address=$NET4.9 netmask=255.0.255.0
	must_fail "broadcast address of its network" mkwpar -n b1 -N address=$NET4.255
	must_fail "either IPv4" mkwpar -n b1 -N address=$NET4.9 prefixlen=64
	must_fail "either IPv4" mkwpar -n b1 -N address6=$NET6:9 netmask=255.255.255.0
	must_fail "given twice" mkwpar -n b1 -N address=$NET4.9 -N address=$NET4.9
	must_fail "not on a network of the WPAR" mkwpar -n b1 -N address=$NET4.9 -I rtdest=default rtgateway=10.99.0.1
	must_fail "loopback" mkwpar -n b1 -N interface=lo address=$NET4.9 netmask=255.255.255.0
	[ ! -e "$WPAR_CONFDIR/b1.cf" ] || fail "a refused mkwpar left a definition"
	must_fail "no up host interface" wparexec -n b2 -N address=203.0.113.9 -- true
	# Two running WPARs cannot have one address; the second start fails
	# and leaves nothing; a refused live change keeps the configuration.
	ok mkwpar -n d1 -N address=$NET4.11
	ok mkwpar -n d2 -N address=$NET4.11
	ok mkwpar -n d3 -N address=$NET4.13
	ok startwpar d1
	must_fail "in use by workload partition d1" startwpar d2
	ok lswpar -c -q -a state d2
	[ "$OUT" = D ] || fail "d2 after the refused start: $OUT"
	assert_no_links d2
	assert_released d2
	must_fail "in use: the host has it" wparexec -n b3 -N address=$NET4.1 -- true
	ok startwpar d3
	local before after
	before=$(cat "$WPAR_CONFDIR/d3.cf")
	must_fail "in use by workload partition d1" chwpar -N address=$NET4.11 d3
	must_fail "not an IPv4 address" chwpar -N address=1.2.3 d3
	must_fail "does not exist" chwpar -N interface=nosuch0 address=$NET4.14 d3
	must_fail "the WPAR has no network with address=$NET4.99" chwpar -K -N address=$NET4.99 d3
	after=$(cat "$WPAR_CONFDIR/d3.cf")
	[ "$before" = "$after" ] || fail "a refused change was written"
	OUT=$(in_wpar d3 ip -o -4 addr show dev "$BR")
	contains "$OUT" "inet $NET4.13/24"
	exchange d3 host $NET4.13 7901
}

test_net_plain_interface_gets_ipvlan_or_macvlan() {
	net_env 80
	# A device that is not a bridge (a veth end standing in for a NIC),
	# with a namespace on its other end standing in for the LAN.
	local nic=wt${NET_ID}n0 lan=wt${NET_ID}lan
	NET_LINKS+=("$nic")
	NET_NS+=("$lan")
	ip netns add "$lan"
	ip link add "$nic" type veth peer name eth0 netns "$lan"
	ip addr add 10.81.0.1/24 dev "$nic"
	ip link set "$nic" up
	ip -n "$lan" addr add 10.81.0.2/24 dev eth0
	ip -n "$lan" link set eth0 up
	ip -n "$lan" link set lo up
	ok mkwpar -n pn -N address=10.81.0.5
	grep -q "interface = \"$nic\"" "$WPAR_CONFDIR/pn.cf" || fail "interface not chosen"
	local kind=""
	for k in ipvlan macvlan; do
		if ip link add wt${NET_ID}v link "$nic" type $k 2>/dev/null; then
			ip link del wt${NET_ID}v
			kind=$k
			break
		fi
	done
	if [ -z "$kind" ]; then
		must_fail "neither ipvlan nor macvlan" startwpar pn
		ok lswpar -c -q -a state pn
		[ "$OUT" = D ] || fail "state after the failed start: $OUT"
		assert_released pn
		return 0
	fi
	echo "    (this kernel has $kind: the WPAR gets one on $nic)"
	ok startwpar pn
	OUT=$(in_wpar pn ip -d link show "$nic")
	contains "$OUT" "ipvlan|macvlan"
	# The LAN reaches the WPAR (the host's own address on the same
	# device does not: ipvlan and macvlan keep the parent apart).
	exchange ns:$lan pn 10.81.0.2 8001
	exchange pn ns:$lan 10.81.0.5 8002
	ok stopwpar pn
	local i
	for i in $(seq 1 40); do
		ls -d /sys/class/net/"$nic"/upper_* >/dev/null 2>&1 || break
		sleep 0.05
	done
	ls -d /sys/class/net/"$nic"/upper_* >/dev/null 2>&1 && fail "a link on $nic is left"
	assert_released pn
}

test_net_bridge_command() {
	local br=wtc$(printf '%04x' $((RANDOM % 65536)))
	NET_LINKS=("$br")
	NET_NS=()
	trap 'cleanup; net_cleanup' EXIT
	ok wparnet -b "$br" -A 10.82.0.1/24
	ip -d link show "$br" | grep -q bridge || fail "not a bridge"
	ip -o addr show dev "$br" | grep -q "10.82.0.1/24" || fail "no address"
	must_fail "exists already" wparnet -b "$br"
	must_fail "not an address" wparnet -b "${br}x" -A 10.82.0.1
	ip link show "${br}x" >/dev/null 2>&1 && fail "a refused bridge was made"
	ok mkwpar -n bc -N address=10.82.0.5
	ok startwpar bc
	must_fail "still has .* attached" wparnet -K -b "$br"
	ok stopwpar bc
	assert_no_links bc
	ok wparnet -K -b "$br"
	ip link show "$br" >/dev/null 2>&1 && fail "bridge left"
	must_fail "is not a bridge" wparnet -K -b lo
}

test_net_ssh_into_a_wpar() {
	net_env 83
	ok mkwpar -n sh1 -N address=$NET4.5
	grep -q "/usr/sbin/sshd" "$WPAR_BASEDIR/sh1/etc/wpar/rc.boot" || fail "the boot script does not start sshd"
	# The WPAR's root has a key of its own; the host's root has none there.
	ssh_key_for sh1
	ok startwpar sh1
	ssh_wait sh1
	OUT=$(ssh "${SSH_OPTS[@]}" root@$NET4.5 'hostname; id -u; cat /etc/machine-id' 2>&1) ||
		fail "ssh: $OUT"
	[ "$(echo "$OUT" | sed -n 1p)" = sh1 ] || fail "not the WPAR: $OUT"
	[ "$(echo "$OUT" | sed -n 2p)" = 0 ] || fail "not root: $OUT"
	[ "$(echo "$OUT" | sed -n 3p)" != "$(cat /etc/machine-id)" ] || fail "the host's machine-id"
	# A key the WPAR's root does not have is refused.
	ssh-keygen -q -t ed25519 -N '' -f "$T/other"
	must_fail "" ssh -i "$T/other" "${SSH_OPTS[@]:2}" root@$NET4.5 true
	ok stopwpar sh1
	assert_no_links sh1
}

test_net_failed_start_and_maintenance_leave_no_network() {
	net_env 84
	# The links are made before the WPAR's init builds its inside; a
	# start that fails there (here: its /proc is not a directory) leaves
	# none of them.
	ok mkwpar -n fs1 -N address=$NET4.5
	rmdir "$WPAR_BASEDIR/fs1/proc"
	touch "$WPAR_BASEDIR/fs1/proc"
	must_fail "/proc in the WPAR is not a directory" startwpar fs1
	assert_no_links fs1
	assert_released fs1
	assert_bridge_empty
	rm "$WPAR_BASEDIR/fs1/proc"
	mkdir "$WPAR_BASEDIR/fs1/proc"
	ok startwpar fs1
	exchange fs1 host $NET4.5 8401
	# startwpar -m: maintenance, without network (AIX).
	ok mkwpar -n mt1 -N address=$NET4.6
	ok startwpar -m mt1
	OUT=$(in_wpar mt1 ip -o addr show)
	not_contains "$OUT" "$NET4.6"
	if ip -o link show | grep -q "alias wpar mt1 "; then fail "maintenance start made a link"; fi
	ok stopwpar mt1
	ok startwpar mt1
	OUT=$(in_wpar mt1 ip -o addr show)
	contains "$OUT" "inet $NET4.6/24"
}
