# lswpar views and selection.

setup_three() {
	ok mkwpar -n alpha -A
	ok mkwpar -n beta -h beta.example.com -M directory=/var vfs=jfs2 size=32M
	ok mkwpar -n gamma -N address=192.0.2.5 netmask=255.255.255.0 -I rtdest=default rtgateway=192.0.2.1
}

test_default_table() {
	setup_three
	ok lswpar
	local header
	header=$(echo "$OUT" | head -1)
	echo "$header" | grep -qE '^Name +State +Type +Hostname +Directory +RootVG WPAR$' || fail "header: $header"
	echo "$OUT" | sed -n 2p | grep -qE '^-+$' || fail "no dash line"
	echo "$OUT" | grep -qE "^alpha +D +S +alpha +$WPAR_BASEDIR/alpha +no$" || fail "alpha row: $OUT"
	echo "$OUT" | grep -qE "^beta +D +S +beta.example.com " || fail "beta row"
	[ "$(echo "$OUT" | wc -l)" = 5 ] || fail "row count"
}

test_selection_and_patterns() {
	setup_three
	ok lswpar -q beta
	[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "-q printed a header"
	ok lswpar -q 'al*' 'g?mma'
	[ "$(echo "$OUT" | awk '{print $1}' | tr '\n' ' ')" = "alpha gamma " ] || fail "patterns: $OUT"
	ok lswpar -q -s D
	[ "$(echo "$OUT" | wc -l)" = 3 ] || fail "-s D"
	ok lswpar -q -s A
	[ -z "$OUT" ] || fail "-s A listed defined WPARs"
	ok lswpar -q -t S
	[ "$(echo "$OUT" | wc -l)" = 3 ] || fail "-t S"
	must_fail "0960-419 Could not find a workload partition called nosuch" lswpar alpha nosuch
	contains "$OUT" "alpha"
}

test_colon_and_fields() {
	setup_three
	ok lswpar -c alpha
	[ "$(echo "$OUT" | head -1)" = "#name:state:type:hostname:directory:rootvgwpar" ] || fail "-c header: $OUT"
	[ "$(echo "$OUT" | sed -n 2p)" = "alpha:D:S:alpha:$WPAR_BASEDIR/alpha:no" ] || fail "-c row: $OUT"
	ok lswpar -c -d '|' -q alpha
	[ "$OUT" = "alpha|D|S|alpha|$WPAR_BASEDIR/alpha|no" ] || fail "-d: $OUT"
	ok lswpar -c -q -a name,hostname beta
	[ "$OUT" = "beta:beta.example.com" ] || fail "-a: $OUT"
	must_fail "field" lswpar -a name,nosuchfield
}

test_general_view() {
	setup_three
	ok lswpar -G alpha
	contains "$OUT" "^=+$"
	contains "$OUT" "^alpha - Defined$"
	for l in "Type: +S" "RootVG WPAR: +no" "Owner: +root" "Hostname: +alpha" "WPAR-Specific Routing: +no" \
		"Directory: +$WPAR_BASEDIR/alpha" "Auto Start: +yes" "Private /usr: +no" "Checkpointable: +no" \
		"OStype: +0" "UUID: +[0-9a-f-]{36}"; do
		contains "$OUT" "^$l$"
	done
	ok lswpar -G gamma
	contains "$OUT" "^WPAR-Specific Routing: +yes$"
}

test_mount_view() {
	setup_three
	ok lswpar -M beta
	contains "$OUT" "^Name +Mount Point +Device +Vfs +Nodename +Options"
	contains "$OUT" "^beta +$WPAR_BASEDIR/beta/usr +/usr +namefs +ro$"
	contains "$OUT" "^beta +$WPAR_BASEDIR/beta/var +$WPAR_STATEDIR/wpars/beta/fs/var.img +jfs2"
}

test_network_and_route_views() {
	setup_three
	ok lswpar -N gamma
	contains "$OUT" "^Name +Interface +Address\(6\) +Mask/Prefix +Broadcast"
	contains "$OUT" "gamma .*192.0.2.5 +255.255.255.0"
	ok lswpar -I gamma
	contains "$OUT" "^Name +Destination +Gateway +Type +Interface"
	contains "$OUT" "gamma +default +192.0.2.1"
}

test_long_and_json() {
	setup_three
	ok lswpar -L gamma
	contains "$OUT" "^gamma - Defined$"
	contains "$OUT" "^GENERAL$"
	contains "$OUT" "192.0.2.5"
	ok lswpar -j
	echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [w["name"] for w in d]==["alpha","beta","gamma"], d; assert d[0]["state"]=="D"' ||
		fail "JSON: $OUT"
}

test_empty_and_broken_spec() {
	ok lswpar
	[ -z "$OUT" ] || fail "no WPARs, yet lswpar printed: $OUT"
	ok mkwpar -n good
	mkdir -p "$WPAR_CONFDIR"
	printf 'general:\n\tname = "bad"\n\tnonsense = "1"\n' >"$WPAR_CONFDIR/bad.cf"
	must_fail "bad.cf:3" lswpar
	contains "$OUT" "good"
}
