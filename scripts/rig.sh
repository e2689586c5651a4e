#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/rig.sh [options]: boot the vfmdev QEMU rig and run one job in it.
#
#   --kernel NAME|ENVFILE  kernel to boot (default stock; see scripts/lib.sh)
#   --job JOB              scripts/guest/job-JOB.sh: test (default), vmm,
#                          demo, bench, soak, shell
#   --timeout SECS         whole-boot limit (default: test/bench 1200,
#                          demo 600, shell none), times the kernel's KSLOW
#                          up to 1500 (vmm: 3600)
#   --test-timeout SECS    per-program limit inside the guest (default 300),
#                          times KSLOW up to 600
#   --hostroot / --no-hostroot
#                          share the host's / read-only over 9p, mounted in
#                          the guest at /host (default: on)
#   --out DIR              results directory (default results/KERNEL/JOB)
#   --live                 print the result channel while the guest runs
#   --progress             print each program's start and end as it happens
#
# RIG_APPEND adds words to the guest kernel's command line (after the
# kernel's own KAPPEND), e.g. vfmdev.rounds=20 for the soak job.
#
# RIG_SMP sets the guest's vCPU count: by default 1, and 2 for the jobs that
# run a nested VMM (vmm, demo). With two vCPUs, QEMU 10.0's multi-threaded
# TCG wedged this rig about once per 2-5 minutes of tests that open and reset
# VFs: an idle vCPU stops taking its local APIC timer interrupt (the kernel
# reports RCU stalls; an NMI wakes it, yet no timer interrupt follows), and
# once QEMU aborted in iotlb_to_section(). One vCPU ran 24 of those programs
# in a row with no wedge and no loss of speed (they are single-threaded).
# But a nested guest needs the second vCPU: with one, the vCPU that runs L2
# under TCG's emulated SVM took no timer interrupt for up to 129 s (L1's
# clocksource watchdog saw it), so the VMM's side of the test starved; and
# round-robin TCG (one host thread for both vCPUs) is too slow for L2 to
# boot within 150 s.
#
# RIG_TCG_THREAD=single runs all vCPUs on one host thread instead of
# multi-threaded TCG (for chasing races in QEMU's MTTCG).
#
# The guest is an x86-64 q35 machine under TCG with an emulated VT-d
# (intel-iommu, interrupt remapping, caching mode) and one igb PF behind a
# PCIe root port. The initramfs must exist (scripts/initramfs.sh).
#
# In DIR: console.log (ttyS0: kernel console and program output),
# serial.log (ttyS1: the result channel), qemu.log, status (a line
# "rc=N secs=S" with rc 124 on timeout), stopped (why the host stopped a
# wedged guest).
# Exit status: 0 when the guest finished its job, 124 on timeout, 125 when
# the host stopped a wedged guest or QEMU aborted in iotlb_to_section(),
# else QEMU's status or 1 when the guest stopped without finishing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kernel=stock job=test tmo= ttmo=300 hostroot=1 outdir= live=0 progress=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--job) job=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--test-timeout) ttmo=$2; shift ;;
	--hostroot) hostroot=1 ;;
	--no-hostroot) hostroot=0 ;;
	--out) outdir=$2; shift ;;
	--live) live=1 ;;
	--progress) progress=1 ;;
	*) die "rig.sh: unknown option $1" ;;
	esac
	shift
done
[ -f "$here/guest/job-$job.sh" ] || die "rig.sh: no job '$job' (scripts/guest/job-$job.sh)"
load_kernel "$kernel"

case "$job" in
vmm|demo) smp=${RIG_SMP:-2} ;;
*) smp=${RIG_SMP:-1} ;;
esac

img="$VFMDEV_TOP/out/$KNAME/initramfs.cpio"
[ -f "$img" ] || die "rig.sh: no $img (scripts/initramfs.sh $KNAME)"
if [ -z "$tmo" ]; then
	case "$job" in
	demo) tmo=600 ;;
	shell) tmo=0 ;;
	*) tmo=1200 ;;
	esac
fi
# A slow (debug) kernel gets more time, within bounds: a hung run still ends
# in reasonable time.  The vmm job runs several nested-VMM programs, each
# with nested boots and migrations (all of them: 25 to 40 minutes on the
# debug kernel under TCG, with the machine's load; make test's default set
# there, the two migration runs: about 10; a run repeated once for a
# silent nested reset adds up to 7): its bound is higher.
tmo=$((tmo * KSLOW))
tmax=1500
[ "$job" != vmm ] || tmax=3600
[ "$tmo" -le "$tmax" ] || tmo=$tmax
ttmo=$((ttmo * KSLOW))
[ "$ttmo" -le 600 ] || ttmo=600
outdir=${outdir:-$VFMDEV_TOP/results/$KNAME/$job}
mkdir -p "$outdir"
rm -f "$outdir"/{console.log,serial.log,qemu.log,status,stopped,frozen}
sysmap=$(dirname "$KIMAGE")/System.map
[ -f "$sysmap" ] || sysmap=/boot/System.map-$KREL

