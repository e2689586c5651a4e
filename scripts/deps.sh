#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything vfmdev needs from Debian's packages, idempotently.
#
#  - the newest Linux 6.12 image, headers and source that the configured
#    suites offer, all three at one version;
#  - QEMU 10 from bookworm-backports (the suite entry is derived from the
#    machine's existing Debian apt source, never written with a host name);
#  - QEMU 7.2 from bookworm, extracted beside it as the migration v1 client;
#  - build and rig tools;
#  - the operators' tools that make test proves vfmdev with: dkms (on the
#    host, scripts/dkms-test.sh), mdevctl and libvirt (run in the rig from
#    the host's root, selftests/ops/);
#  - kernel test helpers (kselftest headers, checkpatch) extracted from the
#    linux-source tarball into the cache.
#
# Fast when everything is present: no network, a few seconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mkdir -p "$VFMDEV_CACHE"
stamp="$VFMDEV_CACHE/deps.stamp"
cfg="$VFMDEV_CACHE/kernel.env"

tools_pkgs=(build-essential sparse busybox-static kmod cpio xz-utils zstd gzip
	    bc bison flex libelf-dev libssl-dev dwarves rsync python3 perl
	    uuid-runtime ccache iproute2 pciutils patch
	    dkms mdevctl libvirt-daemon-system libvirt-clients)

# Fast path: the stamp records what was installed; if every piece is still
# there, do nothing.
if [ -f "$stamp" ] && [ -f "$cfg" ]; then
	. "$cfg"
	if [ -f "/boot/vmlinuz-$KREL" ] && [ -d "/usr/src/linux-headers-$KREL" ] &&
	   [ -f "$KSRC_TARBALL" ] && [ -x /usr/bin/qemu-system-x86_64 ] &&
	   [ -x "$VFMDEV_CACHE/qemu-7.2/usr/bin/qemu-system-x86_64" ] &&
	   [ -f "$VFMDEV_CACHE/ksrc-$KVER/tools/testing/selftests/kselftest_harness.h" ] &&
	   [ -f "$VFMDEV_CACHE/ksrc-$KVER/scripts/checkpatch.pl" ] &&
	   [ "$(dpkg-query -W -f='${Status}\n' "${tools_pkgs[@]}" 2>/dev/null |
		grep -c 'install ok installed')" -eq "${#tools_pkgs[@]}" ]; then
		log "deps: up to date (kernel $KREL, $(qemu_version))"
		exit 0
	fi
fi

export DEBIAN_FRONTEND=noninteractive

# Add bookworm-backports by copying the machine's Debian entry (URIs,
# Signed-By) and changing only the suite.
add_backports() {
	local out=/etc/apt/sources.list.d/vfmdev-backports.sources
	[ -f "$out" ] && return 0
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	local src uris signed
	for src in /etc/apt/sources.list.d/*.sources; do
		[ -f "$src" ] || continue
		# First deb822 stanza carrying the plain "bookworm" suite.
		uris=$(awk -v RS= '/(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ {
			if (match($0, /URIs:[^\n]*/)) { print substr($0, RSTART + 6, RLENGTH - 6); exit } }' "$src")
		signed=$(awk -v RS= '/(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ {
			if (match($0, /Signed-By:[^\n]*/)) { print substr($0, RSTART + 11, RLENGTH - 11); exit } }' "$src")
		[ -n "$uris" ] && break
	done
	if [ -z "${uris:-}" ] && [ -f /etc/apt/sources.list ]; then
		uris=$(awk '$1 == "deb" && $3 == "bookworm" { print ($2 ~ /^\[/) ? $3 : $2; exit }' /etc/apt/sources.list)
		uris=$(awk '$1 == "deb" && $0 ~ / bookworm / {
			for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)
	fi
	[ -n "${uris:-}" ] || die "deps: no Debian 'bookworm' apt source to derive bookworm-backports from"
	uris=$(echo "$uris" | xargs)
	{
		echo "# Added by vfmdev scripts/deps.sh: derived from the machine's bookworm entry."
		echo "Types: deb"
		echo "URIs: $uris"
		echo "Suites: bookworm-backports"
		echo "Components: main"
		[ -n "${signed:-}" ] && echo "Signed-By: $(echo "$signed" | xargs)"
	} > "$out"
	log "deps: added bookworm-backports ($out)"
}

