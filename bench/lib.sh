# shellcheck shell=bash
# Timing helpers shared by the benchmarks: samples per key, medians, and a
# result row with the ratio of two medians.

declare -A samples

# Times one command (seconds, microsecond resolution) into samples[$1].
timeit() {
	local key=$1
	shift
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	local t1=$EPOCHREALTIME
	samples[$key]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
}

median_ms() {
	echo "${samples[$1]}" | tr ' ' '\n' | grep . | sort -g |
		awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }'
}

# row WIDTH LABEL KEY-A KEY-B: medians of A and B and their ratio.
row() {
	local a b
	a=$(median_ms "$3")
	b=$(median_ms "$4")
	printf "%-${1}s %12s %12s %8s\n" "$2" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
}

# --- shared set-up (bench/exec.sh, bench/run.sh) ----------------------------

# bench_need_pkgs PKG...: installs the Debian packages that are missing.
bench_need_pkgs() {
	local pkg missing=()
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} = 0 ] && return 0
	echo "bench: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# bench_build TOP: configures and builds the project (WPAR_BENCH_NO_BUILD=1
# uses the build directory as it is).
bench_build() {
	[ "${WPAR_BENCH_NO_BUILD:-}" = 1 ] && return 0
	[ -f "$1/build/build.ninja" ] || meson setup "$1/build" >/dev/null
	ninja -C "$1/build" >/dev/null
}

# bench_wpar_env DIR: every WPAR directory under DIR, and a cgroup parent
# of this run's own (removed by bench_cgroup_cleanup).
bench_wpar_env() {
	export WPAR_CONFDIR=$1/etc/wpars WPAR_STATEDIR=$1/var/lib/wpar WPAR_RUNDIR=$1/run/wpar
	export WPAR_BASEDIR=$1/wpars WPAR_LOGDIR=$1/log WPAR_CGROUP_PARENT=wpar-bench-$$
}

# bench_cgroup_cleanup: removes the cgroup parent of bench_wpar_env and
# everything below it, in every hierarchy (v1 and v2).
bench_cgroup_cleanup() {
	local g
	for g in /sys/fs/cgroup/"$WPAR_CGROUP_PARENT" /sys/fs/cgroup/*/"$WPAR_CGROUP_PARENT"; do
		[ -d "$g" ] && find "$g" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# bench_lxc_config LXCPATH NAME ROOTFS INIT [LINES]: an LXC system
# container as the benchmarks compare WPARs with: ROOTFS (a WPAR's root)
# with the host's /usr and /opt bound in read-only, its own /proc and a
# read-only /sys, INIT as PID 1, LINES (network, ids, ...) added.
bench_lxc_config() {
	mkdir -p "$1/$2"
	cat >"$1/$2/config" <<EOC
lxc.uts.name = $2
lxc.rootfs.path = dir:$3
lxc.mount.entry = /usr usr none bind,ro 0 0
lxc.mount.entry = /opt opt none bind,ro 0 0
lxc.mount.auto = proc:mixed sys:ro
lxc.init.cmd = $4
lxc.autodev = 1
lxc.pty.max = 16
${5:-}
EOC
}

# spawntime_build DIR: compiles bench/spawntime.c into DIR/spawntime.
spawntime_build() {
	local src
	src=$(dirname "${BASH_SOURCE[0]}")/spawntime.c
	cc -O2 -Wall -o "$1/spawntime" "$src"
}

# spawntime_load FILE: reads spawntime's output into st_med, st_p10 and
# st_p90 (milliseconds, keyed by label).
# shellcheck disable=SC2034 # read by the scripts that source this file
declare -A st_med st_p10 st_p90
spawntime_load() {
	local label med p10 p90 rest
	# shellcheck disable=SC2034
	while read -r label med p10 p90 rest; do
		case $label in '#'* | '') continue ;; esac
		st_med[$label]=$med st_p10[$label]=$p10 st_p90[$label]=$p90
	done <"$1"
}

# ratio A B: A / B to two decimals, "-" when either is missing.
ratio() {
	if [ -z "${1:-}" ] || [ -z "${2:-}" ]; then
		echo -
		return
	fi
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}
