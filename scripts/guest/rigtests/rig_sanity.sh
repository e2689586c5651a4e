#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig sanity: the platform the tests stand on. VFs exist, each in its
# own IOMMU group, one binds to vfio-pci and its /dev/vfio/<group> appears,
# and it goes back; IRQ remapping is on; with the host root shared, the
# nested-VM tools are reachable.
. /vfmdev/guest/lib.sh

echo "TAP version 13"

set -- $VFMDEV_VFS
if [ "$#" -ge 2 ]; then
	tap_ok "vfs_present # $#"
else
	tap_fail vfs_present "expected at least 2 VFs, have '$VFMDEV_VFS'"
fi

if dmesg | grep -q 'DMAR-IR: Enabled IRQ remapping'; then
	tap_ok irq_remapping
else
	tap_fail irq_remapping "no 'DMAR-IR: Enabled IRQ remapping' in dmesg"
fi

groups= err=
for vf in $VFMDEV_VFS; do
	g=$(readlink "/sys/bus/pci/devices/$vf/iommu_group") || { err="$err $vf:none"; continue; }
	g=${g##*/}
	case " $groups " in
	*" $g "*) err="$err $vf:shared($g)" ;;
	esac
	groups="$groups $g"
done
if [ -n "$VFMDEV_VFS" ] && [ -z "$err" ]; then
	tap_ok "vf_own_iommu_group # groups$groups"
else
	tap_fail vf_own_iommu_group "VF groups:$groups; problems:$err"
fi

vf=$1
if [ -n "$vf" ]; then
	d=/sys/bus/pci/devices/$vf
	g=$(readlink "$d/iommu_group"); g=${g##*/}
	echo vfio-pci > "$d/driver_override"
	echo "$vf" > /sys/bus/pci/drivers_probe
	drv=$(readlink "$d/driver"); drv=${drv##*/}
	if [ "$drv" = vfio-pci ] && [ -c "/dev/vfio/$g" ]; then
		tap_ok "vf_binds_vfio_pci # $vf -> /dev/vfio/$g"
	else
		tap_fail vf_binds_vfio_pci "$vf driver '$drv', /dev/vfio/$g: $(ls /dev/vfio | xargs)"
	fi
	[ -e "$d/driver" ] && echo "$vf" > "$d/driver/unbind"
	echo > "$d/driver_override"
	if [ ! -e "$d/driver" ] && [ ! -e "/dev/vfio/$g" ]; then
		tap_ok vf_unbinds
	else
		tap_fail vf_unbinds "$vf still bound or /dev/vfio/$g still there"
	fi
else
	tap_skip vf_binds_vfio_pci "no VF"
	tap_skip vf_unbinds "no VF"
fi

if [ -c /dev/kvm ]; then
	tap_ok kvm_in_guest
else
	tap_skip kvm_in_guest "no /dev/kvm (kvm_amd not loaded)"
fi

if grep -q ' /host 9p ' /proc/mounts; then
	tap_check hostroot_qemu chroot /host qemu-system-x86_64 --version
else
	tap_skip hostroot_qemu "host root not shared (rig.sh --hostroot)"
fi

tap_end
