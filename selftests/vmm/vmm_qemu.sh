#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmm_qemu: a real, unmodified VMM drives the mdev. In the rig (L1), the
# host's QEMU 10 (run through "chroot /host") boots a nested guest (L2,
# -accel kvm) with VFs given as
#
#   qemu10_mdev_*      two mdevs (-device vfio-pci,sysfsdev=/sys/bus/mdev/...)
#   qemu10_vfio_pci_*  two VFs bound to vfio-pci (-device vfio-pci,host=...),
#                      the baseline
#   qemu72_mdev_*      one mdev, with QEMU 7.2 (scripts/deps.sh) as the VMM
#
# L2 is the rig's own kernel with an initramfs of busybox and igbvf
# (scripts/l2-initramfs.sh, at /vfmdev/l2/); Linux's igbvf brings the VFs
# up and L2 pings the PF's address in L1 (10.77.0.1) from the first VF, and
# with two VFs, pings from the second (in a network namespace of L2) and
# between the two, through QEMU igb's VF-to-PF and VF-to-VF switching. For
# an mdev, the counters in /sys/kernel/debug/vf_mdev/<uuid>/state are read
# just before and just after the pings: the pings must show there as TX
# doorbells and descriptors and RX descriptors (the mediation saw every
# one), with no errors.
#
# *_no_warnings: QEMU printed nothing, and neither L2's kernel (about the
# devices) nor the rig's (vfmdev, VFIO, IOMMU) warned during the run.
#
# Each case fails with the end of L2's console, QEMU's messages and the
# kernel log. Cases are skipped only when the rig lacks something (no host
# root, no /dev/kvm, vfmdev modules not built, QEMU 7.2 not extracted).
# From QEMU's start to igbvf up in L2: 20-30 s on a quiet machine, up to
# 80 s on a loaded one; the program takes 2-4 min, so the rig gives vmm_*
# programs twice the per-program limit (scripts/guest/job-test.sh).
IP=/usr/sbin/ip
L2DIR=${VFMDEV_L2DIR:-/vfmdev/l2}
QDIR=/tmp/vmm_qemu		# as QEMU sees it, inside chroot /host
WORK=/host$QDIR			# tmpfs in the rig
PF_IP=10.77.0.1
COUNT=10
READY_TMO=${VMM_READY_TMO:-150}	# QEMU start to L2 ready
DONE_TMO=90
EXIT_TMO=30

[ -n "$VFMDEV_PF" ] || { [ -f /run/vfmdev.env ] && . /run/vfmdev.env; }

CASES="qemu10_mdev_boot qemu10_mdev_igbvf_link qemu10_mdev_ping
qemu10_mdev_vf_to_vf qemu10_mdev_counters qemu10_mdev_no_warnings
qemu10_vfio_pci_boot qemu10_vfio_pci_igbvf_link qemu10_vfio_pci_ping
qemu10_vfio_pci_vf_to_vf qemu10_vfio_pci_no_warnings
qemu72_mdev_boot qemu72_mdev_igbvf_link qemu72_mdev_ping qemu72_mdev_counters
qemu72_mdev_no_warnings"

