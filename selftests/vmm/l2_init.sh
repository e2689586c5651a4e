#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the nested guest (L2) that selftests/vmm/vmm_qemu.sh boots with
# QEMU on an mdev or a vfio-pci VF. Linux's own igbvf drives the VF(s); this
# script only configures the network and pings.
#
# Kernel command line:
#   vmm.a=MAC,IP/LEN   the device under test (found by its MAC)
#   vmm.b=MAC,IP/LEN   optional second device, moved to network namespace b
#   vmm.peer=IP        address to ping (the PF's in L1)
#   vmm.count=N        pings per pair (default 10)
#   vmm.mig=SECS       migration mode: after the pings above, device a pings
#                      vmm.peer every SECS seconds until L1 says "stop" (L1
#                      migrates L2 meanwhile, maybe more than once), then
#                      reports the replies lost and any sign of a device
#                      reset (see mig_ping)
#
# The second serial port (ttyS1) is the control channel with L1: records
# "@l2 ..." go out on it; L1 answers "go" after "@l2 ready" (it reads the
# mdev's counters first), "stop" after "@l2 pinging" in migration mode, and
# "quit" after "@l2 done"; L2 acknowledges each ("@l2 got WORD", wait_cmd).
# The kernel console and every command's output go
# to ttyS0. A migration moves the serial ports with the rest: after it, the
# records reach L1 through the destination QEMU.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
# iproute2's ip, by path (busybox sh prefers its own applet, which has no
# network namespaces).
IP=/usr/sbin/ip
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /var && ln -s /run /var/run
$IP link set lo up

exec 3<> /dev/ttyS1
stty -F /dev/ttyS1 -echo -onlcr 2>/dev/null
rec() { echo "@l2 $*" >&3; echo "@l2 $*" > /dev/console; }
arg() {
	local w
	for w in $(cat /proc/cmdline); do
		case "$w" in "$1"=*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}
# wait_cmd WORD SECS: wait for WORD on the control channel, and acknowledge
# it ("@l2 got WORD"): L1 sends a word again when no acknowledgement comes
# (once, after a migration, L2's port counted the three bytes of "go" and
# no line was ever read).  A line that only ends with WORD counts (what
# came before it is shown); any other line is shown and skipped.  Every
# 30 s without WORD, the console gets the port's counters, IRQ 3's count
# (ttyS1's) and how many reads returned without a line: whether the port
# received anything, and whether reading it fails.
wait_cmd() {
	local line now t0 end next fails=0
	t0=$(cut -d. -f1 /proc/uptime)
	end=$((t0 + $2)) next=$((t0 + 30))
	while now=$(cut -d. -f1 /proc/uptime) && [ "$now" -lt "$end" ]; do
		if [ "$now" -ge "$next" ]; then
			echo "l2: waiting for '$1' $((now - t0)) s: ttyS1 $(sed -n 's/^1: //p' /proc/tty/driver/serial); $(grep -E '^ *3:' /proc/interrupts | tr -s ' '); reads without a line: $fails"
			next=$((now + 30))
		fi
		line=
		if ! read -t 5 line <&3; then
			fails=$((fails + 1))
			[ -z "$line" ] || echo "l2: a partial line on the control channel: '$line'"
			continue
		fi
		line=$(echo "$line" | tr -d '\r')
		case "$line" in
		"$1") ;;
		*"$1") echo "l2: '$1' after other bytes: $(printf %s "$line" | od -An -tx1 | tr -s ' ')" ;;
		*) echo "l2: while waiting for '$1': '$line' ($(printf %s "$line" | od -An -tx1 | tr -s ' '))"
		   continue ;;
		esac
		rec "got $1"
		return 0
	done
	echo "l2: no '$1' from L1 within $2 s"
	return 1
}
# die REASON: the kernel log for L1's diagnostics, then off.
die() {
	rec "error $*"
	dmesg | tail -n 40
	rec done
	sleep 1
	poweroff -f
}

rec "boot uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
peer=$(arg vmm.peer) || die "no vmm.peer= on the command line"
count=$(arg vmm.count || echo 10)

