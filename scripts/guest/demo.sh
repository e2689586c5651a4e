#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev demo: the user flow on the rig, each command shown as typed by
# root. Steps that need something not built yet say so and are skipped.
. /vfmdev/guest/lib.sh

IP=/usr/sbin/ip		# iproute2's (busybox sh prefers its own applets)

say() { printf '\n=== %s\n' "$*"; }
note() { printf '    (%s)\n' "$*"; }
# run CMD: show it, run it in this shell (cd and variables persist).
run() {
	printf '# %s\n' "$*"
	eval "$*"
	local rc=$?
	[ "$rc" -eq 0 ] || printf '    -> exit status %d\n' "$rc"
	return "$rc"
}
stop() { say "demo stopped: $*"; exit 1; }

say "The machine: a QEMU q35 guest with VT-d (intel-iommu) and an igb NIC (82576 PF, SR-IOV)"
run "lspci -nn | grep -i ethernet"
pf=$(find_pf) || stop "no igb PF on the PCI bus"
P=/sys/bus/pci/devices/$pf
run "modprobe igb"
netdev=$(ls "$P/net" | head -n 1)
run "$IP link set $netdev up"

say "Create VFs on the PF $pf"
run "cat $P/sriov_totalvfs"
echo 0 > "$P/sriov_drivers_autoprobe"	# leave the VFs unbound for the demo
run "echo 2 > $P/sriov_numvfs" || stop "could not create VFs"
run "ls -l $P/ | grep virtfn"
run "$IP link set $netdev vf 0 mac 02:00:00:00:00:00"
run "$IP link show $netdev"
vf=$(vf_list "$pf" | head -n 1)
V=/sys/bus/pci/devices/$vf

say "Load VFIO and vfmdev"
run "modprobe vfio_iommu_type1"
run "modprobe mdev"
if [ ! -f /vfmdev/modules/igbvf_mdev.ko ]; then
	note "igbvf_mdev.ko is not built yet: the mdev part of the demo is skipped"
	exit 0
fi
run "modprobe igbvf_mdev    # loads vf_mdev, the family-independent core, too" ||
	stop "igbvf_mdev did not load"
run "lsmod | grep mdev"

say "Hand the VF $vf to igbvf_mdev (it binds only through driver_override)"
run "echo igbvf_mdev > $V/driver_override"
run "echo $vf > /sys/bus/pci/drivers/igbvf_mdev/bind" || stop "bind failed"
run "readlink $V/driver"

say "The VF is now an mdev parent with one type"
run "ls $V/mdev_supported_types"
T=$V/mdev_supported_types/igbvf_mdev-vf
[ -d "$T" ] || stop "no type igbvf_mdev-vf"
run "cd $T"
for a in name description device_api available_instances; do
	printf '# cat %s\n%s\n' "$a" "$(cat "$a" 2>&1)"
done

say "Create the mdev"
run 'UUID=$(cat /proc/sys/kernel/random/uuid)'
run 'echo $UUID > create' || stop "create failed"
run "cat available_instances"
run "cd /"
run "ls -l /sys/bus/mdev/devices/"
run 'readlink /sys/bus/mdev/devices/$UUID/mdev_type'
run 'readlink /sys/bus/mdev/devices/$UUID/iommu_group'
run "ls /dev/vfio"
echo "    A VMM now takes it with:"
echo "    qemu-system-x86_64 ... -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$UUID"

# A real VMM on the same mdev: scripts/guest/demo-vmm.sh (its own section).
. /vfmdev/guest/demo-vmm.sh
kvm_hold_start
demo_vmm "$UUID" "$netdev" 02:00:00:00:00:00 || stop "the real VMM did not drive the mdev (see above)"

say "Use it as a VMM would"
if [ -x /vfmdev/tests/vfmdev_demo ]; then
	export VFMDEV_MDEV=$UUID
	run '/vfmdev/tests/vfmdev_demo $UUID'
else
	note "vfmdev_demo (opens the mdev through VFIO like a VMM and passes frames) is not built yet: skipped"
fi

say "Tear down"
if [ -e "/sys/bus/mdev/devices/$UUID" ]; then
	run 'echo 1 > /sys/bus/mdev/devices/$UUID/remove'
else
	note "vfmdev_demo made its own pair of mdevs (on two VFs) and removed them when done, $UUID included"
fi
run "echo $vf > /sys/bus/pci/drivers/igbvf_mdev/unbind"
run "echo > $V/driver_override"
run "echo 0 > $P/sriov_numvfs"

say "Post-copy: a destination that runs before its memory has arrived"
if [ -x /vfmdev/tests/postcopy ]; then
	note "the postcopy kselftest plays the VMM: B's memory is behind userfaultfd, only its rings arrived"
	note "the device asks for the pages it needs through the prefault channel; nothing else is pinned"
	run "echo 4 > $P/sriov_numvfs"
	run "VFMDEV_DEMO=1 /vfmdev/tests/postcopy -t resume_and_serve > /tmp/postcopy.log 2>&1"
	pc=$?
	grep -E '^# (VMM|postcopy)|^(ok|not ok)' /tmp/postcopy.log
	case "$pc" in
	0) ;;
	4) note "skipped: $(grep -m 1 '^ok .* # SKIP' /tmp/postcopy.log)" ;;
	*)
		tail -n 20 /tmp/postcopy.log
		stop "the post-copy run failed (above)"
		;;
	esac
	run "echo 0 > $P/sriov_numvfs"
else
	note "the postcopy kselftest is not built: skipped"
fi

say "What the kernel said"
run "dmesg | grep -E 'vf_mdev|igbvf_mdev' | tail -n 20"
exit 0
