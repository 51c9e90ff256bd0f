# startwpar, stopwpar, rebootwpar: a system WPAR runs, is isolated, stops
# cleanly, and every fault leaves a state the next command recovers.

test_start_stop_cycle() {
	ok mkwpar -n rt1
	ok startwpar rt1
	contains "$OUT" "^Starting workload partition rt1\.$"
	contains "$OUT" "^0513-059 The cor_rt1 Subsystem has been started\. Subsystem PID is [0-9]+\.$"
	ok lswpar -c -q -a name,state rt1
	[ "$OUT" = "rt1:A" ] || fail "state after start: $OUT"
	local pid
	pid=$(init_pid rt1)
	[ -n "$pid" ] && kill -0 "$pid" || fail "no init"
	pgrep -f "^cor_rt1 " >/dev/null || fail "no monitor process named cor_rt1"
	must_fail "already active" startwpar rt1
	ok stopwpar rt1
	contains "$OUT" "0960-261 Waiting up to 600 seconds"
	ok lswpar -c -q -a state rt1
	[ "$OUT" = D ] || fail "state after stop: $OUT"
	kill -0 "$pid" 2>/dev/null && fail "init survived the stop"
	assert_released rt1
	must_fail "0960-254 Workload partition 'rt1' is not currently active" stopwpar rt1
}

test_verbose_start_lists_mounts() {
	ok mkwpar -n rtv -M directory=/var vfs=jfs2 size=64M
	ok startwpar -v rtv
	contains "$OUT" "^Mounting $WPAR_BASEDIR/rtv/var$"
	contains "$OUT" "^Loading workload partition\.$"
	contains "$OUT" "^Return Status = SUCCESS\.$"
	# The image is mounted inside the WPAR only, never on the host.
	awk -v r="$WPAR_BASEDIR/rtv" 'index($5, r) == 1' /proc/self/mountinfo | grep -q . &&
		fail "WPAR mounts visible on the host"
	inside rtv sh -c 'grep -q " /var " /proc/self/mountinfo' || fail "/var not mounted inside"
	ok stopwpar -v rtv
	assert_released rtv
}

test_isolation() {
	ok mkwpar -n iso -h iso.example.com
	ok startwpar iso
	[ "$(inside iso hostname)" = iso.example.com ] || fail "hostname inside"
	[ "$(hostname)" != iso.example.com ] || fail "host name changed"
	# Only the WPAR's own processes, its init as PID 1.
	local n
	n=$(inside iso sh -c 'ls -d /proc/[0-9]* | wc -l')
	[ "$n" -lt 10 ] || fail "the WPAR sees $n processes"
	[ "$(inside iso cat /proc/1/comm)" != systemd ] || fail "host init visible"
	# The host sees the WPAR's processes.
	kill -0 "$(init_pid iso)" || fail "host cannot see the WPAR's init"
	# Own users only.
	inside iso awk -F: '$3 >= 1000 && $3 != 65534 { exit 1 }' /etc/passwd || fail "host users inside"
	# /usr is read-only and the host's.
	inside iso sh -c 'touch /usr/wpar-test 2>/dev/null' && fail "/usr writable inside"
	[ "$(inside iso stat -c %i /usr/bin/env)" = "$(stat -c %i /usr/bin/env)" ] || fail "/usr not shared"
	# A private /dev, no host disks.
	inside iso sh -c 'ls /dev' | grep -qE '^(sd|vd|nvme|loop)' && fail "host block devices visible"
	inside iso test -c /dev/null || fail "no /dev/null"
	# Confinement: no module loading, no mount, no raw clock change.
	inside iso sh -c 'grep CapBnd /proc/1/status' | grep -q 0000003fffffffff && fail "full capabilities"
	ok stopwpar iso
}

test_boot_script_runs() {
	ok mkwpar -n boot
	mkdir -p "$WPAR_BASEDIR/boot/etc/wpar/rc.d"
	printf '#!/bin/sh\necho booted > /var/boot-marker\n' >"$WPAR_BASEDIR/boot/etc/wpar/rc.d/10-marker"
	chmod +x "$WPAR_BASEDIR/boot/etc/wpar/rc.d/10-marker"
	ok startwpar boot
	local i
	for i in $(seq 1 50); do [ -f "$WPAR_BASEDIR/boot/var/boot-marker" ] && break; sleep 0.1; done
	[ -f "$WPAR_BASEDIR/boot/var/boot-marker" ] || fail "the boot script did not run"
	ok stopwpar boot
	# Maintenance mode runs no boot script.
	rm "$WPAR_BASEDIR/boot/var/boot-marker"
	ok startwpar -m boot
	sleep 1
	[ ! -f "$WPAR_BASEDIR/boot/var/boot-marker" ] || fail "-m ran the boot script"
	ok stopwpar boot
}

test_halt_and_reboot_inside() {
	ok mkwpar -n hr
	ok startwpar hr
	local first
	first=$(init_pid hr)
	inside hr reboot -f >/dev/null 2>&1 || true
	local i
	for i in $(seq 1 50); do
		[ -n "$(init_pid hr)" ] && [ "$(init_pid hr)" != "$first" ] && break
		sleep 0.1
	done
	[ "$(init_pid hr)" != "$first" ] || fail "reboot inside did not restart the WPAR"
	wait_state hr A
	inside hr halt >/dev/null 2>&1 || true
	wait_state hr D 20
	assert_released hr
}

