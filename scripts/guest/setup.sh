#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig: the environment every test expects, reported as TAP.
#  - igb (PF driver), VFIO (type1, vfio-pci), mdev and kvm_amd loaded;
#  - the igb PF up with VFMDEV_NUMVFS (default 4) VFs, VF n with MAC
#    02:00:00:00:00:0n; VFs are left without a driver
#    (sriov_drivers_autoprobe=0), each test binds what it needs;
#  - vfmdev's modules loaded when they were built (vf_mdev, then the
#    families: igbvf_mdev, ixgbevf_mdev, i40e_mdev; the last two bind
#    nothing in the rig, which has no 82599 or X710 VFs);
#  - /run/vfmdev.env with VFMDEV_PF and VFMDEV_VFS for the tests.
. /vfmdev/guest/lib.sh

numvfs=${VFMDEV_NUMVFS:-4}
# iproute2's ip, by path: busybox sh runs its own applets before $PATH, and
# busybox ip cannot set VF attributes.
IP=/usr/sbin/ip
echo "TAP version 13"

for m in igb vfio vfio_iommu_type1 vfio-pci mdev; do
	tap_check "modprobe_$m" modprobe "$m"
done
if grep -qw svm /proc/cpuinfo; then
	tap_check modprobe_kvm_amd modprobe kvm_amd
else
	tap_skip modprobe_kvm_amd "no svm in this CPU"
fi

pf=$(find_pf)
if [ -n "$pf" ]; then
	tap_ok "pf_found # $pf"
else
	tap_fail pf_found "no igb PF (8086:10c9) on the PCI bus"
fi

vfs=
if [ -n "$pf" ]; then
	d=/sys/bus/pci/devices/$pf
	netdev=$(ls "$d/net" 2>/dev/null | head -n 1)
	# No IPv6 on the PF (the rig's traffic is IPv4): bringing the link up
	# would join IPv6 multicast groups while sriov_numvfs enables the
	# VFs, and Linux's igb rewrites the PF's multicast list from its
	# interrupt handler on each VF reset (igb_msix_other, igb_vf_reset,
	# igb_set_rx_mode) without the list's lock: KASAN reported a
	# slab-out-of-bounds read in igb_update_mc_addr_list there once, on
	# the debug kernel, before any vfmdev module was loaded.
	[ -z "$netdev" ] || [ ! -w "/proc/sys/net/ipv6/conf/$netdev/disable_ipv6" ] ||
		echo 1 > "/proc/sys/net/ipv6/conf/$netdev/disable_ipv6"
	if [ -n "$netdev" ] && $IP link set "$netdev" up; then
		tap_ok "pf_link_up # $netdev"
	else
		tap_fail pf_link_up "no netdev for $pf or 'ip link set up' failed"
	fi
	echo 0 > "$d/sriov_drivers_autoprobe"
	if echo "$numvfs" > "$d/sriov_numvfs"; then
		vfs=$(vf_list "$pf" | xargs)
		set -- $vfs
		if [ "$#" -eq "$numvfs" ]; then
			tap_ok "sriov_numvfs_$numvfs # $vfs"
		else
			tap_fail "sriov_numvfs_$numvfs" "$# VFs appeared: $vfs"
		fi
	else
		tap_fail "sriov_numvfs_$numvfs" "write to $d/sriov_numvfs failed"
	fi
	i=0 err=
	for vf in $vfs; do
		$IP link set "$netdev" vf "$i" mac "02:00:00:00:00:0$i" || err="$err $i"
		i=$((i + 1))
	done
	if [ -n "$vfs" ] && [ -z "$err" ]; then
		tap_ok vf_macs
	else
		tap_fail vf_macs "setting the MAC failed for VF(s):$err"
	fi
fi

# vfmdev's own modules, if built: modprobe resolves vf_mdev for the families.
for m in vf_mdev igbvf_mdev ixgbevf_mdev i40e_mdev; do
	if [ -f "/vfmdev/modules/$m.ko" ]; then
		tap_check "load_$m" modprobe "$m"
	else
		tap_skip "load_$m" "$m.ko not built"
	fi
done

{
	echo "VFMDEV_PF='$pf'"
	echo "VFMDEV_VFS='$vfs'"
} > /run/vfmdev.env
tap_end
