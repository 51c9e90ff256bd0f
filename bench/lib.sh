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
