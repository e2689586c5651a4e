# SPDX-License-Identifier: GPL-2.0
# vfmdev demo, the real-VMM part: sourced by demo.sh, which calls
#
#   demo_vmm UUID PF_NETDEV VF_MAC
#
# with the mdev it created. The host's own QEMU (unmodified, reached through
# the host root shared at /host) boots a nested guest (L2) with the mdev as
# "-device vfio-pci,sysfsdev=..."; Linux's igbvf in L2 brings the VF up and
# pings the PF's address here; the mdev's counters, read before and after
# the pings, show that the traffic went through the mediation. L2 is the
# guest of selftests/vmm/vmm_qemu.sh (scripts/l2-initramfs.sh), with the same
# control channel. Uses say, note and run from demo.sh.

# demo_vmm_state UUID: the lines of the mdev's counters that matter here.
demo_vmm_state() {
	grep -E '^(open|pin_cache)|^ring [0-9]+: (rx|tx) base 0x[1-9a-f]' \
		"/sys/kernel/debug/vf_mdev/$1/state" |
		sed 's/ base [^ ]* len [0-9]* / /; s/ wb .* doorbells / doorbells /; s/^/    /'
}

# demo_vmm_wait WORD SECS: until L2 says "@l2 WORD" or QEMU has exited.
demo_vmm_wait() {
	local i=0
	while [ "$i" -lt $(($2 * 2)) ]; do
		tr -d '\r' < /host/tmp/demo-vmm/ctl.out | grep -q "^@l2 $1" && return 0
		kill -0 "$DEMO_QPID" 2>/dev/null || return 1
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# demo_vmm_follow DIR: L2's console as it grows, until DIR/stop appears.
demo_vmm_follow() {
	local n=0 m last=0
	while [ "$last" = 0 ]; do
		[ -e "$1/stop" ] && last=1
		m=$(wc -l < "$1/console.log")
		if [ "$m" -gt "$n" ]; then
			sed -n "$((n + 1)),${m}p" "$1/console.log" | tr -d '\r' |
				sed 's/^/    L2| /'
			n=$m
		fi
		[ "$last" = 1 ] || sleep 0.5
	done
}

demo_vmm() {
	local uuid=$1 netdev=$2 mac=$3 d=/host/tmp/demo-vmm tail_pid rc=0 t0
	say "A real VMM: the host's unmodified QEMU runs a nested guest on the mdev"
	if ! grep -q ' /host 9p ' /proc/mounts; then
		note "the host root is not shared (rig.sh --hostroot): skipped"
		return 0
	fi
	if [ ! -f /vfmdev/l2/initramfs.cpio.gz ] || [ ! -f /vfmdev/l2/env ]; then
		note "no nested guest in this image (scripts/l2-initramfs.sh failed?)"
		return 1
	fi
	. /vfmdev/l2/env
	[ -c /dev/kvm ] || run "modprobe kvm_amd" || { note "no KVM here: skipped"; return 0; }
	echo "    The nested guest (L2) is Debian's $L2_KREL kernel with busybox and igbvf."
	echo "    QEMU and KVM run inside this machine, itself emulated (TCG): L2 boots in ~20-60 s."
	rm -rf "$d"
	mkdir -p "$d"
	mkfifo "$d/ctl.in"
	: > "$d/ctl.out"
	cp /vfmdev/l2/initramfs.cpio.gz "$d/l2.cpio.gz"
	cp "/host$L2_KIMAGE" "$d/l2.kernel"
	run "$IP addr add 10.77.0.1/24 dev $netdev    # the PF's address, for L2 to ping"
	run "chroot /host qemu-system-x86_64 --version | head -n 1"
	: > "$d/console.log"
	t0=$(cut -d' ' -f1 /proc/uptime)
	run "chroot /host qemu-system-x86_64 -accel kvm -cpu host -machine q35 -m 192M \\
	-nodefaults -display none -no-reboot \\
	-kernel /tmp/demo-vmm/l2.kernel -initrd /tmp/demo-vmm/l2.cpio.gz \\
	-append 'console=ttyS0 quiet pci=noearly,lastbus=0 mitigations=off tsc=reliable vmm.a=$mac,10.77.0.2/24 vmm.peer=10.77.0.1' \\
	-serial file:/tmp/demo-vmm/console.log -serial pipe:/tmp/demo-vmm/ctl \\
	-device pcie-root-port,id=rp1,chassis=1 \\
	-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,bus=rp1 &"
	DEMO_QPID=$!
	echo "    L2's console (QEMU's own messages, if any, appear as they come):"
	demo_vmm_follow "$d" &
	tail_pid=$!
	if demo_vmm_wait ready 240; then
		sleep 1		# L2's console catches up
		echo "    ($(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
			'BEGIN { printf "%.0f", b - a }') s after QEMU started: igbvf is up in L2)"
		echo "    The mdev's counters before the pings:"
		demo_vmm_state "$uuid"
		echo go > "$d/ctl.in"
		if demo_vmm_wait "done" 120; then
			echo "    The mdev's counters after the pings (every doorbell and descriptor passed the mediation):"
			demo_vmm_state "$uuid"
		else
			rc=1
		fi
		echo quit > "$d/ctl.in"
	else
		rc=1
	fi
	tr -d '\r' < "$d/ctl.out" | grep -q '^@l2 ping a_to_peer .* sent=10 recv=10 ' || rc=1
	# L2 powers off after "quit"; it is stopped after 30 s otherwise.
	local i=0
	while kill -0 "$DEMO_QPID" 2>/dev/null && [ "$i" -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	kill -9 "$DEMO_QPID" 2>/dev/null
	wait "$DEMO_QPID" 2>/dev/null
	touch "$d/stop"
	wait "$tail_pid"
	$IP addr del 10.77.0.1/24 dev "$netdev" 2>/dev/null
	if [ "$rc" -eq 0 ]; then
		echo "    => QEMU drove the mdev; L2's igbvf passed 10/10 pings to the PF through it."
	else
		echo "    => the real-VMM part FAILED (L2's console above)."
	fi
	return "$rc"
}