echo "TAP version 13"
echo "1..$(echo $CASES | wc -w)"
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# fail CASE REASON: the run's diagnostics, then the reason (the last "#"
# line before "not ok" is what the rig's results show).
fail() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	diagnose
	echo "# $1: $2"
	echo "not ok $n $1"
}
diag() { echo "$*" | sed 's/^/# /'; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The current run's files (set by run_l2).
run=
diag_run=
# diagnose: what a failure of the current run shows (once per run).
diagnose() {
	[ -n "$run" ] || return 0
	if [ "$diag_run" = "$run" ]; then
		echo "# (L2 console, QEMU's messages and the kernel log: above)"
		return 0
	fi
	diag_run=$run
	if [ -s "$run/console.log" ]; then
		echo "# --- L2 console ($QDIR/${run##*/}/console.log), last 25 lines:"
		tr -d '\r' < "$run/console.log" | grep -v '^$' | tail -n 25 | sed 's/^/#   /'
	else
		echo "# --- L2 console: empty"
	fi
	if [ -s "$run/qemu.log" ]; then
		echo "# --- QEMU's messages:"
		tail -n 10 "$run/qemu.log" | sed 's/^/#   /'
	fi
	echo "# --- L1 kernel log since the run started, last 15 lines:"
	dmesg | awk -v t="$run_t0" '{ s = $0; sub(/^\[ */, "", s); if (s + 0 >= t) print }' |
		tail -n 15 | sed 's/^/#   /'
}

# skip_all REASON: every case skipped.
skip_all() {
	for c in $CASES; do skip "$c" "$1"; done
	echo "# Totals: pass:0 fail:0 skip:$n"
	exit 4
}

# --- What the rig must have --------------------------------------------------
grep -q ' /host 9p ' /proc/mounts ||
	skip_all "the host root is not shared (rig.sh --hostroot): no QEMU to run"
[ -c /dev/kvm ] || skip_all "no /dev/kvm in the rig (kvm_amd not loaded)"
[ -x /host/usr/bin/qemu-system-x86_64 ] || skip_all "no /usr/bin/qemu-system-x86_64 on the host"
set -- $VFMDEV_VFS
[ -n "$VFMDEV_PF" ] && [ "$#" -ge 4 ] || skip_all "needs the PF and 4 VFs, have '$VFMDEV_VFS'"
VF0=$1 VF1=$2 VF2=$3 VF3=$4

# Missing L2 files are a build failure, not something the rig lacks.
l2_missing=
if [ ! -f "$L2DIR/initramfs.cpio.gz" ] || [ ! -f "$L2DIR/env" ]; then
	l2_missing="no L2 initramfs at $L2DIR (scripts/l2-initramfs.sh failed or did not run)"
else
	. "$L2DIR/env"
	[ -f "/host$L2_KIMAGE" ] || l2_missing="L2 kernel /host$L2_KIMAGE missing"
fi

# L2's kernel and initramfs in the rig's tmpfs: read once, not through 9p
# at every boot.
rm -rf "$WORK"
mkdir -p "$WORK"
if [ -z "$l2_missing" ]; then
	cp "$L2DIR/initramfs.cpio.gz" "$WORK/l2.cpio.gz"
	cp "/host$L2_KIMAGE" "$WORK/l2.kernel"
fi

pfdev=$(ls "/sys/bus/pci/devices/$VFMDEV_PF/net" 2>/dev/null | head -n 1)
# vf_mac BDF: give VF n the rig's MAC 02:00:00:00:00:0n again (an earlier
# test may have changed it) and print it.
vf_mac() {
	local i=0 v
	for v in $VFMDEV_VFS; do
		[ "$v" = "$1" ] && break
		i=$((i + 1))
	done
	$IP link set "$pfdev" vf "$i" mac "02:00:00:00:00:0$i" &&
		echo "02:00:00:00:00:0$i"
}

# --- Binding and cleanup -------------------------------------------------------
MDEVS=
BOUND=
qpid=
cleanup() {
	local u v d
	[ -z "$qpid" ] || { kill -9 "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; }
	for u in $MDEVS; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 > "/sys/bus/mdev/devices/$u/remove"
	done
	for v in $BOUND; do
		d=/sys/bus/pci/devices/$v
		[ -e "$d/driver" ] && echo "$v" > "$d/driver/unbind"
		echo > "$d/driver_override"
	done
	MDEVS= BOUND=
	[ -z "$pfdev" ] || $IP addr del "$PF_IP/24" dev "$pfdev" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# bind BDF DRIVER: BDF bound to DRIVER through driver_override.
bind() {
	local d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
	echo "$2" > "$d/driver_override"
	BOUND="$BOUND $1"
	echo "$1" > "/sys/bus/pci/drivers/$2/bind" 2>/dev/null ||
		echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = "$2" ]
}

# new_mdev BDF: bind BDF to igbvf_mdev and create its mdev, UUID in $uuid.
new_mdev() {
	local t=/sys/bus/pci/devices/$1/mdev_supported_types/igbvf_mdev-vf
	uuid=
	bind "$1" igbvf_mdev || { echo "# binding $1 to igbvf_mdev failed"; return 1; }
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$t/create" || { echo "# creating an mdev on $1 failed"; return 1; }
	MDEVS="$MDEVS $uuid"
}

# --- One L2 run -------------------------------------------------------------
# run_l2 NAME QEMU QEMU_OPTS DEVICES APPEND MDEVS: boot L2 with QEMU (a path
# on the host) and the given -device options; for each UUID in MDEVS read
# the mdev's counters at "ready" and at "done". Leaves in $run/: console.log,
# qemu.log, ctl.out (L2's records), before.UUID and after.UUID, times.
rec() { tr -d '\r' < "$run/ctl.out" 2>/dev/null | grep "^@l2 $1" | tail -n 1; }
alive() { kill -0 "$qpid" 2>/dev/null; }
# wait_rec WORD SECS: until L2 sends "@l2 WORD", QEMU exits or SECS pass.
wait_rec() {
	local end
	end=$(awk -v t="$(uptime_s)" -v s="$2" 'BEGIN { printf "%d", t + s }')
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		[ -n "$(rec "$1")" ] && return 0
		alive || { [ -n "$(rec "$1")" ]; return; }
		sleep 0.5
	done
	return 1
}
# send WORD: to L2's control channel (a FIFO QEMU holds open).
send() { alive && timeout 5 sh -c "echo $1 > '$run/ctl.in'"; }
snap() {
	local u
	for u in $2; do
		cat "/sys/kernel/debug/vf_mdev/$u/state" > "$run/$1.$u" 2>&1
	done
}

run_l2() {
	local name=$1 qemu=$2 qopts=$3 devs=$4 append=$5 mdevs=$6 t
	run=$WORK/$name
	mkdir -p "$run"
	mkfifo "$run/ctl.in"
	: > "$run/ctl.out"
	run_t0=$(uptime_s)
	echo "# $name: chroot /host ${qemu##*/} ... $devs"
	# Word splitting of the option strings is intended (no spaces in values).
	chroot /host "$qemu" $qopts -accel kvm -cpu host -machine q35 -m 192M -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$QDIR/l2.kernel" -initrd "$QDIR/l2.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet pci=noearly,lastbus=0 mitigations=off tsc=reliable $append" \
		-serial "file:$QDIR/$name/console.log" -serial "pipe:$QDIR/$name/ctl" \
		$devs > "$run/qemu.log" 2>&1 < /dev/null &
	qpid=$!
	t_boot= t_ready= t_done= qrc=
	if wait_rec boot "$READY_TMO"; then
		t_boot=$(secs "$run_t0" "$(uptime_s)")
		if wait_rec ready "$READY_TMO"; then
			t_ready=$(secs "$run_t0" "$(uptime_s)")
			snap before "$mdevs"
			send go
			if wait_rec "done" "$DONE_TMO"; then
				t_done=$(secs "$run_t0" "$(uptime_s)")
				snap after "$mdevs"
				send quit
			fi
		fi
	fi
	# L2 powers off after "quit"; otherwise it is stopped here.
	t=0
	while alive && [ "$t" -lt $((EXIT_TMO * 2)) ]; do
		sleep 0.5
		t=$((t + 1))
	done
	if alive; then
		[ -z "$t_done" ] || echo "# $name: QEMU still running ${EXIT_TMO} s after 'quit': killed"
		kill -9 "$qpid"
		qrc=killed
	fi
	wait "$qpid"
	t=$?
	[ -n "$qrc" ] || qrc=$t
	qpid=
	echo "# $name: QEMU exit $qrc; L2 init after ${t_boot:--} s, ready after ${t_ready:--} s, done after ${t_done:--} s"
	if [ -s "$run/qemu.log" ]; then
		echo "# $name: QEMU said:"
		sed 's/^/#   /' "$run/qemu.log"
	fi
	tr -d '\r' < "$run/ctl.out" | grep '^@l2' | sed "s/^/# $name: /"
	echo "# $name: L2 console:"
	tr -d '\r' < "$run/console.log" | grep -v '^$' | sed 's/^/#   /'
}

# --- Verdicts ---------------------------------------------------------------
# check_boot CASE, check_link CASE [b], check_ping CASE LABEL...
check_boot() {
	if [ -n "$(rec boot)" ]; then
		ok "$1" "L2 /init after $t_boot s"
	else
		fail "$1" "L2 never reached /init (QEMU exit $qrc)"
	fi
}
check_link() {
	local c=$1 r why
	shift
	for k in "$@"; do
		r=$(rec "link $k ")
		case "$r" in
		*" up after "*) continue ;;
		esac
		why=$(rec "error")
		[ -n "$why" ] || why=$(rec "nonetdev $k")
		[ -n "$why" ] || why=$r
		fail "$c" "device $k: ${why:-no link record from L2} (netdev: $(rec "netdev $k"))"
		return
	done
	r=$(rec "netdev a")
	ok "$c" "${r#@l2 netdev a } ready after $t_ready s"
}
# A ping passes when every echo request got its reply.
check_ping() {
	local c=$1 r bad= sum=
	shift
	for p in "$@"; do
		r=$(rec "ping $p ")
		case "$r" in
		*" sent=$COUNT recv=$COUNT "*) sum="$sum ${p}:rtt=${r#*rtt=}" ;;
		*) bad="$bad ${p}: ${r:-no result from L2}" ;;
		esac
	done
	if [ -n "$bad" ]; then
		fail "$c" "$bad"
	else
		ok "$c" "$COUNT/$COUNT${sum}"
	fi
}

