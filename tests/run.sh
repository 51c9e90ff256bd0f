#!/usr/bin/env bash
# Runs every test of the project, as root on a Debian host:
#   1. installs the dependencies (scripts/install-deps.sh, idempotent),
#   2. builds with -Werror and runs the cmocka unit tests and fuzz-corpus
#      replays,
#   3. builds again with ASan/UBSan and runs the same unit tests,
#   4. runs the integration tests (tests/integration/) against the built
#      commands on the real host, each in its own throw-away directories,
#   5. runs the isolation battery (tests/isolation/) in its three modes
#      (default, bpf, userns): escape attempts as
#      root inside a system and an application WPAR,
# and ends with one line "N passed, N failed".
#
# Environment: WPAR_TEST_ONLY=<regex> runs only matching integration tests
# and isolation attempts;
# WPAR_SKIP_ASAN=1 skips step 3; WPAR_SKIP_DEPS=1 skips step 1.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: run the tests as root (they create real mounts, loop devices and namespaces)" >&2
	exit 1
fi

passed=0
failed=0
failures=()

if [ "${WPAR_SKIP_DEPS:-0}" != 1 ]; then
	scripts/install-deps.sh || { echo "tests/run.sh: installing the dependencies failed" >&2; exit 1; }
fi

# Counts a meson test run from its JSON log: one test executable = one test.
count_meson() { # builddir label
	local log=$1/meson-logs/testlog.json
	[ -f "$log" ] || { failed=$((failed + 1)); failures+=("$2: no test log"); return; }
	local ok bad
	ok=$(grep -c '"result": "OK"' "$log")
	bad=$(grep -vc '"result": "OK"' "$log")
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -gt 0 ]; then
		while read -r name; do failures+=("$2: $name"); done < <(
			python3 -c 'import json,sys
for l in open(sys.argv[1]):
    t=json.loads(l)
    if t["result"]!="OK": print(t["name"])' "$log")
		# What a failing test printed is the only clue CI keeps.
		python3 -c 'import json,sys
for l in open(sys.argv[1]):
    t=json.loads(l)
    if t["result"]=="OK": continue
    print("---- %s: %s after %.1f s, its last output:" % (t["name"], t["result"], t["duration"]))
    out=(t.get("stdout") or "") + (t.get("stderr") or "")
    for line in out.splitlines()[-60:]: print("   | " + line)' "$log"
	fi
}

build() { # builddir [meson args...]
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" --werror "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

echo "== build (-Werror)"
if ! build build; then
	echo "tests/run.sh: the build failed" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

echo "== clang-format"
if clang-format --dry-run --Werror $(git ls-files '*.c' '*.h' 2>/dev/null || find src tests -name '*.[ch]') >/dev/null 2>&1; then
	passed=$((passed + 1))
	echo "  ok   every C file is clang-formatted"
else
	failed=$((failed + 1))
	failures+=("clang-format: run clang-format -i on the files it lists")
	echo "  FAIL clang-format --dry-run reports differences"
fi

echo "== unit tests"
meson test -C build --suite unit --print-errorlogs >/dev/null 2>&1
count_meson build unit
grep -h '"name"' build/meson-logs/testlog.json | python3 -c '
import json,sys
for l in sys.stdin:
    t=json.loads(l); print("  %-4s %s" % ("ok" if t["result"]=="OK" else "FAIL", t["name"]))'

if [ "${WPAR_SKIP_ASAN:-0}" != 1 ]; then
	echo "== unit tests under ASan/UBSan"
	if build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C build-asan --suite unit --print-errorlogs >/dev/null 2>&1
		count_meson build-asan asan
		echo "  $(grep -c '"result": "OK"' build-asan/meson-logs/testlog.json) ok under sanitizers"
	else
		failed=$((failed + 1))
		failures+=("asan: build failed")
	fi
fi

# run_counted LABEL COMMAND...: runs a runner that ends with "N passed, N
# failed", shows its output, and adds its counts.
run_counted() {
	local label=$1 out line nf
	shift
	out=$(mktemp)
	"$@" | tee "$out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	rm -f "$out"
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failures+=("$label: the runner did not finish")
		return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	nf=$(echo "$line" | cut -d' ' -f3)
	failed=$((failed + nf))
	[ "$nf" -gt 0 ] && failures+=("$label: $nf failed (see above)")
}

echo "== integration tests"
run_counted integration env WPAR_BIN="$top/build/src/cmd" bash tests/integration/run.sh

# The battery in every mode this host supports: the default set-up, the
# device filter as a cgroup v2 BPF program, and system WPARs with a user
# namespace of their own.
for iso_mode in default bpf userns; do
	run_counted "isolation ($iso_mode)" env WPAR_ISO_MODE=$iso_mode \
		WPAR_BIN="$top/build/src/cmd" \
		WPAR_ISO_PROBE="$top/build/tests/isolation/wpar-iso-probe" bash tests/isolation/run.sh
done

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
