#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test-hw: the hardware suite on this host (not in the QEMU rig),
# for the VF families the rig has no VFs of: 82599/X540/X550 VFs with
# ixgbevf_mdev, X710/XXV710 VFs with i40e_mdev.
#
# Builds vfmdev against the running kernel, loads its modules (once the
# VFs are prepared as README's "The hardware suite" says), and runs the
# "hw" fixture of mdev_lifecycle, datapath, hostile_guest, migration_v2,
# migration_region and postcopy (selftests/lib/hw_fixture.h).  The VFs are named by
#   VFMDEV_HW_IXGBEVF_VFS="0000:03:10.0 0000:03:10.2"
#   VFMDEV_HW_IAVF_VFS="0000:05:02.0 0000:05:02.1"
# and every test skips, saying why, for a family with none.
# Ends with "N skipped" then "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-/lib/modules/$(uname -r)/build}
ksft=${KSFT_DIR:-$(ls -d /var/cache/vfmdev/ksrc-*/tools/testing/selftests 2>/dev/null | head -n 1)}

[ "$(id -u)" -eq 0 ] || { echo "test-hw: run as root (binds VFs, loads modules)"; exit 1; }
[ -d "$kdir" ] || { echo "test-hw: no kernel build tree at $kdir (install the headers or pass KDIR=)"; exit 1; }

make -C "$kdir" M="$top" modules > /dev/null
make -C "$top/selftests" KDIR="$kdir" KSFT_DIR="$ksft" > /dev/null

modprobe vfio_iommu_type1
modprobe mdev
for m in vf_mdev ixgbevf_mdev i40e_mdev; do
	grep -q "^$m " /proc/modules && continue
	ko=$(find "$top/drivers" -name "$m.ko" | head -n 1)
	insmod "$ko"
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for prog in mdev_lifecycle datapath hostile_guest migration_v2 \
	    migration_region postcopy; do
	"$top/selftests/build/$prog" -f hw | tee -a "$out" || true
done
pass=$(grep -c '^ok [0-9]* [^#]*$' "$out" || true)
skip=$(grep -c '^ok [0-9]* .*# SKIP' "$out" || true)
fail=$(grep -c '^not ok' "$out" || true)
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
