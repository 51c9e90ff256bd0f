#!/usr/bin/env bash
# Runs the integration tests: every function named test_* in
# tests/integration/test_*.sh, each in a subshell with its own environment
# (see lib.sh), and prints "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${WPAR_BIN:=$here/../../build/src/cmd}"
export WPAR_BIN=$(cd "$WPAR_BIN" && pwd)
# CI runs without a login shell: script(1) and friends then use /bin/sh,
# which does not exec a lone command.  Every run does the same.
export SHELL=/bin/sh
passed=0
failed=0
for file in "$here"/test_*.sh; do
	tests=$(bash -c "source '$here/lib.sh'; source '$file'; declare -F" |
		awk '{print $3}' | grep '^test_' )
	for t in $tests; do
		if [ -n "${WPAR_TEST_ONLY:-}" ] && ! echo "$t" | grep -qE "$WPAR_TEST_ONLY"; then
			continue
		fi
		start=$(date +%s%N)
		log=$(
			(
				source "$here/lib.sh"
				source "$file"
				new_env
				trap cleanup EXIT
				set -e
				"$t"
			) 2>&1
		)
		rc=$?
		ms=$((($(date +%s%N) - start) / 1000000))
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1))
			printf '  ok   %-50s %6d ms\n' "$(basename "$file" .sh):$t" "$ms"
		else
			failed=$((failed + 1))
			printf '  FAIL %-50s %6d ms\n' "$(basename "$file" .sh):$t" "$ms"
			echo "$log" | sed 's/^/      /'
		fi
	done
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
