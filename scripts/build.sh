#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vfmdev for one rig kernel, out of the source tree:
#
#   scripts/build.sh modules   KERNEL   kernel modules against KERNEL's KDIR
#   scripts/build.sh selftests KERNEL   selftests (static userspace programs)
#
# The sources are copied (rsync, mtimes kept, so kbuild stays incremental)
# to out/KERNEL/src/ and built there; each kernel has its own copy, so one
# kernel's objects never mix with another's. What was built is staged in
# out/KERNEL/stage/{modules,tests}/ for the initramfs.
#
# Exit status: 0 built, 1 failed, 77 nothing to build yet (no Kbuild, no
# selftests/Makefile).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

what=${1:?usage: build.sh modules|selftests KERNEL}
load_kernel_env		# KVER, for the kselftest headers in the cache
load_kernel "${2:?usage: build.sh modules|selftests KERNEL}"	# its KREL

out="$VFMDEV_TOP/out/$KNAME"
src="$out/src"
sync_sources "$src"

jobs=$(nproc)

case "$what" in
modules)
	stage="$out/stage/modules"
	rm -rf "$stage"
	mkdir -p "$stage"
	if [ ! -f "$src/Kbuild" ]; then
		echo "no top-level Kbuild yet: no modules to build"
		exit 77
	fi
	make -j"$jobs" -C "$KDIR" M="$src" modules
	# modules.order names exactly the modules of this build (stale .ko
	# files of modules since removed are left out).
	n=0
	while read -r obj; do
		case "$obj" in
		/*) ko="${obj%.o}.ko" ;;	# 6.12 kbuild writes absolute paths
		*) ko="$src/${obj%.o}.ko" ;;
		esac
		[ -f "$ko" ] || die "modules.order names $obj but $ko is missing"
		cp "$ko" "$stage/"
		n=$((n + 1))
	done < "$src/modules.order"
	echo "staged $n module(s) for $KREL: $(cd "$stage" && echo *.ko)"
	;;
selftests)
	stage="$out/stage/tests"
	rm -rf "$stage"
	mkdir -p "$stage"
	if [ ! -f "$src/selftests/Makefile" ]; then
		echo "no selftests/Makefile yet: no test programs to build"
		exit 77
	fi
	# A test program removed from the sources would survive in build/:
	# start that directory afresh whenever the list of sources changes.
	list=$(cd "$src/selftests" && find . -path ./build -prune -o -type f -print |
	       LC_ALL=C sort | sha256sum)
	if [ "$(cat "$out/selftests.list" 2>/dev/null)" != "$list" ]; then
		rm -rf "$src/selftests/build"
		echo "$list" > "$out/selftests.list"
	fi
	make -j"$jobs" -C "$src/selftests" \
		KSFT_DIR="$VFMDEV_CACHE/ksrc-$KVER/tools/testing/selftests" \
		KDIR="$KDIR" KREL="$KREL"
	n=0
	if [ -d "$src/selftests/build" ]; then
		for f in "$src/selftests/build"/*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			cp "$f" "$stage/"
			n=$((n + 1))
		done
	fi
	echo "staged $n test program(s): $(cd "$stage" && ls | xargs)"
	;;
*)
	die "usage: build.sh modules|selftests KERNEL"
	;;
esac