# no_timer_check: on a loaded host the early check that the timer ticks
# through the interrupt-remapped IO-APIC can miss its window under TCG and
# panic ("timer doesn't work through Interrupt-remapped IO-APIC", seen).
append="console=ttyS0 intel_iommu=on panic=-1 printk.time=1 printk.devkmsg=on"
append="$append no_timer_check"
# nokaslr: the post-mortem of a frozen guest names its stack's addresses
# from System.map.
append="$append nokaslr"
append="$append vfmdev.job=$job vfmdev.tmo=$ttmo vfmdev.hostroot=$hostroot"
[ -z "$KAPPEND" ] || append="$append $KAPPEND"
[ -z "${RIG_APPEND:-}" ] || append="$append $RIG_APPEND"

qemu=(qemu-system-x86_64 -accel "tcg,thread=${RIG_TCG_THREAD:-multi}"
	-machine q35,kernel-irqchip=split
	-cpu max -m 2G -smp "$smp" -nodefaults -display none -no-reboot
	-device intel-iommu,intremap=on,caching-mode=on
	-device pcie-root-port,id=rp0,chassis=1
	-device igb,bus=rp0,netdev=n0 -netdev user,id=n0
	-kernel "$KIMAGE" -initrd "$img" -append "$append")
if [ "$job" = shell ]; then
	# Interactive: the console on this terminal, results to a file.
	qemu+=(-serial mon:stdio -serial "file:$outdir/serial.log")
else
	qemu+=(-serial "file:$outdir/console.log" -serial "file:$outdir/serial.log")
	# A human monitor for the post-mortem of a wedged guest (below), at a
	# short path: a Unix socket's path has at most 107 bytes.
	hmp=${TMPDIR:-/tmp}/vfmdev-hmp.$$.sock
	rm -f "$hmp"
	qemu+=(-monitor "unix:$hmp,server=on,wait=off")
fi
[ "$hostroot" = 1 ] &&
	qemu+=(-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on)

# hmp_dump SOCKET NCPUS: the emulated CPUs' and local APICs' state, from
# QEMU's human monitor, for the post-mortem of a wedged guest.
hmp_dump() {
	python3 - "$1" "$2" << 'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
def cmd(c):
    s.sendall((c + "\n").encode())
    time.sleep(1)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
            if out.endswith(b"(qemu) "):
                break
    except socket.timeout:
        pass
    return out.decode(errors="replace")
cmd("")
import re
def show(c):
    print("### " + c)
    # Without the monitor's echo of the typed line (terminal escapes).
    out = "\n".join(l for l in cmd(c).splitlines() if "\x1b" not in l)
    print(out)
    return out
show("info cpus")
for i in range(int(sys.argv[2])):
    show("cpu %d" % i)
    show("info lapic")
    regs = show("info registers")
    # The stack's top 4 KiB too: rig_symbolize names the kernel text in it.
    m = re.search(r"RSP=([0-9a-f]{16})", regs)
    if m:
        show("x/512gx 0x" + m.group(1))
show("info irq")
PY
}

# rig_symbolize STATE: the kernel text addresses in hmp_dump's registers and
# stack words, named from the booted kernel's System.map (the rig boots
# with nokaslr); one line per address, innermost first, per CPU.
rig_symbolize() {
	python3 - "$1" "$sysmap" << 'PY'
import bisect, re, sys
syms = []
for line in open(sys.argv[2]):
    a, t, n = line.split()[:3]
    if t in "tTwW":
        syms.append((int(a, 16), n))
syms.sort()
if not syms:
    sys.exit("no symbols in %s (Debian's own System.map is a stub)" % sys.argv[2])
addrs = [a for a, _ in syms]
lo, hi = addrs[0], addrs[-1]
def name(v):
    if not lo <= v < hi:
        return None
    i = bisect.bisect_right(addrs, v) - 1
    return "%s+%#x" % (syms[i][1], v - syms[i][0])
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("### cpu "):
        print("--- CPU %s" % line.split()[2])
    m = re.search(r"RIP=([0-9a-f]{16})", line)
    n = m and name(int(m.group(1), 16))
    if n:
        print("RIP %s %s" % (m.group(1), n))
    m = re.match(r"([0-9a-f]{16}):((?: 0x[0-9a-f]{16})+)", line)
    if m:
        for w in m.group(2).split():
            n = name(int(w, 16))
            if n:
                print("    %s %s" % (w[2:], n))
PY
}