# check_clean CASE: QEMU printed nothing (it is silent when all is well),
# L2's kernel logged nothing at warning level or worse about the devices
# (see l2_init.sh), and neither did the rig's kernel from vfmdev, VFIO or
# the IOMMU during the run. The PF's own warnings (igb refusing the MAC
# changes igbvf asks for) are the same with vfio-pci and are not counted.
check_clean() {
	local q k l
	q=$(grep -c . "$run/qemu.log")
	k=$(rec "klog warnings=")
	k=${k#*warnings=}
	k=${k%% *}
	dmesg -r | awk -v t="$run_t0" '/^<[0-4]>/ {
		s = $0; sub(/^<[0-9]+>\[ */, "", s); if (s + 0 >= t) print }' |
		grep -Ei 'vf_mdev|igbvf_mdev|vfio|dmar|iommu' > "$run/l1klog"
	l=$(grep -c . "$run/l1klog")
	if [ -z "$k" ]; then
		fail "$1" "L2 did not report its kernel log (it did not finish)"
	elif [ "$q" -gt 0 ] || [ "$k" -gt 0 ] || [ "$l" -gt 0 ]; then
		tr -d '\r' < "$run/console.log" | grep '^l2 klog: ' | sed 's/^/# /'
		sed 's/^/# l1 klog: /' "$run/l1klog"
		# A known cause, said plainly.
		grep -q 'Could not enable error recovery' "$run/qemu.log" &&
			echo "# the device reports no error interrupt (VFIO_PCI_ERR_IRQ_INDEX count 0); vfio-pci reports 1 for a PCIe VF"
		fail "$1" "QEMU printed $q line(s), L2's kernel $k warning(s), the rig's kernel $l$([ "$q" -eq 0 ] || echo "; QEMU's first: $(head -n 1 "$run/qemu.log")")"
	else
		ok "$1"
	fi
}

# field FILE RING_DIR WORD: sum of WORD over the rx or tx rings in FILE.
field() {
	awk -v d="$2" -v w="$3" '$1 == "ring" && $3 == d {
		for (i = 4; i < NF; i++) if ($i == w) s += $(i + 1) }
		END { print s + 0 }' "$1" 2>/dev/null
}
# check_counters CASE UUID:MIN...: between "ready" and "done" each mdev's
# TX rings took at least MIN descriptors in at least MIN doorbells (one per
# echo request or reply it sent), its RX rings at least MIN descriptors (one
# per frame it received), its rings logged no errors, its pin cache holds
# pages and the device was open.
check_counters() {
	local c=$1 u min b a bad= msg=
	shift
	for spec in "$@"; do
		u=${spec%%:*}
		min=${spec#*:}
		b=$run/before.$u
		a=$run/after.$u
		if [ ! -s "$b" ] || [ ! -s "$a" ]; then
			bad="$bad $u: no counters read (L2 did not reach ready/done)"
			continue
		fi
		echo "# counters of $u after the pings:"
		sed 's/^/#   /' "$a"
		local txdb txd rxdb rxd err pages
		txdb=$(($(field "$a" tx doorbells) - $(field "$b" tx doorbells)))
		txd=$(($(field "$a" tx descs) - $(field "$b" tx descs)))
		rxdb=$(($(field "$a" rx doorbells) - $(field "$b" rx doorbells)))
		rxd=$(($(field "$a" rx descs) - $(field "$b" rx descs)))
		err=$(field "$a" tx errors)
		err=$((err + $(field "$a" rx errors)))
		pages=$(awk '$1 == "pin_cache:" { print $3 }' "$a")
		msg="$msg ${u%%-*}: tx +${txdb} doorbells +${txd} descs, rx +${rxdb} doorbells +${rxd} descs, ${pages:-?} pages pinned, ${err} errors;"
		grep -q '^open: 1' "$a" || bad="$bad $u: not open during the pings;"
		[ "$txdb" -ge "$min" ] && [ "$txd" -ge "$min" ] ||
			bad="$bad $u: expected at least $min TX doorbells and descriptors during the pings;"
		# igbvf gives back every buffer it received into at the end
		# of each poll: one RX descriptor per frame received.
		[ "$rxd" -ge "$min" ] ||
			bad="$bad $u: expected at least $min RX descriptors during the pings;"
		[ "$err" -eq 0 ] || bad="$bad $u: $err ring errors;"
		[ "${pages:-0}" -gt 0 ] || bad="$bad $u: empty pin cache;"
	done
	if [ -n "$bad" ]; then
		fail "$c" "$bad (seen:$msg)"
	else
		ok "$c" "${msg% ;}"
	fi
}

# skip_run PREFIX REASON CASE...: the cases of a run that cannot happen.
skip_run() {
	local p=$1 why=$2
	shift 2
	for c in "$@"; do skip "${p}_$c" "$why"; done
}
# fail_run PREFIX REASON CASE...
fail_run() {
	local p=$1 why=$2
	shift 2
	for c in "$@"; do fail "${p}_$c" "$why"; done
}

# --- The runs -----------------------------------------------------------------
t_all=$(uptime_s)
$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
M0=$(vf_mac "$VF0") M1=$(vf_mac "$VF1") M2=$(vf_mac "$VF2") M3=$(vf_mac "$VF3")
echo "# PF $VFMDEV_PF ($pfdev) $PF_IP; VFs $VF0 $M0, $VF1 $M1, $VF2 $M2, $VF3 $M3"
APPEND2="vmm.peer=$PF_IP vmm.count=$COUNT"
Q10=/usr/bin/qemu-system-x86_64
RP="-device pcie-root-port,id=rp1,chassis=1,slot=1 -device pcie-root-port,id=rp2,chassis=2,slot=2"
echo "# $(chroot /host $Q10 --version | head -n 1)"

mdev_ok=1
[ -d /sys/bus/pci/drivers/igbvf_mdev ] || mdev_ok=0

# QEMU 10, two mdevs.
P=qemu10_mdev
if [ "$mdev_ok" = 0 ]; then
	skip_run $P "igbvf_mdev not loaded (vfmdev modules not built)" boot igbvf_link ping vf_to_vf counters no_warnings
elif [ -n "$l2_missing" ]; then
	fail_run $P "$l2_missing" boot igbvf_link ping vf_to_vf counters no_warnings
elif ! new_mdev "$VF0" || ! U0=$uuid || ! new_mdev "$VF1" || ! U1=$uuid; then
	fail_run $P "could not create the mdevs (see the kernel log)" boot igbvf_link ping vf_to_vf counters no_warnings
else
	run_l2 $P $Q10 "" "$RP -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U0,bus=rp1 -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U1,bus=rp2" \
		"vmm.a=$M0,10.77.0.2/24 vmm.b=$M1,10.77.0.3/24 $APPEND2" "$U0 $U1"
	check_boot ${P}_boot
	check_link ${P}_igbvf_link a b
	check_ping ${P}_ping a_to_peer
	check_ping ${P}_vf_to_vf b_to_peer a_to_b
	# a sends COUNT requests to the PF and COUNT to b and receives their
	# replies; b sends COUNT requests to the PF and COUNT replies to a,
	# and receives as many.
	check_counters ${P}_counters "$U0:$((2 * COUNT))" "$U1:$((2 * COUNT))"
	check_clean ${P}_no_warnings
fi
cleanup

# QEMU 10, two VFs on vfio-pci: the baseline.
P=qemu10_vfio_pci
run=
if [ -n "$l2_missing" ]; then
	fail_run $P "$l2_missing" boot igbvf_link ping vf_to_vf no_warnings
elif ! bind "$VF2" vfio-pci || ! bind "$VF3" vfio-pci; then
	fail_run $P "could not bind $VF2 and $VF3 to vfio-pci" boot igbvf_link ping vf_to_vf no_warnings
else
	$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
	run_l2 $P $Q10 "" "$RP -device vfio-pci,host=$VF2,bus=rp1 -device vfio-pci,host=$VF3,bus=rp2" \
		"vmm.a=$M2,10.77.0.2/24 vmm.b=$M3,10.77.0.3/24 $APPEND2" ""
	check_boot ${P}_boot
	check_link ${P}_igbvf_link a b
	check_ping ${P}_ping a_to_peer
	check_ping ${P}_vf_to_vf b_to_peer a_to_b
	check_clean ${P}_no_warnings
fi
cleanup

# QEMU 7.2, one mdev.
P=qemu72_mdev
Q72=${QEMU72:-/var/cache/vfmdev/qemu-7.2}
run=
if [ "$mdev_ok" = 0 ]; then
	skip_run $P "igbvf_mdev not loaded (vfmdev modules not built)" boot igbvf_link ping counters no_warnings
elif [ ! -x "/host$Q72/usr/bin/qemu-system-x86_64" ]; then
	skip_run $P "no QEMU 7.2 at $Q72 on the host (scripts/deps.sh extracts it)" boot igbvf_link ping counters no_warnings
elif [ -n "$l2_missing" ]; then
	fail_run $P "$l2_missing" boot igbvf_link ping counters no_warnings
elif ! new_mdev "$VF0" || ! U0=$uuid; then
	fail_run $P "could not create the mdev (see the kernel log)" boot igbvf_link ping counters no_warnings
else
	$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
	echo "# $(chroot /host "$Q72/usr/bin/qemu-system-x86_64" --version | head -n 1)"
	run_l2 $P "$Q72/usr/bin/qemu-system-x86_64" \
		"-L $Q72/usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu" \
		"$RP -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U0,bus=rp1" \
		"vmm.a=$M0,10.77.0.2/24 $APPEND2" "$U0"
	check_boot ${P}_boot
	check_link ${P}_igbvf_link a
	check_ping ${P}_ping a_to_peer
	check_counters ${P}_counters "$U0:$COUNT"
	check_clean ${P}_no_warnings
fi
cleanup

echo "# vmm_qemu: $(secs "$t_all" "$(uptime_s)") s for all runs"
echo "# Totals: pass:$((n - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
