#!/usr/bin/env bash
# install-deps.sh - install everything needed to build, run, test and
# benchmark Workload Partitions for Linux on a Debian host (Debian 12 and
# later).  Idempotent: a rerun with everything present does not touch apt and
# finishes in well under a second plus the time of `criu check`.
#
# Usage (as root, no stdin needed):
#   scripts/install-deps.sh
#
# Environment:
#   WPAR_SKIP_CRIU=1        skip the CRIU part entirely
#   WPAR_DEBIAN_MIRROR=URL  Debian mirror for the trixie source download
#                           (default: derived from the host's apt sources)
#   WPAR_BUILD_CACHE=DIR    build cache (default /var/cache/wpar-build)
#
# CRIU: a criu >= 4 in PATH that passes `criu check` is used as is.
# Otherwise CRIU 4.1.1 is built from Debian trixie's
# criu_4.1.1.orig.tar.xz (sha256 checked) and installed under /usr/local:
#   /usr/local/sbin/criu, /usr/local/lib/libcriu.so*, libcriu.a,
#   /usr/local/include/criu/{criu.h,rpc.pb-c.h,rpc.proto,version.h},
#   /usr/local/lib/pkgconfig/criu.pc.
# The host's own apt sources are never modified: the source download uses a
# private, temporary apt source list and list directory.

set -Eeuo pipefail

# --- configuration ---------------------------------------------------------

# Build toolchain and the -dev packages the project links against.
BUILD_PKGS=(
	build-essential meson ninja-build pkg-config clang-format
	uuid-dev libseccomp-dev libcap-dev
	libnl-3-dev libnl-route-3-dev libmnl-dev
	libarchive-dev libzstd-dev libjansson-dev
	libmicrohttpd-dev libgnutls28-dev libcurl4-gnutls-dev
	libsqlite3-dev libpq-dev libpam0g-dev
)

# Tools the WPAR commands call at run time (file systems, network, nspawn
# for systemd-nspawn, uid maps for user namespaces), and openssh-server:
# a system WPAR's boot script starts the host's sshd inside the WPAR (remote
# login, as AIX WPARs have); where a policy-rc.d forbids it, the host's own
# sshd is not started by the installation.
RUNTIME_PKGS=(
	sqlite3 e2fsprogs xfsprogs btrfs-progs util-linux iproute2 nftables
	systemd-container uidmap openssh-server
)

# Unit tests (cmocka; a private dbus-daemon and a stand-in for systemd's
# manager in Python for the cgroup code under systemd), debugging, and the
# benchmark comparison runtimes.
TEST_BENCH_PKGS=(
	libcmocka-dev strace hyperfine lxc bubblewrap runc procps jq bsdutils
	dbus-daemon python3-dbus python3-gi
)

# Needed to build CRIU 4.1.1 (`make criu` and libcriu); only installed when
# CRIU is built here.  They also pull in the shared libraries criu links to.
# libprotobuf-dev provides /usr/include/google/protobuf/descriptor.proto,
# which CRIU's images/google/protobuf/descriptor.proto symlinks to.
CRIU_BUILD_PKGS=(
	build-essential pkg-config python3-protobuf patch
	libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev libnl-3-dev libnet1-dev
	libcap-dev libbsd-dev libgnutls28-dev libnftables-dev uuid-dev
)