log "rig: booting $KNAME ($KREL), job $job, $smp vCPU(s), limit ${tmo}s, results in ${outdir#"$VFMDEV_TOP"/}/"
t0=$(now)
rc=0
if [ "$job" = shell ]; then
	"${qemu[@]}" 2> "$outdir/qemu.log" || rc=$?
else
	touch "$outdir/serial.log"
	timeout -k 10 "$tmo" "${qemu[@]}" < /dev/null > "$outdir/qemu.log" 2>&1 &
	qpid=$!
	tpid=
	if [ "$live" = 1 ]; then
		# The programs' output only: not the protocol's records, the
		# setup's TAP (judged afterwards) or the kernel log at the end.
		tail -n +1 -f "$outdir/serial.log" --pid="$qpid" | awk '
			{ sub(/\r$/, "") }
			$1 == "@vfmdev" && $2 == "begin" {
				show = ($3 != "dmesg" && $3 != "setup"); next }
			$1 == "@vfmdev" { show = 0; next }
			show { print; fflush() }' &
		tpid=$!
	elif [ "$progress" = 1 ]; then
		tail -n +1 -f "$outdir/serial.log" --pid="$qpid" | awk '
			{ sub(/\r$/, "") }
			$1 == "@vfmdev" && $2 == "begin" && $3 != "dmesg" {
				printf "rig:   %s ...\n", $3; fflush() }
			$1 == "@vfmdev" && $2 == "end" && $3 != "dmesg" {
				printf "rig:   %s: %s %s %s\n", $3, $4, $5, $6; fflush() }' >&2 &
		tpid=$!
	fi
	# A guest whose kernel keeps reporting RCU stalls is wedged (seen: a
	# vCPU that no longer takes timer interrupts, so the guest's own
	# timeouts never fire): stop it rather than wait for the limit.
	# A guest whose kernel reported a BUG or an oops and then went quiet
	# (console and serial port unchanged for 3 minutes; seen: a spinlock
	# BUG report that never finished printing) is frozen: its CPUs and
	# stacks are kept, named (frozen-state.txt, frozen-stacks.txt), and
	# the boot fails, without the retry a wedged emulator gets.
	# postmortem NAME: the CPUs' state (NAME-state.txt), its kernel
	# addresses named (NAME-stacks.txt), and the guest stopped.
	postmortem() {
		hmp_dump "$hmp" "$smp" > "$outdir/$1-state.txt" 2>&1 || true
		rig_symbolize "$outdir/$1-state.txt" > "$outdir/$1-stacks.txt" 2>&1 || true
		kill "$qpid"
	}
	(
		quiet=0 last=
		while kill -0 "$qpid" 2> /dev/null; do
			sleep 5
			n=$(grep -ac 'detected stalls on CPU' "$outdir/console.log" || true)
			if [ "$n" -ge 3 ]; then
				echo "wedged ($n RCU stall reports)" > "$outdir/stopped"
				postmortem wedge
				break
			fi
			grep -aqE 'BUG:|Oops|Kernel panic' "$outdir/console.log" || continue
			now_sz="$(wc -c < "$outdir/console.log") $(wc -c < "$outdir/serial.log")"
			if [ "$now_sz" != "$last" ]; then
				last=$now_sz quiet=0
				continue
			fi
			quiet=$((quiet + 5))
			if [ "$quiet" -ge 180 ]; then
				echo "the kernel reported a BUG and froze" > "$outdir/frozen"
				postmortem frozen
				break
			fi
		done
	) &
	mpid=$!
	wait "$qpid" || rc=$?
	kill "$mpid" 2> /dev/null || true
	wait "$mpid" 2> /dev/null || true
	[ -z "$tpid" ] || wait "$tpid" || true
fi
t1=$(now)
secs=$(elapsed "$t0" "$t1")
[ -z "${hmp:-}" ] || rm -f "$hmp"
# Whether the guest finished its job (its last record on the result channel).
finished=0
tr -d '\r' < "$outdir/serial.log" | grep -q '^@vfmdev done' && finished=1
# QEMU's own abort in iotlb_to_section() is the other face of the MTTCG race
# above (a vCPU's TLB entry outliving a memory-map change): the emulator
# failed, not the guest, so it counts as a wedge.
if [ "$rc" -eq 134 ] && grep -q 'iotlb_to_section: Assertion' "$outdir/qemu.log"; then
	echo "QEMU aborted in iotlb_to_section() (multi-threaded TCG race)" > "$outdir/stopped"
