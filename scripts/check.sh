#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, each failing on any finding:
#
#   scripts/check.sh build        the modules built with W=1, -Werror and
#                                 sparse on every file (C=2), against the
#                                 stock kernel, in out/check/
#   scripts/check.sh checkpatch   checkpatch.pl --strict on every .c/.h under
#                                 drivers/, include/ and selftests/
#
# Exit status: 0 clean, 1 findings, 77 nothing to check yet.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
load_kernel_env

# Userspace-only checkpatch types ignored for selftests/ (kernel rules that do
# not apply to programs built against libc). Empty: none needed so far.
SELFTESTS_IGNORE=${SELFTESTS_IGNORE:-}

check_build() {
	[ -f "$VFMDEV_TOP/Kbuild" ] || { echo "no top-level Kbuild yet: nothing to check"; return 77; }
	local kdir=${KDIR:-/usr/src/linux-headers-$KREL}
	local src="$VFMDEV_TOP/out/check/src"
	sync_sources "$src"
	local logf="$VFMDEV_TOP/out/check/build.log" rc=0
	# C=2 checks every file whether or not it is rebuilt; W=1 warnings only
	# appear when a file is compiled, so clean first.
	make -s -C "$kdir" M="$src" clean >/dev/null
	make -j"$(nproc)" -C "$kdir" M="$src" C=2 W=1 KCFLAGS=-Werror modules \
		> "$logf" 2>&1 || rc=$?
	cat "$logf"
	# Sparse reports are warnings on stderr that do not fail make; modpost
	# prints "WARNING:".
	local findings
	findings=$(grep -cE '(: (warning|error):)|(^WARNING:)|(^ERROR:)' "$logf" || true)
	if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
		echo "check: W=1/-Werror/sparse: make exit $rc, $findings finding(s)"
		return 1
	fi
	echo "check: W=1 -Werror and sparse (C=2): clean"
}

check_patch() {
	local ks="$VFMDEV_CACHE/ksrc-$KVER/scripts/checkpatch.pl"
	[ -f "$ks" ] || die "no $ks: run 'make deps'"
	local files=() f
	while IFS= read -r -d '' f; do
		files+=("$f")
	done < <(cd "$VFMDEV_TOP" && find drivers include selftests \
		-path selftests/build -prune -o \
		-type f \( -name '*.c' -o -name '*.h' \) ! -name '*.mod.c' -print0 \
		2>/dev/null | LC_ALL=C sort -z)
	if [ "${#files[@]}" -eq 0 ]; then
		echo "no .c/.h files under drivers/, include/, selftests/ yet"
		return 77
	fi
	# One checkpatch run per group of files (it starts slowly): kernel code,
	# then the userspace selftests with their own ignores.
	local kern=() user=() rc=0 out
	for f in "${files[@]}"; do
		case "$f" in
		selftests/*) user+=("$f") ;;
		*) kern+=("$f") ;;
		esac
	done
	cd "$VFMDEV_TOP"
	run_checkpatch() {
		out=$(perl "$ks" --strict --no-tree --quiet --show-types \
			--no-summary "$@" 2>&1) || rc=1
		[ -z "$out" ] || { printf '%s\n' "$out"; rc=1; }
	}
	[ "${#kern[@]}" -eq 0 ] || run_checkpatch -f "${kern[@]}"
	if [ "${#user[@]}" -gt 0 ]; then
		if [ -n "$SELFTESTS_IGNORE" ]; then
			run_checkpatch --ignore "$SELFTESTS_IGNORE" -f "${user[@]}"
		else
			run_checkpatch -f "${user[@]}"
		fi
	fi
	echo "check: checkpatch --strict: ${#files[@]} file(s): $([ "$rc" -eq 0 ] && echo clean || echo findings above)"
	return "$rc"
}

case "${1:-all}" in
build) check_build ;;
checkpatch) check_patch ;;
all)
	rc=0
	check_build || { r=$?; [ "$r" -eq 77 ] || rc=1; }
	check_patch || { r=$?; [ "$r" -eq 77 ] || rc=1; }
	exit "$rc"
	;;
*) die "usage: check.sh [build|checkpatch|all]" ;;
esac