add_backports
log "deps: apt-get update"
apt-get update -qq

# Pick the newest linux-source-6.12 version whose image and headers exist at
# the same version.
pick_kernel() {
	local v up krel
	for v in $(apt-cache madison linux-source-6.12 | awk '{print $3}' | sort -V -r); do
		up=${v%%-*}
		krel="$up+deb12-amd64"
		if apt-cache madison "linux-image-$krel" 2>/dev/null | awk '{print $3}' | grep -qx "$v" &&
		   apt-cache madison "linux-headers-$krel" 2>/dev/null | awk '{print $3}' | grep -qx "$v"; then
			echo "$v $up $krel"
			return 0
		fi
	done
	return 1
}
read -r KPKGVER KVER KREL < <(pick_kernel) ||
	die "deps: no linux 6.12 image/headers/source at one version in the apt suites"
log "deps: kernel $KREL (package $KPKGVER)"

qemu10=$(apt-cache madison qemu-system-x86 | awk '{print $3}' | grep -E '^1:10\.' | sort -V | tail -n 1)
[ -n "$qemu10" ] || die "deps: no QEMU 10 in the apt suites (bookworm-backports missing?)"
# Newest 7.2 of each package on its own: arch-all qemu-system-data carries no
# binNMU suffix (+bN) that the amd64 packages may have.
qemu72_of() {
	apt-cache madison "$1" | awk '{print $3}' | grep -E '^1:7\.2' | sort -V | tail -n 1
}
qemu72=$(qemu72_of qemu-system-x86)
qemu72c=$(qemu72_of qemu-system-common)
qemu72d=$(qemu72_of qemu-system-data)
[ -n "$qemu72" ] && [ -n "$qemu72c" ] && [ -n "$qemu72d" ] ||
	die "deps: no QEMU 7.2 in the apt suites"

apt-get install -y -qq --no-install-recommends \
	"linux-image-$KREL=$KPKGVER" "linux-headers-$KREL=$KPKGVER" \
	"linux-source-6.12=$KPKGVER" "${tools_pkgs[@]}" >/dev/null
# QEMU 10 and what it needs at its versions (seabios, common, data) come from
# bookworm-backports as one set.
apt-get install -y -qq --no-install-recommends -t bookworm-backports \
	"qemu-system-x86=$qemu10" >/dev/null

# QEMU 7.2 beside QEMU 10: extracted .debs, run with -L for its firmware.
q72="$VFMDEV_CACHE/qemu-7.2"
if [ ! -x "$q72/usr/bin/qemu-system-x86_64" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq "qemu-system-x86=$qemu72" \
		"qemu-system-common=$qemu72c" "qemu-system-data=$qemu72d")
	rm -rf "$q72.new" && mkdir -p "$q72.new"
	for d in "$tmp"/*.deb; do dpkg -x "$d" "$q72.new"; done
	rm -rf "$q72" && mv "$q72.new" "$q72" && rm -rf "$tmp"
	log "deps: QEMU $qemu72 extracted to $q72"
fi

# Kernel test helpers from the source tarball, never committed to the repo.
KSRC_TARBALL=/usr/src/linux-source-$KVER.tar.xz
[ -f "$KSRC_TARBALL" ] || KSRC_TARBALL=$(ls /usr/src/linux-source-6.12*.tar.xz | head -n 1)
ks="$VFMDEV_CACHE/ksrc-$KVER"
if [ ! -f "$ks/scripts/checkpatch.pl" ] || [ ! -f "$ks/tools/testing/selftests/kselftest_harness.h" ]; then
	rm -rf "$ks" && mkdir -p "$ks"
	# Debian's tarball holds one directory named like the file; listing it
	# through "| head" would die of SIGPIPE under pipefail.
	top=$(basename "$KSRC_TARBALL" .tar.xz)
	tar -xJf "$KSRC_TARBALL" -C "$ks" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h"
	log "deps: kernel test helpers extracted to $ks"
fi

cat > "$cfg" <<EOT
KPKGVER='$KPKGVER'
KVER='$KVER'
KREL='$KREL'
KSRC_TARBALL='$KSRC_TARBALL'
EOT
touch "$stamp"
log "deps: done (kernel $KREL, $(qemu_version))"