fi
# A nested-VMM boot that ends before its job is done, with QEMU's status 0
# (-no-reboot: the guest reset) and not a word from the guest's kernel
# about it (no panic, BUG, oops or warning), reset itself silently: seen a
# few times when nested guests migrate under load, the emulator's failure
# as far as anything shows.  It counts as a wedge (one more boot, said
# loudly); any kernel report still fails the run.
if [ "$job" = vmm ] && [ "$rc" -eq 0 ] && [ ! -f "$outdir/stopped" ] &&
	[ "$finished" = 0 ] &&
	! grep -aqE 'Kernel panic|BUG:|Oops|WARNING:|Call Trace' "$outdir/console.log"; then
	echo "the guest reset itself silently during the nested-VMM job (no kernel report)" > "$outdir/stopped"
fi
# A nested-VMM boot whose kernel panicked in one of QEMU's own threads
# (the first report's "Comm:" is QEMU's process or one of its named
# threads) with no vfmdev module anywhere in the console: seen once in
# CI, an L1 panic in a QEMU thread while nested guests migrated under
# traffic, the same family of emulator failures as the silent reset
# above.  It counts as a wedge, said loudly, the logs kept by test.sh.
# A report naming one of our modules, or from any other task, fails.
if [ "$job" = vmm ] && [ ! -f "$outdir/stopped" ] && [ ! -f "$outdir/frozen" ] &&
	[ "$finished" = 0 ] &&
	grep -aq 'Kernel panic' "$outdir/console.log" &&
	! grep -aqE '\[(vf_mdev|igbvf_mdev|ixgbevf_mdev|i40e_mdev)\]' "$outdir/console.log"; then
	comm=$(tr -d '\r' < "$outdir/console.log" |
		sed -n 's/.* Comm: \(.*\) \(Not tainted\|Tainted:\).*/\1/p' | head -n 1)
	case $comm in
	qemu-system-*|"CPU "*/KVM|live_migration|multifd*|mig/*|postcopy/*|"return path"*)
		echo "the guest's kernel panicked in a QEMU thread ($comm) during the nested-VMM job, no vfmdev frame" > "$outdir/stopped"
		;;
	esac
fi
# A kernel trap on an int3 that is no longer in memory: the byte before the
# trapping RIP in the oops's "Code:" line (the int3 the CPU executed) is
# not 0xcc.  The kernel patches live code with a temporary int3 (static
# keys: KVM flips one when a VM is created or destroyed) and serialises
# every CPU before removing it; a vCPU that still executes it afterwards
# ran stale translated code, the emulator's failure (multi-threaded TCG;
# seen once, a stock vmm boot, as the migrated-from QEMU exited).  It
# counts as a wedge.
if [ ! -f "$outdir/stopped" ] && [ ! -f "$outdir/frozen" ] &&
	tr -d '\r' < "$outdir/console.log" | awk '
		/Oops: int3/ { seen = 1; next }
		seen && / Code: / {
			for (i = 2; i <= NF; i++)
				if ($i ~ /^</) { exit ($(i - 1) == "cc") ? 1 : 0 }
			exit 1
		}
		END { if (!seen) exit 1 }'; then
	echo "a vCPU trapped on an int3 the kernel had already patched away (stale translated code)" > "$outdir/stopped"
fi
if [ -f "$outdir/frozen" ]; then
	log "rig: $(cat "$outdir/frozen"): stopped after 3 quiet minutes; CPUs in ${outdir#"$VFMDEV_TOP"/}/frozen-state.txt, stacks named in frozen-stacks.txt"
	rc=1
elif [ -f "$outdir/stopped" ]; then
	log "rig: guest stopped by the host: $(cat "$outdir/stopped")"
	rc=125
elif [ "$rc" -eq 124 ]; then
	log "rig: TIMEOUT after ${tmo}s"
elif [ "$rc" -ne 0 ]; then
	log "rig: QEMU exited with $rc: $(tail -n 3 "$outdir/qemu.log" | tr '\n' ' ')"
elif [ "$finished" = 0 ]; then
	log "rig: the guest stopped before finishing its job (see console.log)"
	rc=1
fi
echo "rc=$rc secs=$secs" > "$outdir/status"
log "rig: $KNAME job $job: ${secs}s wall"
exit "$rc"
