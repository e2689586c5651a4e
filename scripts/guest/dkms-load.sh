#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig, job "dkms": load vfmdev as DKMS installed it on the host, in
# the scratch root vfmdev.dkmsroot= names (root/lib/modules/<KREL>/updates/
# dkms/, root/etc/modprobe.d/vfmdev.conf), with the host's modprobe run in
# the host's root, on a kernel that has loaded nothing of VFIO yet. TAP:
#
#   modprobe_igbvf_mdev         "modprobe igbvf_mdev" succeeds
#   loaded_<m>                  it loaded vfio, vfio_iommu_type1 and mdev (the
#                               fragment's softdeps), vf_mdev and igbvf_mdev
#   <m>_is_dkms_build           the loaded module's GNU build ID is that of
#                               the file DKMS installed (not the in-tree
#                               build's), for each of the four modules
#   modprobe_other_families     ixgbevf_mdev and i40e_mdev load the same way
. /vfmdev/guest/lib.sh

echo "TAP version 13"
root=$(cmdline_arg vfmdev.dkmsroot)
if [ -z "$root" ] || ! grep -q ' /host 9p ' /proc/mounts; then
	echo "1..0 # SKIP no vfmdev.dkmsroot= or no host root (scripts/dkms-test.sh and rig.sh --hostroot)"
	exit 4
fi
conf=$root/etc/modprobe.d
krel=$(uname -r)
mp() { chroot /host /sbin/modprobe -d "$root" -C "$conf" "$@"; }

for m in vfio vfio_iommu_type1 mdev vf_mdev; do
	[ ! -d "/sys/module/$m" ] || echo "# $m was loaded before modprobe ran"
done
tap_check modprobe_igbvf_mdev mp igbvf_mdev
for m in vfio vfio_iommu_type1 mdev vf_mdev igbvf_mdev; do
	if [ -d "/sys/module/$m" ]; then
		tap_ok "loaded_$m"
	else
		tap_fail "loaded_$m" "not loaded by 'modprobe igbvf_mdev'; lsmod: $(lsmod | awk 'NR > 1 { print $1 }' | xargs)"
	fi
done
tap_check modprobe_other_families mp -a ixgbevf_mdev i40e_mdev

# build_id FILE (in the host's root): its GNU build ID, hex.
build_id() {
	chroot /host /bin/sh -c 'case "$1" in
		*.xz) xz -dc "$1" > /tmp/dkms-load.ko ;;
		*) cp "$1" /tmp/dkms-load.ko ;;
		esac && readelf -n /tmp/dkms-load.ko' sh "$1" |
		awk '$1 == "Build" && $2 == "ID:" { print $3 }'
}
# The loaded module's, from its notes: the last 20 bytes of the note.
loaded_id() {
	od -An -v -tx1 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null |
		tr -d ' \n' | tail -c 40
}
for m in vf_mdev igbvf_mdev ixgbevf_mdev i40e_mdev; do
	f=$(chroot /host /sbin/modinfo -b "$root" -k "$krel" -F filename "$m" 2>/dev/null)
	want=$(build_id "$f")
	have=$(loaded_id "$m")
	case "$f" in
	"$root/lib/modules/$krel/updates/"*) where=ok ;;
	*) where= ;;
	esac
	if [ -n "$where" ] && [ -n "$want" ] && [ "$want" = "$have" ]; then
		tap_ok "${m}_is_dkms_build # $f build ID $have"
	else
		tap_fail "${m}_is_dkms_build" "loaded build ID '$have', DKMS's file '$f' has '$want'"
	fi
done
tap_end
