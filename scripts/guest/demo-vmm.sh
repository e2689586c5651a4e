# SPDX-License-Identifier: GPL-2.0
# vfmdev demo, the real-VMM part: sourced by demo.sh, which calls
#
#   demo_vmm UUID PF_NETDEV VF_MAC
#
# with the mdev it created. The host's own QEMU (unmodified, reached through
# the host root shared at /host) boots a nested guest (L2) with the mdev as
# "-device vfio-pci,sysfsdev=..."; Linux's igbvf in L2 brings the VF up and
# pings the PF's address here; the mdev's counters, read before and after
# the pings, show that the traffic went through the mediation. Then L2
# keeps pinging every 50 ms while a second QEMU, on an mdev of the second
# VF (given the first VF's MAC by the PF, as an operator would), takes it
# over: a live migration through the QEMUs' QMP sockets, its figures
# printed (QEMU's downtime and total time, the time from the source's stop
# to the destination running and the mdev's share of it, the replies L2
# lost). L2 is the guest of selftests/vmm/vmm_qemu.sh (scripts/l2-
# initramfs.sh), with the same control channel; the migration helper is
# vmm_qemu's (vmm_qemu --helper). Uses say, note and run from demo.sh.

# demo_vmm_state UUID: the lines of the mdev's counters that matter here.
demo_vmm_state() {
	grep -E '^(open|pin_cache)|^ring [0-9]+: (rx|tx) base 0x[1-9a-f]' \
		"/sys/kernel/debug/vf_mdev/$1/state" |
		sed 's/ base [^ ]* len [0-9]* / /; s/ wb .* doorbells / doorbells /; s/^/    /'
}

# demo_vmm_rec WORD: L2's record WORD, through the source or the
# destination QEMU.
demo_vmm_rec() {
	cat /host/tmp/demo-vmm/ctl.out /host/tmp/demo-vmm/ctl-dst.out 2>/dev/null |
		tr -d '\r' | grep "^@l2 $1" | tail -n 1
}