CRIU_VERSION=4.1.1
CRIU_TARBALL=criu_${CRIU_VERSION}.orig.tar.xz
CRIU_SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
CRIU_SOURCE_SUITE=trixie
CACHE_ROOT=${WPAR_BUILD_CACHE:-/var/cache/wpar-build}
CRIU_CACHE=$CACHE_ROOT/criu-$CRIU_VERSION
CRIU_STAMP=$CRIU_CACHE/.installed
# The project's own patches to CRIU (scripts/criu-patches/*.patch, applied
# in order after extraction): fixes CRIU 4.1.1 needs on current kernels.
# Their hash is part of the build stamp, so a changed patch rebuilds.
CRIU_PATCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/criu-patches
CRIU_PATCH_ID=$(cat "$CRIU_PATCH_DIR"/*.patch 2>/dev/null | sha256sum | cut -c1-16)
PREFIX=/usr/local

APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
export DEBIAN_FRONTEND=noninteractive
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}
export LC_ALL=C

# --- helpers -----------------------------------------------------------------

log() { printf 'install-deps: %s\n' "$*"; }
warn() { printf 'install-deps: warning: %s\n' "$*" >&2; }
die() {
	printf 'install-deps: error: %s\n' "$*" >&2
	exit 1
}
CLEANUP_DIRS=()
cleanup() { ((${#CLEANUP_DIRS[@]} == 0)) || rm -rf "${CLEANUP_DIRS[@]}"; }
trap cleanup EXIT
trap 'rc=$?; printf "install-deps: error: command failed (exit %d) at line %d: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

# Print the packages of "$@" that are not fully installed, one per line.
missing_packages() {
	local -A ok=()
	local name status
	while IFS=$'\t' read -r name status; do
		[[ $status == ii* ]] && ok[$name]=1
	done < <(dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\n' "$@" 2>/dev/null || true)
	local p
	for p in "$@"; do
		[[ -n ${ok[$p]:-} ]] || printf '%s\n' "$p"
	done | sort -u
}

APT_UPDATED=0
apt_update() {
	((APT_UPDATED)) && return 0
	log "running apt-get update"
	local out tries=0
	# The lists lock is not covered by DPkg::Lock::Timeout: wait for a
	# concurrent apt run ourselves (up to 10 minutes).
	until out=$(apt-get "${APT_OPTS[@]}" -q update </dev/null 2>&1); do
		if grep -qiE 'could not get lock|unable to lock' <<<"$out" && ((tries++ < 200)); then
			((tries == 1)) && log "apt lists are locked by another process, waiting"
			sleep 3
			continue
		fi
		printf '%s\n' "$out" >&2
		die "apt-get update failed"
	done
	grep -E '^(W|E):' <<<"$out" >&2 || true
	APT_UPDATED=1
}

apt_install_cmd() {
	apt-get "${APT_OPTS[@]}" -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		install "$@" </dev/null
}

# Install the packages of "$@" that are missing; no apt call if none is.
ensure_packages() {
	local -a missing
	mapfile -t missing < <(missing_packages "$@")
	if ((${#missing[@]} == 0)); then
		log "all $# packages already installed"
		return 0
	fi
	log "installing ${#missing[@]} packages: ${missing[*]}"
	# Refresh the package lists first only if apt cannot resolve the
	# packages with the lists it has.
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null ||
		! apt-get -s -qq install "${missing[@]}" </dev/null >/dev/null 2>&1; then
		apt_update
	fi
	if ! apt_install_cmd "${missing[@]}"; then
		((APT_UPDATED)) && die "apt-get install failed for: ${missing[*]}"
		warn "apt-get install failed; refreshing package lists and retrying"
		apt_update
		apt_install_cmd "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
	fi
	mapfile -t missing < <(missing_packages "$@")
	((${#missing[@]} == 0)) || die "still not installed after apt-get: ${missing[*]}"
}

# Version of the criu binary $1 (e.g. 4.1.1), empty if unknown.
criu_version_of() {
	"$1" --version 2>/dev/null | awk '/^Version:/ { print $2; exit }'
}

# Run `criu check` with binary $1, print its output; return its status.
criu_check() {
	local out rc=0
	out=$("$1" check 2>&1) || rc=$?
	while IFS= read -r line; do
		log "  criu check: $line"
	done <<<"$out"
	return "$rc"
}

# The Debian mirror URL the host's own apt sources use for its release.
host_debian_mirror() {
	if [[ -n ${WPAR_DEBIAN_MIRROR:-} ]]; then
		printf '%s\n' "${WPAR_DEBIAN_MIRROR%/}"
		return 0
	fi
	local codename="" f
	# shellcheck disable=SC1091
	codename=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}") || true
	local -a one_line=() deb822=()
	[[ -r /etc/apt/sources.list ]] && one_line+=(/etc/apt/sources.list)
	for f in /etc/apt/sources.list.d/*.list; do [[ -r $f ]] && one_line+=("$f"); done
	for f in /etc/apt/sources.list.d/*.sources; do [[ -r $f ]] && deb822+=("$f"); done
	# Candidates as "<rank> <uri>": rank 0 = a plain "<codename>" suite of a
	# */debian archive, 1 = any */debian archive.
	{
		((${#one_line[@]} == 0)) || awk -v c="$codename" '
			/^[ \t]*#/ { next }
			$1 == "deb" || $1 == "deb-src" {
				i = 2
				if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				uri = $i; suite = $(i + 1); sub(/\/+$/, "", uri)
				if (uri !~ /\/debian$/) next
				print ((suite == c) ? 0 : 1), uri
			}' "${one_line[@]}"
		((${#deb822[@]} == 0)) || awk -v c="$codename" '
			BEGIN { RS = "" }
			{
				n = split($0, lines, "\n"); types = ""; uris = ""; suites = ""; enabled = "yes"
				for (j = 1; j <= n; j++) {
					l = lines[j]
					if (l ~ /^[ \t]*#/) continue
					k = index(l, ":"); if (!k) continue
					key = tolower(substr(l, 1, k - 1)); val = substr(l, k + 1)
					if (key == "types") types = val
					else if (key == "uris") uris = val
					else if (key == "suites") suites = val
					else if (key == "enabled") enabled = tolower(val)
				}
				if (enabled ~ /no/ || types !~ /deb/) next
				hit = 0; ns = split(suites, s, /[ \t]+/)
				for (j = 1; j <= ns; j++) if (s[j] == c) hit = 1
				nu = split(uris, u, /[ \t]+/)
				for (j = 1; j <= nu; j++) {
					if (u[j] == "") continue
					sub(/\/+$/, "", u[j])
					if (u[j] ~ /\/debian$/) print (hit ? 0 : 1), u[j]
				}
			}' "${deb822[@]}"
	} | sort -s -k1,1n | awk 'NR == 1 { print $2 }'
}

sha256_ok() {
	[[ -f $1 ]] && [[ $(sha256sum "$1" | awk '{ print $1 }') == "$CRIU_SHA256" ]]
}

# Fetch criu_4.1.1.orig.tar.xz into $CRIU_CACHE with a private apt setup.
fetch_criu_source() {
	local dest=$CRIU_CACHE/$CRIU_TARBALL
	if sha256_ok "$dest"; then
		log "CRIU source tarball cached: $dest"
		return 0
	fi
	local mirror
	mirror=$(host_debian_mirror)
	[[ -n $mirror ]] || die "cannot derive a Debian mirror from /etc/apt/sources.list{,.d/*}; set WPAR_DEBIAN_MIRROR"
	log "fetching $CRIU_TARBALL from $mirror ($CRIU_SOURCE_SUITE, private apt config)"
	local tmp
	tmp=$(mktemp -d /tmp/wpar-apt.XXXXXX)
	CLEANUP_DIRS+=("$tmp")
	chmod 755 "$tmp"
	mkdir -p "$tmp/parts" "$tmp/lists/partial" "$tmp/dl"
	printf 'deb-src %s %s main\n' "$mirror" "$CRIU_SOURCE_SUITE" >"$tmp/sources.list"
	# The download sandbox user must be able to write the download dir.
	id _apt >/dev/null 2>&1 && chown _apt "$tmp/dl"
	local -a papt=(
		-o Dir::Etc::SourceList="$tmp/sources.list"
		-o Dir::Etc::SourceParts="$tmp/parts"
		-o Dir::State::Lists="$tmp/lists"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		-o Acquire::Languages=none
	)
	apt-get "${papt[@]}" -q update </dev/null >"$tmp/update.log" 2>&1 ||
		{ cat "$tmp/update.log" >&2; die "private apt-get update for $mirror $CRIU_SOURCE_SUITE failed"; }
	# apt reports 404 for the .dsc/.debian.tar.xz on these mirrors; only
	# the .orig tarball matters, and its checksum is verified below.
	(cd "$tmp/dl" && apt-get "${papt[@]}" -q source --download-only criu </dev/null >"$tmp/source.log" 2>&1) ||
		log "apt-get source reported errors (expected for the .dsc/.debian parts); checking the tarball"
	if [[ ! -f $tmp/dl/$CRIU_TARBALL ]]; then
		cat "$tmp/source.log" >&2
		die "$CRIU_TARBALL was not downloaded from $mirror $CRIU_SOURCE_SUITE (is criu $CRIU_VERSION still in $CRIU_SOURCE_SUITE?)"
	fi
	sha256_ok "$tmp/dl/$CRIU_TARBALL" ||
		die "$CRIU_TARBALL sha256 mismatch: got $(sha256sum "$tmp/dl/$CRIU_TARBALL" | awk '{print $1}'), want $CRIU_SHA256"
	mv -f "$tmp/dl/$CRIU_TARBALL" "$dest"
	log "sha256 verified: $dest"
}

build_and_install_criu() {
	mkdir -p "$CRIU_CACHE"
	fetch_criu_source
	local src=$CRIU_CACHE/src/criu-$CRIU_VERSION
	if [[ ! -f $CRIU_CACHE/src/.extracted || $(<"$CRIU_CACHE/src/.extracted") != "$CRIU_PATCH_ID" ]]; then
		log "extracting $CRIU_TARBALL"
		rm -rf "$CRIU_CACHE/src"
		mkdir -p "$CRIU_CACHE/src"
		tar -C "$CRIU_CACHE/src" -xf "$CRIU_CACHE/$CRIU_TARBALL"
		[[ -f $src/Makefile ]] || die "unexpected tarball layout: no $src/Makefile"
		local patch
		for patch in "$CRIU_PATCH_DIR"/*.patch; do
			[[ -f $patch ]] || continue
			log "applying $(basename "$patch")"
			patch -d "$src" -p1 --quiet <"$patch" || die "$(basename "$patch") does not apply to CRIU $CRIU_VERSION"
		done
		echo "$CRIU_PATCH_ID" >"$CRIU_CACHE/src/.extracted"
	fi

	local buildlog=$CRIU_CACHE/build.log start=$SECONDS
	log "building CRIU $CRIU_VERSION in $src (make -j2 criu + libcriu; log: $buildlog)"
	# `lib` would also build the python bindings (needs protoc); only the C
	# library is wanted: lib/c/libcriu.so and lib/c/libcriu.a.
	if ! make -C "$src" -j2 criu lib/c/libcriu.so lib/c/libcriu.a >"$buildlog" 2>&1; then
		tail -n 40 "$buildlog" >&2
		die "CRIU build failed (full log: $buildlog)"
	fi
	log "CRIU build done in $((SECONDS - start)) s"

	local sover_major sover_minor
	sover_major=$(awk '$1 == "CRIU_SO_VERSION_MAJOR" { print $3 }' "$src/Makefile.versions")
	sover_minor=$(awk '$1 == "CRIU_SO_VERSION_MINOR" { print $3 }' "$src/Makefile.versions")
	[[ -n $sover_major && -n $sover_minor ]] || die "cannot read libcriu soname version from Makefile.versions"

	log "installing criu and libcriu under $PREFIX"
	install -D -m 755 "$src/criu/criu" "$PREFIX/sbin/criu"
	install -d "$PREFIX/lib" "$PREFIX/include/criu" "$PREFIX/lib/pkgconfig"
	local so=libcriu.so.$sover_major.$sover_minor
	install -m 755 "$src/lib/c/libcriu.so" "$PREFIX/lib/$so"
	ln -sfn "$so" "$PREFIX/lib/libcriu.so.$sover_major"
	ln -sfn "$so" "$PREFIX/lib/libcriu.so"
	install -m 644 "$src/lib/c/libcriu.a" "$PREFIX/lib/libcriu.a"
	install -m 644 "$src/lib/c/criu.h" "$src/images/rpc.proto" "$src/images/rpc.pb-c.h" \
		"$src/criu/include/version.h" "$PREFIX/include/criu/"
	# Same layout as CRIU's own `make install-lib`: Cflags point into
	# include/criu because criu.h includes "rpc.pb-c.h" and "version.h".
	sed -e "s,@version@,$CRIU_VERSION," -e "s,@libdir@,$PREFIX/lib," \
		-e "s,@includedir@,$PREFIX/include/criu/," \
		"$src/lib/c/criu.pc.in" >"$PREFIX/lib/pkgconfig/criu.pc"
	chmod 644 "$PREFIX/lib/pkgconfig/criu.pc"
	ldconfig
}

criu_installed_from_cache() {
	[[ -f $CRIU_STAMP ]] && [[ $(<"$CRIU_STAMP") == "$CRIU_VERSION $CRIU_SHA256 $CRIU_PATCH_ID" ]] &&
		[[ -x $PREFIX/sbin/criu && -e $PREFIX/lib/libcriu.so && -f $PREFIX/include/criu/criu.h &&
			-f $PREFIX/include/criu/rpc.pb-c.h && -f $PREFIX/lib/pkgconfig/criu.pc ]]
}

# Decide how CRIU is provided: "skip", "cached" (our build, installed),
# "system" (a criu >= 4 in PATH that passes `criu check`) or "build".
criu_mode() {
	if [[ ${WPAR_SKIP_CRIU:-0} == 1 ]]; then
		echo skip
		return
	fi
	if criu_installed_from_cache; then
		echo cached
		return
	fi
	local bin ver
	bin=$(command -v criu 2>/dev/null) || true
	if [[ -n $bin && $bin != "$PREFIX/sbin/criu" ]]; then
		ver=$(criu_version_of "$bin")
		if [[ -n $ver && ${ver%%.*} =~ ^[0-9]+$ ]] && ((${ver%%.*} >= 4)) &&
			"$bin" check >/dev/null 2>&1; then
			echo system
			return
		fi
	fi
	echo build
}

# --- main --------------------------------------------------------------------

main() {
	((EUID == 0)) || die "must run as root"
	{ command -v dpkg-query && command -v apt-get; } >/dev/null ||
		die "this script needs a Debian-based host (dpkg/apt-get not found)"

	local mode
	mode=$(criu_mode)

	local -a pkgs=("${BUILD_PKGS[@]}" "${RUNTIME_PKGS[@]}" "${TEST_BENCH_PKGS[@]}")
	# Our own CRIU build links against the libraries these pull in.
	[[ $mode == build || $mode == cached ]] && pkgs+=("${CRIU_BUILD_PKGS[@]}")
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
	ensure_packages "${pkgs[@]}"

	local criu_bin ver
	case $mode in
	skip)
		log "WPAR_SKIP_CRIU=1: skipping CRIU"
		return 0
		;;
	system)
		criu_bin=$(command -v criu)
		log "using the installed $criu_bin ($(criu_version_of "$criu_bin"))"
		pkg-config --exists criu 2>/dev/null ||
			warn "libcriu (pkg-config criu) not found; install the distribution's libcriu-dev to build CRIU support"
		;;
	cached)
		criu_bin=$PREFIX/sbin/criu
		log "CRIU $CRIU_VERSION already built and installed (stamp $CRIU_STAMP)"
		;;
	build)
		if [[ $(command -v criu 2>/dev/null) == "$PREFIX/sbin/criu" ]]; then
			log "$PREFIX/sbin/criu has no valid build stamp ($CRIU_STAMP); rebuilding CRIU $CRIU_VERSION"
		elif command -v criu >/dev/null 2>&1; then
			log "criu in PATH ($(command -v criu), version $(criu_version_of "$(command -v criu)")) is older than 4 or fails 'criu check'; building $CRIU_VERSION"
		else
			log "no criu in PATH; building CRIU $CRIU_VERSION"
		fi
		mkdir -p "$CACHE_ROOT"
		exec 9>"$CACHE_ROOT/.lock"
		flock 9
		rm -f "$CRIU_STAMP"
		build_and_install_criu
		criu_bin=$PREFIX/sbin/criu
		;;
	esac

	ver=$(criu_version_of "$criu_bin")
	log "criu --version: ${ver:-unknown}"
	if [[ $mode != system && $ver != "$CRIU_VERSION" ]]; then
		die "$criu_bin reports version '${ver:-unknown}', expected $CRIU_VERSION"
	fi
	[[ $(command -v criu) == "$criu_bin" ]] ||
		warn "'criu' in PATH is $(command -v criu), not $criu_bin"
	log "running $criu_bin check"
	criu_check "$criu_bin" || die "'criu check' failed; this kernel cannot run CRIU $ver (output above)"
	if [[ $mode == build ]]; then
		printf '%s %s %s\n' "$CRIU_VERSION" "$CRIU_SHA256" "$CRIU_PATCH_ID" >"$CRIU_STAMP"
		log "wrote stamp $CRIU_STAMP"
	fi
	log "done"
}

main "$@"