modprobe igbvf || die "modprobe igbvf failed"
# virtio-net: the NIC the migration benchmark compares the mdev with.
modprobe virtio_net 2>/dev/null

# ifname MAC: the PCI netdev with that MAC (waits up to 15 s for it).
ifname() {
	local i=0 d
	while [ "$i" -lt 30 ]; do
		for d in /sys/class/net/*; do
			[ -e "$d/device" ] && [ "$(cat "$d/address")" = "$1" ] &&
				{ echo "${d##*/}"; return 0; }
		done
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# setup KEY NS: bring up the device of vmm.KEY=MAC,IP/LEN, in netns NS
# when NS is not empty; its name in $dev.
setup() {
	local spec mac ip drv pci n=0 t0 nsip
	dev=
	spec=$(arg "vmm.$1") || return 1
	mac=${spec%%,*}
	ip=${spec#*,}
	if ! dev=$(ifname "$mac"); then
		rec "nonetdev $1 mac=$mac"
		return 1
	fi
	drv=$(basename "$(readlink "/sys/class/net/$dev/device/driver")")
	pci=$(basename "$(readlink "/sys/class/net/$dev/device")")
	rec "netdev $1 name=$dev mac=$mac driver=$drv pci=$pci"
	nsip="$IP"
	if [ -n "$2" ]; then
		$IP netns add "$2" || return 1
		$IP link set "$dev" netns "$2" || return 1
		nsip="$IP -n $2"
		$nsip link set lo up
	fi
	$nsip addr add "$ip" dev "$dev"
	$nsip link set "$dev" up
	t0=$(cut -d' ' -f1 /proc/uptime)
	while ! $nsip link show "$dev" | grep -q LOWER_UP; do
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then
			rec "link $1 $dev down after 20 s"
			$nsip link show "$dev"
			return 1
		fi
		sleep 0.2
	done
	rec "link $1 $dev up after $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
		'BEGIN { printf "%.1f", b - a }') s ip=$ip"
}

# ping_rec LABEL NS DST: ping DST (from netns NS if set), one record.
ping_rec() {
	local out rc=0 sent recv rtt
	if [ -n "$2" ]; then
		out=$($IP netns exec "$2" ping -c "$count" -i 0.2 -W 2 "$3" 2>&1) || rc=$?
	else
		out=$(ping -c "$count" -i 0.2 -W 2 "$3" 2>&1) || rc=$?
	fi
	echo "$out"
	sent=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	recv=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	rtt=$(echo "$out" | sed -n 's/^round-trip min\/avg\/max = \([^ ]*\) ms.*/\1/p')
	rec "ping $1 dst=$3 sent=${sent:-0} recv=${recv:-0} rtt=${rtt:--} rc=$rc"
}

# tx_timeouts DEV: the stack's TX watchdog firings on DEV, all queues.
tx_timeouts() {
	cat /sys/class/net/"$1"/queues/tx-*/tx_timeout 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }'
}