test_stop_flags() {
	ok mkwpar -n sf
	ok startwpar sf
	# A process that ignores SIGTERM: the orderly stop waits, then sweeps.
	inside sf sh -c 'trap "" TERM; exec setsid sh -c "trap \"\" TERM; while :; do sleep 1; done" </dev/null >/dev/null 2>&1 &'
	local start=$SECONDS
	ok stopwpar -t 3 sf
	[ $((SECONDS - start)) -lt 30 ] || fail "-t 3 took $((SECONDS - start)) s"
	assert_released sf
	ok startwpar sf
	ok stopwpar -F sf
	assert_released sf
	ok startwpar sf
	ok stopwpar -h -v sf
	contains "$OUT" "Waiting up to 60 seconds"
	ok startwpar sf
	ok stopwpar -N sf
	contains "$OUT" "0960-242 Waiting for workload partition to halt"
	must_fail "Usage" stopwpar -h -F sf
	must_fail "not a number" stopwpar -t abc sf
}

test_rebootwpar() {
	ok mkwpar -n rb
	ok startwpar rb
	local first
	first=$(init_pid rb)
	ok rebootwpar rb
	wait_state rb A
	[ "$(init_pid rb)" != "$first" ] || fail "rebootwpar kept the old init"
	ok stopwpar -r rb
	wait_state rb A
	ok stopwpar rb
}

test_monitor_killed() {
	ok mkwpar -n mk
	ok startwpar mk
	local ipid
	ipid=$(init_pid mk)
	pkill -KILL -f "^cor_mk "
	sleep 0.5
	ok lswpar -c -q -a state mk
	[ "$OUT" = B ] || fail "a WPAR whose monitor died shows $OUT"
	# Dead, or a zombie waiting for the host's init to reap it.
	case "$(awk '{print $3}' /proc/$ipid/stat 2>/dev/null)" in
	"" | Z) ;;
	*) fail "init outlived its monitor" ;;
	esac
	must_fail "Broken" startwpar mk
	must_fail "Broken" stopwpar mk
	ok stopwpar -F mk
	ok lswpar -c -q -a state mk
	[ "$OUT" = D ] || fail "after stopwpar -F: $OUT"
	assert_released mk
	ok startwpar mk
	ok stopwpar mk
}

test_init_killed_from_host() {
	ok mkwpar -n ik
	ok startwpar ik
	kill -KILL "$(init_pid ik)"
	wait_state ik D
	assert_released ik
}

test_start_faults() {
	mkdir "$T/gone"
	ok mkwpar -n sfa -M directory=/data vfs=namefs dev="$T/gone"
	rmdir "$T/gone"
	must_fail "gone" startwpar sfa
	ok lswpar -c -q -a state sfa
	[ "$OUT" = D ] || fail "failed start left $OUT"
	assert_released sfa
	must_fail "0960-419" startwpar nosuch
	ok mkwpar -n sfb
	mv "$WPAR_BASEDIR/sfb" "$T/moved"
	must_fail "missing" startwpar sfb
	mv "$T/moved" "$WPAR_BASEDIR/sfb"
	ok startwpar sfb
	must_fail "stop it first|active" rmwpar sfb
	ok rmwpar -s sfb
	[ ! -e "$WPAR_CONFDIR/sfb.cf" ] || fail "rmwpar -s"
}

test_startwpar_killed_midway() {
	ok mkwpar -n km
	startwpar km >/dev/null 2>&1 &
	local p=$!
	sleep 0.05
	kill -KILL $p 2>/dev/null || true
	wait $p 2>/dev/null || true
	sleep 1
	local s
	s=$(lswpar -c -q -a state km)
	case "$s" in
	A) ok stopwpar km ;;
	B) ok stopwpar -F km ;;
	D) ;;
	*) fail "after a killed startwpar: $s" ;;
	esac
	ok lswpar -c -q -a state km
	[ "$OUT" = D ] || fail "not recovered: $OUT"
	ok startwpar km
	ok stopwpar km
}

test_autostart() {
	ok mkwpar -n auto1 -A
	ok mkwpar -n manual1
	local bin
	bin=$(dirname "$(command -v startwpar)")
	"$bin/wpar-autostart" run >"$T/autostart.log" 2>&1 &
	local p=$!
	wait_state auto1 A 20
	ok lswpar -c -q -a state manual1
	[ "$OUT" = D ] || fail "a WPAR without -A was started"
	kill -TERM $p
	wait $p || fail "wpar-autostart run failed: $(cat "$T/autostart.log")"
	ok lswpar -c -q -a state auto1
	[ "$OUT" = D ] || fail "host shutdown left auto1 $OUT"
	assert_released auto1
}

test_detached_wpar_runs() {
	ok mkwpar -n detrun -l
	ok startwpar detrun
	inside detrun sh -c 'touch /usr/local/detached-ok' || fail "private /usr not writable"
	[ ! -e /usr/local/detached-ok ] || fail "the host's /usr changed"
	ok stopwpar detrun
	ok rmwpar detrun
}
