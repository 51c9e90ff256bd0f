#!/usr/bin/env bash
# The main job, on a fresh Debian host as root: install what the project
# needs, build and install the commands, create a demo system WPAR (and
# start it, once startwpar exists), show it with lswpar, and run one
# command in an application WPAR.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
name=${WPAR_DEMO_NAME:-demo}

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root" >&2
	exit 1
fi

scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build --werror
ninja -C build
meson install -C build --quiet
export PATH=/usr/local/sbin:$PATH

if lswpar -q "$name" >/dev/null 2>&1; then
	echo "demo.sh: workload partition $name already exists"
else
	mkwpar -n "$name" -r
fi
if command -v startwpar >/dev/null 2>&1; then
	state=$(lswpar -c -q -a state "$name")
	[ "$state" = A ] || startwpar -v "$name"
fi
echo
lswpar
echo
lswpar -L "$name"
echo
echo "An application WPAR: one command in its own namespaces and cgroup"
wparexec -n demo-app -- sh -c 'echo "inside $(hostname): $(ps -e | wc -l) processes, $(($(wc -l </proc/net/dev) - 2)) network interface(s)"'