# demo_vmm_wait WORD SECS [PID]: until L2 says "@l2 WORD" or its QEMU (PID,
# default the first one) has exited.
demo_vmm_wait() {
	local i=0
	while [ "$i" -lt $(($2 * 2)) ]; do
		[ -n "$(demo_vmm_rec "$1")" ] && return 0
		kill -0 "${3:-$DEMO_QPID}" 2>/dev/null || return 1
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# demo_vmm_send FIFO WORD: WORD to L2's control channel (not waiting for
# a QEMU that has gone).
demo_vmm_send() { timeout 5 sh -c "echo $2 > '$1'" 2>/dev/null; }

# demo_vmm_fig FILE KEY: a figure from the migration helper's output.
demo_vmm_fig() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p" | head -n 1; }

# demo_vmm_migrate UUID NETDEV MAC: the running L2 (on the mdev UUID of VF
# 0, QMP at /tmp/demo-vmm/src.qmp) moves to an mdev on VF 1. 0 when it
# migrated and its ping went on.
demo_vmm_migrate() {
	local uuid=$1 netdev=$2 mac=$3 d=/host/tmp/demo-vmm rc=0 pf vf1 V1 T1 r
	say "Live migration: a second QEMU on an mdev of another VF takes the running L2 over"
	pf=$(find_pf)
	vf1=$(vf_list "$pf" | sed -n 2p)
	if [ -z "$vf1" ]; then
		note "no second VF: skipped"
		return 0
	fi
	V1=/sys/bus/pci/devices/$vf1
	T1=$V1/mdev_supported_types/igbvf_mdev-vf
	echo "    L2 pings 10.77.0.1 every 50 ms meanwhile (L2's own ping, running since the pings above)."
	echo "    The destination VF must have the source VF's PF settings; its administered MAC is the guest's:"
	run "$IP link set $netdev vf 1 mac $mac"
	run "echo igbvf_mdev > $V1/driver_override"
	run "echo $vf1 > /sys/bus/pci/drivers/igbvf_mdev/bind" || return 1
	run 'UUID2=$(cat /proc/sys/kernel/random/uuid)'
	run "echo \$UUID2 > $T1/create" || return 1
	echo "    The destination: the same machine and L2, the new mdev, waiting for the stream:"
	run "chroot /host qemu-system-x86_64 -accel kvm -cpu host,svm=off -machine q35 -m 192M \\
	-nodefaults -display none -no-reboot \\
	-kernel /tmp/demo-vmm/l2.kernel -initrd /tmp/demo-vmm/l2.cpio.gz \\
	-append '$DEMO_APPEND' \\
	-chardev file,id=con,path=/tmp/demo-vmm/console.log,append=on -serial chardev:con \\
	-serial pipe:/tmp/demo-vmm/ctl-dst \\
	-qmp unix:/tmp/demo-vmm/dst.qmp,server=on,wait=off \\
	-msg timestamp=on -D /tmp/demo-vmm/dst.trace $DEMO_TRACE \\
	-device pcie-root-port,id=rp1,chassis=1 \\
	-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/\$UUID2,bus=rp1$DEMO_DEVOPT \\
	-incoming unix:/tmp/demo-vmm/mig.sock &"
	DEMO_DPID=$!
	sleep 2
	echo "    The migration, through both QEMUs' QMP sockets (the helper shows what it sends):"
	run "chroot /host python3 /tmp/demo-vmm/vmm_mig.py migrate -v \\
	--src /tmp/demo-vmm/src.qmp --dst /tmp/demo-vmm/dst.qmp --uri unix:/tmp/demo-vmm/mig.sock \\
	--caps return-path,switchover-ack --quit-src \\
	--src-trace /tmp/demo-vmm/src.trace --dst-trace /tmp/demo-vmm/dst.trace | tee /tmp/demo-mig.txt"
	grep -q '^mig status=completed .* dst=running' /tmp/demo-mig.txt || rc=1
	if [ "$rc" -eq 0 ]; then
		echo "    The VF L2 left gets a MAC of its own (on one host, one VF per MAC):"
		run "$IP link set $netdev vf 0 mac 02:00:00:00:01:00"
		sleep 3		# pings on the destination
		echo "    The destination's mdev carries L2's traffic now:"
		demo_vmm_state "$UUID2"
		demo_vmm_send "$d/ctl-dst.in" stop
		demo_vmm_wait "done" 120 "$DEMO_DPID" || rc=1
	else
		# The source runs on.
		demo_vmm_send "$d/ctl.in" stop
		demo_vmm_wait "done" 60
	fi
	r=$(demo_vmm_rec "mping a ")
	echo "    L2's ping across the migration: ${r#@l2 mping a }"
	echo "    L2's device: $(demo_vmm_rec "reset a " | sed 's/^@l2 reset a //')"
	# Replies until the end (at most a second's worth unanswered).
	[ "$(echo "$r" | tr ' ' '\n' | sed -n 's/^tail_lost=//p')" -le 20 ] 2>/dev/null || rc=1
	demo_vmm_rec "reset a " | grep -q ' carrier_changes=0 tx_timeouts=0 msgs=0$' || rc=1
	if [ "$rc" -eq 0 ]; then
		echo "    => migrated in $(demo_vmm_fig /tmp/demo-mig.txt total_ms) ms; downtime $(demo_vmm_fig /tmp/demo-mig.txt downtime_ms) ms (QEMU's figure):"
		echo "       $(demo_vmm_fig /tmp/demo-mig.txt full_downtime_ms) ms from the source's stop to the destination running, of which" \
			"$(demo_vmm_fig /tmp/demo-mig.txt device_ms) ms in the mdev's state changes and stream;"
		echo "       the destination acknowledged the switchover after taking the mdev's initial data" \
			"(switchover-ack: $(demo_vmm_fig /tmp/demo-mig.txt switchover_acks));"
		echo "       L2's longest run of lost replies: $(echo "$r" | tr ' ' '\n' | sed -n 's/^gap_ms=//p') ms; igbvf saw no reset."
	else
		echo "    => the migration FAILED (see above)."
	fi
	demo_vmm_send "$d/ctl-dst.in" quit
	local i=0
	while kill -0 "$DEMO_DPID" 2>/dev/null && [ "$i" -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	kill -9 "$DEMO_DPID" 2>/dev/null
	wait "$DEMO_DPID" 2>/dev/null
	run "echo 1 > /sys/bus/mdev/devices/\$UUID2/remove"
	$IP link set "$netdev" vf 0 mac "$mac"	# VF 0's MAC again, for what follows
	run "echo $vf1 > /sys/bus/pci/drivers/igbvf_mdev/unbind"
	echo > "$V1/driver_override"
	return "$rc"
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
	local uuid=$1 netdev=$2 mac=$3 d=/host/tmp/demo-vmm tail_pid rc=0 t0 mig=1
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
	# The migration that follows: its helper, and what the QEMUs need
	# for it (a QMP socket; traces for the figures).
	mkfifo "$d/ctl-dst.in"
	: > "$d/ctl-dst.out"
	/vfmdev/tests/vmm_qemu --helper > "$d/vmm_mig.py" 2>/dev/null && [ -s "$d/vmm_mig.py" ] || mig=0
	DEMO_APPEND="console=ttyS0 quiet pci=noearly,lastbus=0 mitigations=off tsc=reliable vmm.a=$mac,10.77.0.2/24 vmm.peer=10.77.0.1"
	DEMO_QMP= DEMO_TRACE= DEMO_DEVOPT=
	if [ "$mig" = 1 ]; then
		DEMO_APPEND="$DEMO_APPEND vmm.mig=0.05"
		DEMO_QMP="-qmp unix:/tmp/demo-vmm/src.qmp,server=on,wait=off -msg timestamp=on -D /tmp/demo-vmm/src.trace"
		DEMO_TRACE="-trace enable=vmstate_downtime_* -trace enable=vfio_migration_set_* -trace enable=loadvm_approve_switchover"
		if ! grep -qw iova_bitmap_set /proc/kallsyms; then
			DEMO_DEVOPT=,enable-migration=on
			echo "    This kernel has no CONFIG_IOMMUFD_DRIVER, so the mdev offers no DMA logging of its own:"
			echo "    with enable-migration=on QEMU uses the type1 container's dirty tracking (and warns once)."
		fi
	else
		note "vmm_qemu is not built: no migration helper, the migration is skipped"
	fi
	run "$IP addr add 10.77.0.1/24 dev $netdev    # the PF's address, for L2 to ping"
	run "chroot /host qemu-system-x86_64 --version | head -n 1"
	: > "$d/console.log"
	t0=$(cut -d' ' -f1 /proc/uptime)
	run "chroot /host qemu-system-x86_64 -accel kvm -cpu host,svm=off -machine q35 -m 192M \\
	-nodefaults -display none -no-reboot \\
	-kernel /tmp/demo-vmm/l2.kernel -initrd /tmp/demo-vmm/l2.cpio.gz \\
	-append '$DEMO_APPEND' \\
	-serial file:/tmp/demo-vmm/console.log -serial pipe:/tmp/demo-vmm/ctl \\${DEMO_QMP:+
	$DEMO_QMP $DEMO_TRACE \\}
	-device pcie-root-port,id=rp1,chassis=1 \\
	-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,bus=rp1$DEMO_DEVOPT &"
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
		# In migration mode L2 goes on pinging after the ten pings.
		if demo_vmm_wait "$([ "$mig" = 1 ] && echo pinging || echo done)" 120; then
			echo "    The mdev's counters after the pings (every doorbell and descriptor passed the mediation):"
			demo_vmm_state "$uuid"
		else
			rc=1
		fi
		demo_vmm_rec "ping a_to_peer .* sent=10 recv=10 " | grep -q . || rc=1
		if [ "$rc" -eq 0 ] && [ "$mig" = 1 ]; then
			demo_vmm_migrate "$uuid" "$netdev" "$mac" || rc=2
		elif [ "$mig" = 1 ]; then
			demo_vmm_send "$d/ctl.in" stop
			demo_vmm_wait "done" 60
		fi
		demo_vmm_send "$d/ctl.in" quit
	else
		rc=1
	fi
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
		echo "    => QEMU drove the mdev; L2's igbvf passed 10/10 pings to the PF through it$([ "$mig" = 1 ] && echo ", and kept pinging while QEMU migrated it to another mdev")."
	elif [ "$rc" -eq 2 ]; then
		echo "    => QEMU drove the mdev (10/10 pings), but the live migration FAILED (above)."
	else
		echo "    => the real-VMM part FAILED (L2's console above)."
	fi
	return "$rc"
}