# mig_ping DEV PEER SECS: ping PEER every SECS seconds until L1 says "stop";
# meanwhile L1 migrates L2. Records:
#   mping: echo requests sent, replies received (duplicates once), the
#     longest run of lost replies (lost_run, and gap_ms = lost_run * SECS in
#     L2's time: a stopped guest sends nothing, so the time it spends
#     stopped is QEMU's downtime, not in this figure), every run of losses
#     (gaps=SEQ+LEN,...), the requests still unanswered at the end
#     (tail_lost: replies that stopped coming) and the slowest reply;
#   reset: what would show a reset of the device while pinging: carrier
#     changes (igbvf's reset path takes the carrier down), TX watchdog
#     timeouts, and the kernel's messages about the device since "go"
#     (igbvf says nothing in a clean run: a reset, "PF still resetting", a
#     link change or a hang all print).
mig_ping() {
	local dev=$1 cc0 to0 n0 pid r
	cc0=$(cat "/sys/class/net/$dev/carrier_changes")
	to0=$(tx_timeouts "$dev")
	n0=$(dmesg | wc -l)
	ping -i "$3" "$2" > /tmp/mping.out 2>&1 &
	pid=$!
	rec "pinging $dev dst=$2 interval=$3"
	wait_cmd stop 1200
	kill -INT "$pid"
	wait "$pid"
	tail -n 3 /tmp/mping.out
	r=$(awk -v ival="$3" '
		/ seq=/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^seq=/) s = substr($i, 5) + 0
				if ($i ~ /^time=/) t = substr($i, 6) + 0
			}
			if (!(s in seen)) { seen[s] = 1; n++; if (s > max) max = s }
			if (t > rtt) rtt = t
		}
		/packets transmitted/ { sent = $1; stats = 1 }
		END {
			if (!stats) sent = -1	# no statistics: nothing to judge the tail by
			if (!n) max = -1
			for (s = 0; s <= max + 1; s++) {
				if (s <= max && !(s in seen)) { run++; lost++; continue }
				if (run) gaps = gaps (gaps ? "," : "") (s - run) "+" run
				if (run > best) best = run
				run = 0
			}
			printf "sent=%d recv=%d lost=%d lost_run=%d gap_ms=%.0f tail_lost=%d rtt_max=%.1f gaps=%s",
				sent, n, lost, best, best * ival * 1000, sent - max - 1,
				rtt, gaps ? gaps : "-"
		}' /tmp/mping.out)
	rec "mping a $r"
	dmesg | tail -n +"$((n0 + 1))" | grep -Ei 'igbvf|virtio|eth[0-9]|ens|enp' > /tmp/devmsg
	rec "reset a carrier_changes=$(($(cat "/sys/class/net/$dev/carrier_changes") - cc0)) tx_timeouts=$(($(tx_timeouts "$dev") - to0)) msgs=$(wc -l < /tmp/devmsg)"
	sed 's/^/l2 device message since go: /' /tmp/devmsg
}

b=
arg vmm.b > /dev/null && setup b b && b=$dev
setup a "" || die "device a did not come up"
a=$dev
rec "ready uptime=$(cut -d' ' -f1 /proc/uptime)"
# L1 may do much before it says "go" (vmm_libvirt migrates the domain
# first: minutes on a debug kernel); pinging without it would be pinging
# from the wrong place, so no "go" is an error.
wait_cmd go "$(arg vmm.go_tmo || echo 900)" || die "no 'go' from L1"
ping_rec a_to_peer "" "$peer"
mig=$(arg vmm.mig) && mig_ping "$a" "$peer" "$mig"
if [ -n "$b" ]; then
	ping_rec b_to_peer b "$peer"
	bip=$(arg vmm.b)
	bip=${bip#*,}
	ping_rec a_to_b "" "${bip%/*}"
fi

# What L2 saw: statistics, interrupts, igbvf's messages.
$IP -s link show "$a"
[ -z "$b" ] || $IP -n b -s link show "$b"
grep -E 'igbvf|eth|ens|enp' /proc/interrupts
irqs=$(grep -E "$a" /proc/interrupts | awk '{ s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break; t += s } END { print t + 0 }')
rec "irqs a $a $irqs"
dmesg | grep -i igbvf
# Kernel messages at warning level or worse about the devices, their
# interrupts and DMA, or kernel reports: none expected. The others come
# from the nested, emulated platform (APIC calibration, timers) and are
# only shown.
dmesg -r | grep '^<[0-4]>' > /tmp/klog.all
grep -Ei 'igbvf|eth[0-9]|pci|msi|irq|dma|iommu|BUG|WARNING|Call Trace|Oops|panic' \
	/tmp/klog.all > /tmp/klog
grep -vxF -f /tmp/klog /tmp/klog.all > /tmp/klog.other
rec "klog warnings=$(wc -l < /tmp/klog) other=$(wc -l < /tmp/klog.other)"
sed 's/^/l2 klog: /' /tmp/klog
sed 's/^/l2 klog (platform, not counted): /' /tmp/klog.other
rec done
wait_cmd quit 120
poweroff -f
