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
#   qemu10_migrate_*   live migration: L2 on an mdev (VF 0) pings the PF
#                      every 50 ms while QEMU 10 migrates it to a second
#                      QEMU on another mdev (VF 1, given VF 0's MAC by the
#                      PF as an operator would) over a UNIX socket, driven
#                      through both QEMUs' QMP sockets, and then back to a
#                      third QEMU on VF 0; see "Migration" below
#   qemu72_migrate_*   the same migration, there and back, with QEMU 7.2
#                      (-device vfio-pci,sysfsdev=...,x-enable-migration=on):
#                      VFIO migration v1 through vfmdev's migration region,
#                      type1 dirty tracking; both mdevs' debugfs must show
#                      that the region carried the stream
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
# devices) nor the rig's (vfmdev, VFIO, IOMMU) warned during the run. One
# exception, deliberate: on a kernel without DMA logging (Debian's) the
# migration's QEMUs run the mdev with enable-migration=on, and QEMU warns
# once per QEMU that the device has no dirty tracking of its own (it then
# uses the type1 container's, which is the point); that line is expected
# there, and only there.
#
# Other modes, for the rig's other jobs:
#   vmm_qemu --bench   the migration benchmark (selftests/vmm/
#                      bench_vmm_migrate.sh): "bench: name=value unit"
#                      figures, no TAP
#   vmm_qemu --helper  print the QMP helper (Python) that drives the
#                      migrations, for scripts/guest/demo-vmm.sh
#
# For a developer: vmm_qemu.only=PREFIX[,PREFIX] on the rig's kernel command
# line (RIG_APPEND) runs only those runs (qemu10_mdev, qemu10_migrate, ...);
# the others are skipped and say so; vmm_qemu.rounds=N sets the benchmark's
# migrations per NIC (default 2).
#
# Each case fails with the end of L2's console, QEMU's messages and the
# kernel log. Cases are skipped only when the rig lacks something (no host
# root, no /dev/kvm, vfmdev modules not built, QEMU 7.2 not extracted).
# From QEMU's start to igbvf up in L2: 20-30 s on a quiet machine, up to
# 80 s on a loaded one; the program takes 3-6 min, so the rig gives vmm_*
# programs twice the per-program limit (scripts/guest/job-vmm.sh).
IP=/usr/sbin/ip
L2DIR=${VFMDEV_L2DIR:-/vfmdev/l2}
QDIR=/tmp/vmm_qemu		# as QEMU sees it, inside chroot /host
WORK=/host$QDIR			# tmpfs in the rig
PF_IP=10.77.0.1
COUNT=10
# L2's kernel command line. L2 runs nested in a TCG guest, where its vCPU
# can stand still for tens of seconds while the rig migrates (one ping
# reply took 47 s on a starved debug rig, and L2's soft-lockup detector
# reported 22 s inside igbvf's poll): the detector measures the emulator
# there, so its threshold is raised to its maximum (2 x 60 s), not
# turned off; L2's other reports (BUG, WARNING, Oops, ...) still count.
L2_CMDLINE="console=ttyS0 panic=-1 quiet pci=noearly,lastbus=0 mitigations=off tsc=reliable watchdog_thresh=60"

mode=test
case "$1" in
--bench) mode=bench ;;
--helper) mode=helper ;;
"") ;;
*) echo "usage: vmm_qemu [--bench|--helper]" >&2; exit 2 ;;
esac

[ -n "$VFMDEV_PF" ] || { [ -f /run/vfmdev.env ] && . /run/vfmdev.env; }

CASES="qemu10_mdev_boot qemu10_mdev_igbvf_link qemu10_mdev_ping
qemu10_mdev_vf_to_vf qemu10_mdev_counters qemu10_mdev_no_warnings
qemu10_migrate_completes qemu10_migrate_pings_resume qemu10_migrate_no_reset
qemu10_migrate_no_warnings
qemu10_vfio_pci_boot qemu10_vfio_pci_igbvf_link qemu10_vfio_pci_ping
qemu10_vfio_pci_vf_to_vf qemu10_vfio_pci_no_warnings
qemu72_mdev_boot qemu72_mdev_igbvf_link qemu72_mdev_ping qemu72_mdev_counters
qemu72_mdev_no_warnings
qemu72_migrate_completes qemu72_migrate_pings_resume qemu72_migrate_no_reset
qemu72_migrate_region qemu72_migrate_no_warnings"

# --- The QMP helper -----------------------------------------------------------
# write_helper: (on stdout) the Python program that drives a migration
# through two QEMUs' QMP sockets and reads the figures (QEMU's
# query-migrate, and the downtime's parts from QEMU's trace events). Run as
# chroot /host python3: the rig has no Python of its own.
write_helper() {
	cat << 'PY'
# vmm_mig.py: QEMU's side of a live migration, through the QMP sockets of
# a source and a destination QEMU (the destination started with
# -incoming). Written out and run by selftests/vmm/vmm_qemu.sh (chroot
# /host python3 ...); stdlib only.
#
#   migrate --src SOCK --dst SOCK --uri URI [--caps C,C] [--timeout S]
#           [--quit-src] [--src-trace F --dst-trace F] [-v]
#       capabilities on both sides, "migrate" on the source, query-migrate
#       until it ends, then the destination must run. One line
#       "mig status=... key=value..." (times in ms, sizes in bytes); with
#       the traces (QEMU's -D files with -msg timestamp=on), one line
#       "trace key=value..." (see downtime_from_traces). -v shows each
#       QMP command and the progress.
#   quit SOCK
import argparse
import json
import re
import socket
import sys
import time


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, path, name, verbose, wait=60):
        self.name = name
        self.verbose = verbose
        end = time.monotonic() + wait
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise QMPError("%s: no QMP at %s" % (name, path))
                time.sleep(0.2)
        self.sock.settimeout(120)
        self.rfile = self.sock.makefile("rb")
        self.read()                      # the greeting
        self.cmd("qmp_capabilities", quiet=True)

    def read(self):
        while True:
            line = self.rfile.readline()
            if not line:
                raise QMPError("%s: QMP connection closed" % self.name)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, execute, quiet=False, **args):
        msg = {"execute": execute}
        if args:
            msg["arguments"] = args
        if self.verbose and not quiet:
            print("    %s <- %s" % (self.name, json.dumps(msg)), flush=True)
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        reply = self.read()
        if "error" in reply:
            raise QMPError("%s: %s: %s" % (self.name, execute,
                                            reply["error"].get("desc")))
        return reply.get("return")


# A trace line: THREAD@SECONDS.MICROSECONDS:event args
TRACE_RE = re.compile(r"^(\d+)@(\d+\.\d+):(\w+) ?(.*)$")


def trace_events(path):
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = TRACE_RE.match(line.strip())
                if m:
                    out.append((int(m.group(1)), float(m.group(2)),
                                m.group(3), m.group(4)))
    except OSError:
        pass
    return out


def vfio_transitions(events, t0, t1):
    """The VFIO device's state changes (ioctl) started in [t0, t1]: QEMU
    traces vfio_migration_set_state before the ioctl and
    vfio_migration_set_device_state once it succeeded (not when the device
    already was in that state)."""
    out = []
    pending = {}
    for tid, t, ev, args in events:
        if ev == "vfio_migration_set_state":
            m = re.search(r"new state (\w+)", args)
            if m:
                pending[tid] = (t, m.group(1))
        elif ev == "vfio_migration_set_device_state":
            m = re.search(r"state (\w+)\s*$", args)
            if not m or pending.get(tid, (0, ""))[1] != m.group(1):
                continue
            ts, state = pending.pop(tid)
            if t0 <= ts <= t1:
                out.append((state, (t - ts) * 1000))
    return out


def vfio_vmstate(events, kind, t0, t1):
    """QEMU's own time saving (or loading) the VFIO device's sections
    during the downtime, in ms."""
    ms = 0.0
    for _tid, t, ev, args in events:
        if ev == "vmstate_downtime_" + kind and "vfio" in args and t0 <= t <= t1:
            m = re.search(r"downtime=(\d+)", args)
            if m:
                ms += int(m.group(1)) / 1000
    return ms


def downtime_from_traces(src_path, dst_path):
    """The guest-visible downtime, from the source's stop (checkpoint
    src-downtime-start) to the destination's start (dst-precopy-bh-vm-
    started): both QEMUs stamp their traces with the same clock. And the
    VFIO device's share of it: its state changes on both sides (the
    source's RUNNING -> ..._P2P -> STOP_COPY, the destination's RESUMING ->
    RUNNING_P2P -> RUNNING: quiesce, capture, restore, restart) plus QEMU
    saving and loading its sections (reading and writing the stream)."""
    src = trace_events(src_path)
    dst = trace_events(dst_path)
    starts = [t for _i, t, ev, a in src
              if ev == "vmstate_downtime_checkpoint" and "src-downtime-start" in a]
    if not starts:
        return None
    t0 = starts[-1]
    ends = [t for _i, t, ev, a in dst
            if ev == "vmstate_downtime_checkpoint" and "dst-precopy-bh-vm-started" in a
            and t >= t0]
    if not ends:
        return None
    t1 = ends[0]
    s_tr = vfio_transitions(src, t0, t1)
    d_tr = vfio_transitions(dst, t0, t1)
    s_save = vfio_vmstate(src, "save", t0, t1)
    d_load = vfio_vmstate(dst, "load", t0, t1)
    dev = sum(ms for _s, ms in s_tr + d_tr) + s_save + d_load
    fig = {
        "full_downtime_ms": "%.1f" % ((t1 - t0) * 1000),
        "device_ms": "%.1f" % dev,
        "src_states": ",".join("%s:%.1f" % x for x in s_tr) or "-",
        "src_save_ms": "%.1f" % s_save,
        "dst_load_ms": "%.1f" % d_load,
        "dst_states": ",".join("%s:%.1f" % x for x in d_tr) or "-",
    }
    # Switchover-ack: the destination approved the switchover once the
    # device's initial data was loaded.
    acks = [t for _i, t, ev, _a in dst if ev == "loadvm_approve_switchover"]
    fig["switchover_acks"] = str(len(acks))
    return fig


def migrate(a):
    caps = [{"capability": c, "state": True} for c in a.caps.split(",") if c]
    src = QMP(a.src, "src", a.verbose)
    dst = QMP(a.dst, "dst", a.verbose)
    if caps:
        dst.cmd("migrate-set-capabilities", capabilities=caps)
        src.cmd("migrate-set-capabilities", capabilities=caps)
    if a.downtime_limit:
        src.cmd("migrate-set-parameters", **{"downtime-limit": a.downtime_limit})
    src.cmd("migrate", uri=a.uri)
    end = time.monotonic() + a.timeout
    shown = 0
    info = {}
    while time.monotonic() < end:
        info = src.cmd("query-migrate", quiet=True)
        st = info.get("status")
        if st in ("completed", "failed", "cancelled"):
            break
        if a.verbose and time.monotonic() - shown >= 1:
            ram = info.get("ram", {})
            print("    src: %s, %.1f MiB sent, %.1f MiB remaining, expected downtime %s ms"
                  % (st, ram.get("transferred", 0) / 2**20,
                     ram.get("remaining", 0) / 2**20,
                     info.get("expected-downtime", "-")), flush=True)
            shown = time.monotonic()
        time.sleep(0.1)
    st = info.get("status", "none")
    if st not in ("completed", "failed", "cancelled"):
        try:
            src.cmd("migrate_cancel")
        except QMPError:
            pass
        st = "timeout"
    # QEMU before 9.0 (7.2 here) reports "completed" before its migration
    # thread has set total-time and downtime (migration_calculate_complete()
    # ran after the status change; a 2024 QEMU fix moved it before): a poll
    # in between reads 0 for both.  Ask again until they are set.
    end = time.monotonic() + 5
    while st == "completed" and not info.get("total-time") and \
            time.monotonic() < end:
        time.sleep(0.05)
        info = src.cmd("query-migrate", quiet=True)
    ram = info.get("ram", {})
    fig = {
        "status": st,
        "total_ms": info.get("total-time", "-"),
        "downtime_ms": info.get("downtime", "-"),
        "setup_ms": info.get("setup-time", "-"),
        "ram_bytes": ram.get("transferred", "-"),
        "dirty_syncs": ram.get("dirty-sync-count", "-"),
        "vfio_bytes": info.get("vfio", {}).get("transferred", "-"),
    }
    if info.get("error-desc"):
        fig["error"] = '"%s"' % info["error-desc"].replace('"', "'")
    dst_state = "-"
    if st == "completed":
        end = time.monotonic() + 60
        while time.monotonic() < end:
            dst_state = dst.cmd("query-status", quiet=True).get("status")
            if dst_state == "running":
                break
            time.sleep(0.1)
    fig["dst"] = dst_state
    print("mig " + " ".join("%s=%s" % kv for kv in fig.items()), flush=True)
    if st == "completed" and a.src_trace and a.dst_trace:
        time.sleep(0.5)         # the traces are written as they come
        tr = downtime_from_traces(a.src_trace, a.dst_trace)
        if tr:
            print("trace " + " ".join("%s=%s" % kv for kv in tr.items()),
                  flush=True)
        else:
            print("trace none: no downtime checkpoints in the traces")
    if st == "completed" and a.quit_src:
        try:
            src.cmd("quit")
        except QMPError:
            pass
    return 0 if st == "completed" and dst_state == "running" else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    m = sub.add_parser("migrate")
    m.add_argument("--src", required=True)
    m.add_argument("--dst", required=True)
    m.add_argument("--uri", required=True)
    m.add_argument("--caps", default="return-path,switchover-ack")
    m.add_argument("--downtime-limit", type=int, default=0)
    m.add_argument("--timeout", type=float, default=240)
    m.add_argument("--quit-src", action="store_true")
    m.add_argument("--src-trace")
    m.add_argument("--dst-trace")
    m.add_argument("-v", "--verbose", action="store_true")
    q = sub.add_parser("quit")
    q.add_argument("sock")
    h = sub.add_parser("hmp")
    h.add_argument("sock")
    h.add_argument("commands", nargs="+")
    a = p.parse_args()
    try:
        if a.what == "migrate":
            return migrate(a)
        qmp = QMP(a.sock, "qemu", False, wait=5)
        if a.what == "hmp":
            for c in a.commands:
                print("(qemu) %s" % c)
                print(qmp.cmd("human-monitor-command", **{"command-line": c}),
                      end="", flush=True)
            return 0
        qmp.cmd("quit")
        return 0
    except (QMPError, OSError, ValueError) as e:
        print("mig status=error error=\"%s\"" % str(e).replace('"', "'"),
              flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
PY
}
if [ "$mode" = helper ]; then
	write_helper
	exit 0
fi

# What vmm_libvirt shares (selftests/vmm/l1_lib.sh): the rig's clock and
# slowness (rig_secs), send_acked, l2_reset_silently.
if [ ! -f "$L2DIR/l1_lib.sh" ]; then
	echo "vmm_qemu: no $L2DIR/l1_lib.sh (scripts/l2-initramfs.sh failed or did not run)" >&2
	exit 1
fi
. "$L2DIR/l1_lib.sh"
# QEMU start to L2 ready: 150 s, more on a slow rig kernel.
READY_TMO=${VMM_READY_TMO:-$(rig_secs 150)}
# "go" to L2's "done" (30 pings, a second apart) and "stop" to "done":
# 90 s, more on a slow rig kernel (a loaded debug rig took over 90 s).
DONE_TMO=$(rig_secs 90)
EXIT_TMO=30

# Only the runs named by vmm_qemu.only= on the kernel command line.
only=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^vmm_qemu\.only=//p')
# selected PREFIX: whether the run PREFIX runs.
selected() { [ -z "$only" ] || echo ",$only," | grep -q ",$1,"; }

[ "$mode" = bench ] || { echo "TAP version 13"; echo "1..$(echo $CASES | wc -w)"; }
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

# The current run's files (set by run_l2).
run=
diag_run=
# diagnose: what a failure of the current run shows (once per run). A
# migration run has a directory per QEMU (q0 the first source, q1 its
# destination, ...); L2's console moves with it.
diagnose() {
	local d
	[ -n "$run" ] || return 0
	if [ "$diag_run" = "$run" ]; then
		echo "# (L2 console, QEMU's messages and the kernel log: above)"
		return 0
	fi
	diag_run=$run
	for d in "$run" "$run"/q*; do
		[ -e "$d/qemu.log" ] || continue
		if [ -s "$d/console.log" ]; then
			echo "# --- L2 console (${d#"$WORK"/}/console.log), last 25 lines:"
			tr -d '\r' < "$d/console.log" | grep -v '^$' | tail -n 25 | sed 's/^/#   /'
		else
			echo "# --- L2 console (${d#"$WORK"/}): empty"
		fi
		if [ -s "$d/qemu.log" ]; then
			echo "# --- QEMU's messages (${d#"$WORK"/}):"
			tail -n 10 "$d/qemu.log" | sed 's/^/#   /'
		fi
	done
	echo "# --- L1 kernel log since the run started, last 15 lines:"
	dmesg | awk -v t="$run_t0" '{ s = $0; sub(/^\[ */, "", s); if (s + 0 >= t) print }' |
		tail -n 15 | sed 's/^/#   /'
}

# skip_all REASON: every case skipped (the benchmark: not run).
skip_all() {
	if [ "$mode" = bench ]; then
		echo "# vmm_qemu --bench: not run: $1"
		exit 0
	fi
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
QPIDS=
l1ping=
cleanup() {
	local u v d p
	[ -z "$qpid" ] || { kill -9 "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; }
	for p in $QPIDS $l1ping; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	QPIDS= l1ping=
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
# l2_wait WORD SECS: until L2 sends "@l2 WORD", QEMU exits or SECS pass.
l2_wait() { wait_rec "$1" "$2" rec alive; }
# send WORD: to L2's control channel (a FIFO QEMU holds open), acknowledged
# (send_acked).
send() { send_acked "${run##*/}" "$1" alive "$run/ctl.in" rec; }
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
	write_helper > "$run/vmm_mig.py"
	run_t0=$(uptime_s)
	echo "# $name: chroot /host ${qemu##*/} ... $devs"
	# Word splitting of the option strings is intended (no spaces in values).
	# svm=off: L2 runs no hypervisor, and a vCPU without SVM has no
	# nested state to migrate (the debug kernel's KVM refused one:
	# "Failed to set nested state: Invalid argument" on the destination).
	chroot /host "$qemu" $qopts -accel kvm -cpu host,svm=off -machine q35 -m 192M -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$QDIR/l2.kernel" -initrd "$QDIR/l2.cpio.gz" \
		-append "$L2_CMDLINE $append" \
		-serial "file:$QDIR/$name/console.log" -serial "pipe:$QDIR/$name/ctl" \
		-qmp "unix:$QDIR/$name/qmp.sock,server=on,wait=off" \
		$devs > "$run/qemu.log" 2>&1 < /dev/null &
	qpid=$!
	t_boot= t_ready= t_done= qrc=
	if l2_wait boot "$READY_TMO"; then
		t_boot=$(secs "$run_t0" "$(uptime_s)")
		if l2_wait ready "$READY_TMO"; then
			t_ready=$(secs "$run_t0" "$(uptime_s)")
			snap before "$mdevs"
			send go
			if l2_wait "done" "$DONE_TMO"; then
				t_done=$(secs "$run_t0" "$(uptime_s)")
				snap after "$mdevs"
				send quit
			fi
		fi
	fi
	[ -n "$t_boot" ] || ! alive || l2_cpu_state "$run"
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

# qemu_said DIR: what the QEMU whose files are in DIR printed, but for QEMU
# 10's note that an mdev without DMA logging uses the container's dirty
# tracking (expected, not a complaint).
qemu_said() {
	grep -v "doesn't support device and IOMMU dirty tracking" "$1/qemu.log" 2>/dev/null
}

# qemu_reset_silently DIR RC: the L2 whose files are in DIR (console.log,
# qemu.log, ctl.out) was reset by nothing anyone can name
# (l2_reset_silently): its QEMU exited by itself with RC 0 (-no-reboot turns
# a guest reset into an exit) and said nothing (qemu_said).
qemu_reset_silently() {
	[ "$2" = 0 ] && [ -z "$(qemu_said "$1")" ] &&
		l2_reset_silently "$run_t0" "$1/ctl.out" "$1/console.log"
}

# l2_cpu_state DIR: where the vCPU of the L2 whose files are in DIR is,
# through its QEMU's monitor (qmp.sock), when L2 did not reach /init in
# time: its registers' first lines, in DIR/cpu.txt and on one line.
l2_cpu_state() {
	chroot /host python3 "$QDIR/${run##*/}/vmm_mig.py" hmp "$QDIR/${1#"$WORK"/}/qmp.sock" \
		"info cpus" "info registers" > "$1/cpu.txt" 2>&1
	echo "# ${1##*/}: L2 did not reach /init; its vCPU: $(grep -E 'CPU #0|^[RE]AX|^[RE]IP|^CR0' "$1/cpu.txt" |
		tr -s ' \n' ' ' | cut -c1-400)"
}

# qemu_hung_before_init DIR RC: the L2 whose files are in DIR stood still
# before its /init ran, and nothing says why: no record, an empty console
# (L2 boots quiet: a kernel report would show), its QEMU, killed at the
# wait's end (RC: killed, or 137 for a migration run's QEMU), said nothing
# (qemu_said), and L1's kernel said nothing about vfmdev, VFIO or the
# IOMMU and reported no blocked task.  Before /init, vfmdev only answers
# L2's PCI enumeration (config space, BAR sizing).  Seen once, on the
# debug kernel, in the same run as a silent reset of the vfio-pci
# baseline's L2 before /init (qemu_reset_silently).
qemu_hung_before_init() {
	case "$2" in killed|137) ;; *) return 1 ;; esac
	[ -z "$(l2_lines "$1/ctl.out" | grep '^@l2 ')" ] &&
		[ -z "$(l2_lines "$1/console.log" | tr -d '\n')" ] &&
		[ -z "$(qemu_said "$1")" ] && [ -z "$(l1_vfio_log "$run_t0")" ] &&
		! dmesg | grep -q 'blocked for more than'
}

# last_rec DIR: L2's last record in DIR/ctl.out.
last_rec() { l2_last_rec "$1/ctl.out"; }

# set_aside NAME: before run NAME goes once more, its first attempt moves
# to $run.try1, and the log says so (run_l2_retry, mig_run_retry).
set_aside() {
	echo "# $1: RETRY: nothing from VFIO or vfmdev; the whole run once more (first attempt in ${run##*/}.try1)"
	rm -rf "$run.try1"
	mv "$run" "$run.try1"
}

# run_l2_retry NAME ...: run_l2, and once more, loudly, if L2 was reset
# silently (qemu_reset_silently) or stood still before /init
# (qemu_hung_before_init); the first attempt stays in $run.try1 and
# check_boot names it (l2_retried).
run_l2_retry() {
	l2_retried=
	run_l2 "$@"
	if qemu_reset_silently "$run" "$qrc"; then
		l2_retried="L2 reset itself after $(last_rec "$run") (QEMU exit 0, nothing from QEMU, no kernel report on L2's console, nothing from VFIO or vfmdev)"
	elif qemu_hung_before_init "$run" "$qrc"; then
		l2_retried="L2 stood still before /init for $READY_TMO s (empty console, nothing from QEMU, nothing from VFIO or vfmdev, no blocked task in L1)"
	else
		return 0
	fi
	echo "# $1: RETRY: $l2_retried"
	set_aside "$1"
	run_l2 "$@"
}

# --- Verdicts ---------------------------------------------------------------
# check_boot CASE, check_link CASE [b], check_ping CASE LABEL...
check_boot() {
	if [ -n "$(rec boot)" ]; then
		ok "$1" "L2 /init after $t_boot s${l2_retried:+; RETRIED once, the first attempt's $l2_retried}"
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
	l1_vfio_log "$run_t0" > "$run/l1klog"
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

# --- Migration ----------------------------------------------------------------
# A migration run (mig_run) boots L2 on QEMU 0 with one NIC: an mdev
# (-device vfio-pci,sysfsdev=...) or, for the benchmark's comparison,
# virtio-net on QEMU's user network. L2 (l2_init.sh, vmm.mig=) does the
# usual pings, then pings its peer every MIG_IVAL seconds while L1 starts
# QEMU 1 with -incoming on the other mdev and migrates L2 there through
# both QMP sockets (the helper above: capabilities return-path and
# switchover-ack on both sides, "migrate", query-migrate until completed,
# the destination running, the source told to quit). With rounds > 1, L2
# goes on to QEMU 2 on the first mdev again, and so on. Then "stop": L2
# reports the replies it lost and any sign of a device reset. Meanwhile L1
# pings L2 every MIG_IVAL seconds too (mdev only; QEMU's user network takes
# no connection from outside): L1 is never stopped, so its longest run of
# lost replies is the outage as a wall clock sees it.
#
# Dirty tracking: where vfmdev offers the VFIO device's DMA logging
# (kernels with CONFIG_IOMMUFD_DRIVER: iova_bitmap_set exists), QEMU's
# default (enable-migration=auto) uses it; elsewhere (Debian's kernel) the
# device has none and QEMU, told enable-migration=on, uses the type1
# container's dirty page tracking, with a warning.
MIG_IVAL=0.05
MIG_TMO=${VMM_MIG_TMO:-300}	# one migration, "migrate" to completed
MIG_ON_DST=3			# seconds of pinging on each destination
MIG_GAP_MAX=2000		# ms of replies L2 may lose in a row
MIG_TAIL_MAX=20			# replies unanswered at the end (1 s of them)
if grep -qw iova_bitmap_set /proc/kallsyms 2>/dev/null; then
	MIG_DIRTY=dma_logging MIG_DEVOPT=
else
	MIG_DIRTY=type1 MIG_DEVOPT=,enable-migration=on
fi
# The line QEMU prints for each mdev with enable-migration=on (QEMU 10.0).
MIG_TYPE1_WARNING="VFIO device doesn't support device and IOMMU dirty tracking"
# QEMU 7.2's trace of the device's migration (v1, the region): its state
# writes, the chunks, the stop; not the per-iteration pending_bytes reads.
MIG_TRACE72="-trace enable=vm_state_notify
-trace enable=vfio_migration_* -trace enable=vfio_vmstate_change
-trace enable=vfio_save_setup -trace enable=vfio_save_buffer
-trace enable=vfio_save_iterate -trace enable=vfio_save_complete_precopy
-trace enable=vfio_load_state_device_data -trace enable=vfio_load_cleanup"
# What QEMU traces for the figures (-D file, -msg timestamp=on): the
# downtime's checkpoints and per-section times, the VFIO device's state
# changes and data, switchover-ack.  And who ended the migration channel,
# for a migration that fails in it (mig_broken_channel): the source's
# errors and its return path's end, each side's close of the channel.
MIG_TRACE="-trace enable=vmstate_downtime_* -trace enable=vfio_migration_set_*
-trace enable=vfio_save_setup -trace enable=vfio_save_iterate
-trace enable=vfio_save_complete_precopy -trace enable=vfio_load_state_device_data
-trace enable=loadvm_approve_switchover -trace enable=loadvm_state_switchover_ack_needed
-trace enable=migrate_error -trace enable=migration_completion_file_err
-trace enable=source_return_path_thread_bad_end -trace enable=source_return_path_thread_shut
-trace enable=migration_return_path_end_before -trace enable=qemu_file_fclose"

# mig_vmm 10|72: the VMM of the next migration runs. QEMU 10: VFIO migration
# v2 with the dirty tracking above and capabilities return-path and
# switchover-ack; QEMU 7.2: the migration region (x-enable-migration=on),
# type1 dirty tracking always, no capabilities (7.2 has no switchover-ack),
# and nothing printed.
mig_vmm() {
	case "$1" in
	10)
		mig_qemu=$Q10 mig_qopts= mig_trace=$MIG_TRACE
		mig_devopt=$MIG_DEVOPT mig_dirty=$MIG_DIRTY
		mig_caps=return-path,switchover-ack
		mig_warn=
		[ "$MIG_DIRTY" != type1 ] || mig_warn=$MIG_TYPE1_WARNING
		;;
	72)
		mig_qemu=$Q72/usr/bin/qemu-system-x86_64
		mig_qopts="-L $Q72/usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu"
		mig_trace=$MIG_TRACE72 mig_devopt=,x-enable-migration=on
		mig_dirty="type1 (the migration region)" mig_caps= mig_warn=
		;;
	esac
}

# mig_devs KIND I: the -device options of QEMU I of a run of KIND.
mig_devs() {
	case "$1" in
	mdev)
		local u=$MIG_UA
		[ $(($2 % 2)) = 0 ] || u=$MIG_UB
		echo "$RP -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$u,bus=rp1$mig_devopt"
		;;
	virtio)
		echo "$RP -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=$MIG_VMAC,bus=rp1"
		;;
	esac
}

# mig_start I DEVICES [INCOMING]: QEMU I of the current run, its files in
# $run/qI/ (as QEMU sees it, $QDIR/RUN/qI/): console.log, ctl.in/ctl.out
# (L2's control channel), qemu.log, qmp.sock, trace.log, mig.sock (where a
# destination listens). Every QEMU of a run has the same machine and L2.
mig_start() {
	local d=$run/q$1 qd=$QDIR/${run##*/}/q$1
	mkdir -p "$d"
	mkfifo "$d/ctl.in"
	: > "$d/ctl.out"
	echo "# ${run##*/}: QEMU $1: chroot /host $mig_qemu ... -qmp unix:$qd/qmp.sock,server=on,wait=off $2${3:+ -incoming $3}"
	# Word splitting of the option strings is intended; svm=off as in run_l2.
	chroot /host "$mig_qemu" $mig_qopts -accel kvm -cpu host,svm=off -machine q35 -m 192M -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$QDIR/l2.kernel" -initrd "$QDIR/l2.cpio.gz" \
		-append "$L2_CMDLINE $mig_append" \
		-serial "file:$qd/console.log" -serial "pipe:$qd/ctl" \
		-qmp "unix:$qd/qmp.sock,server=on,wait=off" \
		-msg timestamp=on -D "$qd/trace.log" $mig_trace \
		$2 ${3:+-incoming "$3"} > "$d/qemu.log" 2>&1 < /dev/null &
	eval "mig_pid$1=$!"
	QPIDS="$QPIDS $!"
}
mig_alive() { eval "kill -0 \"\$mig_pid$1\"" 2>/dev/null; }
# mig_rec WORD: L2's last record WORD, whichever QEMU carried it.
mig_rec() { cat "$run"/q*/ctl.out 2>/dev/null | tr -d '\r' | grep "^@l2 $1" | tail -n 1; }
# mig_wait WORD SECS I: until L2 sends "@l2 WORD", QEMU I exits or SECS pass.
mig_wait() {
	local end
	end=$(awk -v t="$(uptime_s)" -v s="$2" 'BEGIN { printf "%d", t + s }')
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		[ -n "$(mig_rec "$1")" ] && return 0
		mig_alive "$3" || { [ -n "$(mig_rec "$1")" ]; return; }
		sleep 0.5
	done
	return 1
}
# mig_send I WORD: send WORD to L2 through QEMU I, acknowledged (send_acked).
mig_send() { send_acked "${run##*/}" "$2" "mig_alive $1" "$run/q$1/ctl.in" mig_rec; }
# mig_end I: QEMU I gone, within EXIT_TMO s or killed.
mig_end() {
	local t=0 p
	eval "p=\$mig_pid$1"
	while mig_alive "$1" && [ "$t" -lt $((EXIT_TMO * 2)) ]; do
		sleep 0.5
		t=$((t + 1))
	done
	if mig_alive "$1"; then
		echo "# ${run##*/}: QEMU $1 still running after ${EXIT_TMO} s: killed"
		kill -9 "$p"
	fi
	wait "$p"
	eval "mig_rc$1=$?"
	eval "echo \"# \${run##*/}: QEMU $1 exit \$mig_rc$1\""
}

# l1_gap FILE SECS: L1's ping output (FILE, over SECS seconds): the longest
# run of lost replies in ms, at the interval ping really kept, then the
# requests, the replies and every run of losses (SEQ+LEN).
l1_gap() {
	awk -v secs="$2" '
		/ seq=/ { for (i = 1; i <= NF; i++) if ($i ~ /^seq=/) seen[substr($i, 5) + 0] = 1 }
		/packets transmitted/ { sent = $1 }
		END {
			for (s = 0; s <= sent; s++) {
				if (s < sent && !(s in seen)) { run++; n++; continue }
				if (run) gaps = gaps (gaps ? "," : "") (s - run) "+" run
				if (run > best) best = run
				run = 0
			}
			printf "%.0f sent=%d lost=%d gaps=%s", sent ? best * secs * 1000 / sent : -1,
				sent, n, gaps ? gaps : "-"
		}' "$1"
}

# mig_broken_channel ROUNDS (what broke in $mig_broken): L2 was reset
# silently on QEMU 0 before any migration completed (qemu_reset_silently).
#
# Or: the run did not complete its migrations, and the one that failed
# broke in QEMU's own migration channel (a socket write, the RAM section's
# save on the source or its load on the destination failed) while neither
# QEMU nor L1's kernel said anything about VFIO, the IOMMU or vfmdev.
# Seen in debug-kernel runs under TCG, for the RAM section (once its load,
# once its save: "failed to save SaveStateEntry with id(name): 1(ram):
# -5"), with the device saved and loaded cleanly: the nested emulator's
# transport, as with the occasional death of L1 itself.
#
# Or: every migration completed, then L2 left even its serial port's
# interrupt unserved (mig_l2_deaf).
#
# Or: every migration completed and L2 answered L1's pings to the end
# (the last second of them), but it never said "done" on its serial
# control channel.  Seen once in a stock run of qemu10_migrate with no
# answer to "stop" (no "@l2 mping" record; L1's pings: 485 sent, 6 lost,
# none at the end; L2 said nothing more on either serial port), and once
# in a debug run of qemu72_migrate after its answer: L2 sent its ping
# results, then its console stopped in the middle of "ip -s link" output
# and nothing more came for 270 s (both UARTs idle, no interrupt
# pending).  Never in the runs before or after them.  The device under
# test carried the pings; L2's consoles, or L2 itself after the test's
# pings, stopped.
mig_broken_channel() {
	local q
	mig_broken=
	q=$(for d in "$run"/q*; do qemu_said "$d"; done)
	! echo "$q" | grep -qi 'vfio' || return 1
	[ -z "$(l1_vfio_log "$run_t0")" ] || return 1
	if [ "$mig_done" = 0 ] && qemu_reset_silently "$run/q0" "$mig_rc0"; then
		mig_broken="L2 reset itself on QEMU 0 before any migration completed, after $(last_rec "$run/q0") (QEMU 0 exit 0, nothing from QEMU, no kernel report on L2's console)"
		return 0
	fi
	if [ -z "$t_boot" ] && qemu_hung_before_init "$run/q0" "$mig_rc0"; then
		mig_broken="L2 stood still before /init on QEMU 0 for $READY_TMO s (empty console, nothing from QEMU, no blocked task in L1)"
		return 0
	fi
	[ -n "$t_ready" ] || return 1
	if [ "$mig_done" -lt "$1" ]; then
		echo "$q" | grep -qE 'Unable to write to socket|error while loading state section id [0-9]+\(ram\)|failed to save SaveStateEntry with id\(name\): [0-9]+\(ram\)' ||
			return 1
		mig_broken="migration $((mig_done + 1)): $(grep -h '^mig ' "$run/mig$((mig_done + 1)).txt" 2>/dev/null | head -n 1)"
		return 0
	fi
	[ -z "$(mig_rec done)" ] || return 1
	if mig_l2_deaf "$mig_cur"; then
		mig_broken="run: L2 on QEMU $mig_cur left its serial port's interrupt unserved"
		mig_broken="$mig_broken (\"stop\" unread in the UART, its line raised at the IOAPIC,"
		mig_broken="$mig_broken for 90 s; its vCPU: $(mig_cpu_brief "$mig_cur")), no QEMU thread in VFIO or vfmdev"
		return 0
	fi
	l1_answered_to_end "$run/l1ping.out" || return 1
	mig_broken="run: L2 answered L1's pings to the end ($(tail -n 2 "$run/l1ping.out" | head -n 1))"
	if [ -z "$(mig_rec "mping a ")" ]; then
		mig_broken="$mig_broken but never answered \"stop\" on its serial channel"
	else
		mig_broken="$mig_broken and \"stop\", then stood still before \"done\" (last record: $(mig_rec "" | cut -c1-80))"
	fi
}

# l1_answered_to_end FILE: fewer than 20 of L1's pings (a second) in FILE
# went unanswered at the end (l1_gap's last run of losses, if it reaches
# the last ping).
l1_answered_to_end() {
	local r sent last
	r=$(l1_gap "$1" 1)
	sent=$(echo "$r" | tr ' ' '\n' | sed -n 's/^sent=//p')
	last=${r##*gaps=}
	last=${last##*,}
	[ "${sent:-0}" -gt 20 ] || return 1
	[ "$last" = - ] || [ $((${last%+*} + ${last#*+})) -lt "$sent" ] ||
		[ "${last#*+}" -lt 20 ]
}

# mig_run_retry NAME ROUNDS: mig_run, and once more, loudly, if its
# migration broke in QEMU's channel or L2's control channel broke
# (mig_broken_channel); the first
# attempt stays in $run.try1 and check_migrated names it (mig_retried).
mig_run_retry() {
	mig_retried=
	mig_run "$1" mdev "$2"
	mig_broken_channel "$2" || return 0
	mig_retried=$mig_broken
	echo "# $1: RETRY: $mig_retried; QEMU said: $(cat "$run"/q*/qemu.log | tr '\n' ' ' | cut -c1-400)"
	set_aside "$1"
	mig_run "$1" mdev "$2"
}

# mig_serial_state I: what QEMU I shows of L2's control port (the second
# UART, 0x2f8, IRQ 3) and its interrupt controllers, when L2 did not
# answer on it: whether "stop" sits unread in the UART (LSR bit 0, data
# ready) or never reached it; then its vCPU (registers, halted or not,
# local APIC) and QEMU's threads (one blocked in L1's kernel shows where).
# Reading IIR and LSR has side effects; the run is over by then.
# Kept in $run/qI/serial.txt and threads.txt (mig_l2_deaf reads them).
mig_serial_state() {
	echo "# ${run##*/}: no \"done\" from L2 on QEMU $1; its control port and interrupt controllers:"
	chroot /host python3 "$QDIR/${run##*/}/vmm_mig.py" hmp "$QDIR/${run##*/}/q$1/qmp.sock" \
		"i /b 0x2f9" "i /b 0x2fa" "i /b 0x2fb" "i /b 0x2fc" "i /b 0x2fd" \
		"i /b 0x2fe" "info pic" "info irq" "info registers" "info lapic" 2>&1 |
		tr -d '\r' | awk '!/^ +pin / || $2 == 3' | head -n 140 > "$run/q$1/serial.txt"
	sed 's/^/#   /' "$run/q$1/serial.txt"
	mig_threads "$run/q$1/threads.txt" "$1"
	sed 's/^/#   /' "$run/q$1/threads.txt"
}

# mig_cpu_brief I: L2's vCPU on QEMU I on one line (RIP, flags, halted,
# the local APIC's in-service and requested vectors), from serial.txt.
mig_cpu_brief() {
	{
		grep -oE 'RIP=[0-9a-f]+|RFL=[0-9a-f]+|HLT=[01]' "$run/q$1/serial.txt"
		echo "local APIC"
		grep -E '^(ISR|IRR)[[:space:]]' "$run/q$1/serial.txt"
	} | tr -s '\t\n ' ' ' | sed 's/ $//'
}

# mig_l2_deaf I: L2 on QEMU I left its control UART's interrupt unserved
# once L1 stopped pinging: "stop" sat unread in the UART (LSR bit 0) over
# the three acknowledged sends (90 s) with the UART's line raised at the
# IOAPIC (pin 3 in its IRR), while no thread of QEMU I slept in VFIO or
# vfmdev and no console of L2 shows a kernel report (mig_serial_state's
# files).  Seen once, in a debug run of qemu72_migrate: L2 stopped
# answering L1's pings 8 s into migration 2's pre-copy, on the source, and
# on the destination took neither "stop" nor anything else; both
# migrations completed.  Not seen in 6 migrations in a row of a debug
# boot right after.
mig_l2_deaf() {
	local d=$run/q$1
	[ -f "$d/serial.txt" ] && [ -f "$d/threads.txt" ] || return 1
	grep -qE 'portb\[0x02fd\] = 0x[0-9a-f]*[13579bdf]$' "$d/serial.txt" &&
		awk '$1 == "IRR" { for (i = 2; i <= NF; i++) if ($i == 3) f = 1 }
			END { exit !f }' "$d/serial.txt" &&
		! grep -qiE 'vfio|vf_mdev' "$d/threads.txt" &&
		[ -z "$(l2_report "$run"/q*/console.log)" ]
}

# mig_threads FILE I...: the threads of QEMU I... (state, where each
# sleeps and its kernel stack), when the helper gave no result (QEMU no
# longer answered on QMP during a migration, and timeout(1) stopped the
# helper) or L2 stood still.  Appended to FILE, which the log shows.
mig_threads() {
	local f=$1 i p t
	shift
	for i in "$@"; do
		eval "p=\$mig_pid$i"
		echo "QEMU $i's threads (state, where each sleeps, kernel stack):"
		for t in /proc/"$p"/task/*; do
			[ -d "$t" ] || continue
			echo "  $(cat "$t/comm") $(cut -d' ' -f3 "$t/stat") $(cat "$t/wchan")"
			sed 's/^/    /' "$t/stack" 2>/dev/null
		done
	done >> "$f"
}

# mig_vf_mac N MAC: the PF gives VF N (0 or 1, where the migrations go
# back and forth) MAC, and says so.
mig_vf_mac() {
	$IP link set "$pfdev" vf "$1" mac "$2" &&
		echo "# ${run##*/}: ip link set $pfdev vf $1 mac $2"
}

# mig_run NAME KIND ROUNDS: the run (see above), in $WORK/NAME; QEMU i
# (0..ROUNDS) in q$i. Leaves: $run/mig$i.txt (the helper's output for the
# migration to QEMU i), $run/q*/ (each QEMU's files), before.UUID and
# after.UUID (an mdev's counters before and after the migrations),
# l1ping.out; mig_done (migrations completed), mig_cur (the QEMU L2 ended
# on), t_boot, t_ready.
mig_run() {
	local name=$1 kind=$2 rounds=$3 i t0= t1 mdevs=
	run=$WORK/$name
	rm -rf "$run"
	mkdir -p "$run"
	write_helper > "$run/vmm_mig.py"
	run_t0=$(uptime_s)
	mig_done=0 mig_cur=0 t_boot= t_ready= mig_rc0=
	[ "$kind" != mdev ] || mdevs="$MIG_UA $MIG_UB"
	mig_start 0 "$(mig_devs "$kind" 0)"
	if mig_wait boot "$READY_TMO" 0; then
		t_boot=$(secs "$run_t0" "$(uptime_s)")
		if mig_wait ready "$READY_TMO" 0; then
			t_ready=$(secs "$run_t0" "$(uptime_s)")
			snap before "$mdevs"
			mig_send 0 go
		fi
	fi
	[ -n "$t_boot" ] || ! mig_alive 0 || l2_cpu_state "$run/q0"
	if [ -n "$t_ready" ] && mig_wait pinging "$DONE_TMO" 0; then
		if [ "$kind" = mdev ]; then
			ping -i "$MIG_IVAL" "${mig_l2ip%/*}" > "$run/l1ping.out" 2>&1 &
			l1ping=$!
			t0=$(uptime_s)
		fi
		sleep 2
		i=1
		while [ "$i" -le "$rounds" ]; do
			# The operator's part (as between two hosts): the
			# destination VF has the guest's MAC, and the VF the guest
			# left has one of its own (below).  Two VFs of one PF with
			# one MAC leave the PF's switch a choice: once, L2 stopped
			# receiving after the source's VF was reset.
			[ "$kind" != mdev ] || mig_vf_mac $((i % 2)) "$M0"
			mig_start "$i" "$(mig_devs "$kind" "$i")" "unix:$QDIR/$name/q$i/mig.sock"
			echo "# $name: migration $i: QEMU $((i - 1)) -> QEMU $i${t0:+, at +$(secs "$t0" "$(uptime_s)") s of L1's pings}"
			# The helper's own limit holds while QEMU answers on QMP;
			# timeout(1) bounds it when QEMU does not (mig_threads).
			timeout $((MIG_TMO + 120)) chroot /host python3 "$QDIR/$name/vmm_mig.py" migrate \
				--src "$QDIR/$name/q$((i - 1))/qmp.sock" \
				--dst "$QDIR/$name/q$i/qmp.sock" \
				--uri "unix:$QDIR/$name/q$i/mig.sock" \
				--caps "$mig_caps" --timeout "$MIG_TMO" --quit-src \
				--src-trace "$QDIR/$name/q$((i - 1))/trace.log" \
				--dst-trace "$QDIR/$name/q$i/trace.log" > "$run/mig$i.txt" 2>&1
			grep -q '^mig ' "$run/mig$i.txt" || mig_threads "$run/mig$i.txt" $((i - 1)) "$i"
			sed "s/^/# $name: migration $i: /" "$run/mig$i.txt"
			[ -z "$t0" ] || echo "# $name: migration $i: over at +$(secs "$t0" "$(uptime_s)") s"
			if ! grep -q '^mig status=completed .* dst=running' "$run/mig$i.txt"; then
				# The source goes on; the destination is of no use.
				chroot /host python3 "$QDIR/$name/vmm_mig.py" quit \
					"$QDIR/$name/q$i/qmp.sock" > /dev/null 2>&1
				mig_end "$i"
				break
			fi
			mig_end $((i - 1))
			[ "$kind" != mdev ] ||
				mig_vf_mac $(((i - 1) % 2)) "02:00:00:00:01:0$(((i - 1) % 2))"
			mig_done=$i mig_cur=$i
			sleep "$MIG_ON_DST"
			i=$((i + 1))
		done
		if [ -n "$l1ping" ]; then
			kill -INT "$l1ping"
			wait "$l1ping"
			t1=$(uptime_s)
			l1ping=
			mig_wall=$(l1_gap "$run/l1ping.out" "$(secs "$t0" "$t1")")
			echo "# $name: L1's pings of L2 over $(secs "$t0" "$t1") s: gap ${mig_wall%% *} ms, ${mig_wall#* }"
			mig_wall=${mig_wall%% *}
		fi
		snap after "$mdevs"
		mig_send "$mig_cur" stop
		if mig_wait "done" "$DONE_TMO" "$mig_cur"; then
			mig_send "$mig_cur" quit
		elif mig_alive "$mig_cur"; then
			mig_serial_state "$mig_cur"
		fi
	fi
	[ -z "$t_ready" ] || [ -n "$(mig_rec pinging)" ] || mig_send 0 quit
	mig_end "$mig_cur"
	cat "$run"/q*/ctl.out | tr -d '\r' | grep '^@l2' | sed "s/^/# $name: /"
	for i in "$run"/q*; do
		if [ -s "$i/qemu.log" ]; then
			echo "# $name: QEMU ${i##*/q} said:"
			sed 's/^/#   /' "$i/qemu.log"
		fi
		# What QEMU did with the device (state changes, the stream's
		# chunks, switchover-ack) and with the migration channel, with
		# its thread and time; of the pre-copy iterations only the first.
		if grep -q ':vfio_\|:loadvm_' "$i/trace.log" 2>/dev/null; then
			echo "# $name: QEMU ${i##*/q}'s trace of the VFIO device, switchover-ack and the channel:"
			awk '/:vfio_save_iterate / { if (it++) next }
				/:vfio_|:loadvm_|:migrat|:source_return_path|:qemu_file_/ { print "#   " $0 }
				END { if (it > 1) printf "#   (and %d more vfio_save_iterate)\n", it - 1 }' \
				"$i/trace.log"
		fi
		echo "# $name: L2 console on QEMU ${i##*/q}:"
		tr -d '\r' < "$i/console.log" | grep -v '^$' | sed 's/^/#   /'
	done
}

# mig_fig FILE KEY: a figure of a "mig ..." or "trace ..." line.
mig_fig() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p" | head -n 1; }
# mig_summary I: one migration's figures, for a case's message.
mig_summary() {
	local f=$run/mig$1.txt s
	s="downtime $(mig_fig "$f" downtime_ms) ms"
	# The trace's figures, where this QEMU traces its downtime (10, not 7.2).
	grep -q '^trace .*full_downtime_ms=' "$f" &&
		s="$s (stop to running $(mig_fig "$f" full_downtime_ms) ms, device $(mig_fig "$f" device_ms) ms)"
	s="$s, total $(mig_fig "$f" total_ms) ms, device state $(mig_fig "$f" vfio_bytes) B"
	grep -q '^trace .*switchover_acks=' "$f" &&
		s="$s, switchover-acks $(mig_fig "$f" switchover_acks)"
	echo "$s"
}

# check_migrated CASE ROUNDS: every migration completed, the destination ran.
check_migrated() {
	local i msg= why
	if [ -z "$t_ready" ]; then
		fail "$1" "L2 never got ready on QEMU 0 (init after ${t_boot:--} s)"
		return
	fi
	if [ -z "$(mig_rec pinging)" ]; then
		fail "$1" "L2 did not start pinging: $(mig_rec 'ping a_to_peer')"
		return
	fi
	i=1
	while [ "$i" -le "$2" ]; do
		if [ "$i" -gt "$mig_done" ]; then
			why=$(grep '^mig ' "$run/mig$i.txt" 2>/dev/null)
			fail "$1" "migration $i (QEMU $((i - 1)) -> $i) did not complete: ${why:-no result from the helper}"
			return
		fi
		msg="$msg; $i: $(mig_summary "$i")"
		i=$((i + 1))
	done
	ok "$1" "$mig_dirty dirty tracking$msg${mig_retried:+; RETRIED once, the first attempt's $mig_retried}"
}

# check_pings_resume CASE: L2's pings went on across the migrations: replies
# came until the end on the last destination (at most MIG_TAIL_MAX, a
# second's worth, unanswered when L2 stopped pinging, MIG_ON_DST seconds
# after the migration) and no run of lost replies longer than MIG_GAP_MAX
# ms; the last destination's mdev carried the traffic.
check_pings_resume() {
	local r lost_run gap tail recv u a b
	r=$(mig_rec "mping a ")
	if [ -z "$r" ]; then
		fail "$1" "no ping result from L2 (it did not finish)"
		return
	fi
	gap=$(echo "$r" | tr ' ' '\n' | sed -n 's/^gap_ms=//p')
	tail=$(echo "$r" | tr ' ' '\n' | sed -n 's/^tail_lost=//p')
	recv=$(echo "$r" | tr ' ' '\n' | sed -n 's/^recv=//p')
	lost_run=$(echo "$r" | tr ' ' '\n' | sed -n 's/^lost_run=//p')
	r=${r#@l2 mping a }
	case "$r" in
	"sent=-1 "*)
		fail "$1" "L2's ping printed no statistics (how many it sent is unknown): $r"
		return
		;;
	esac
	if [ "${recv:-0}" -eq 0 ] || [ "${tail:-999}" -gt "$MIG_TAIL_MAX" ]; then
		# What the mdevs and the PF looked like at the end.
		for u in $MIG_UA $MIG_UB; do
			[ "$mig_kind" = mdev ] && [ -f "$run/after.$u" ] || continue
			echo "# $1: mdev ${u%%-*} after the migrations:"
			grep -E '^(ring|migration|sweep|pin_cache|mailbox|config_log)' "$run/after.$u" |
				sed 's/^/#   /'
		done
		$IP link show "$pfdev" 2>/dev/null | grep 'vf ' | sed "s/^/# $1: PF: /"
		fail "$1" "the replies stopped: $r"
		return
	fi
	if [ "${gap:-0}" -gt "$MIG_GAP_MAX" ]; then
		fail "$1" "$lost_run replies lost in a row ($gap ms of L2's time, limit $MIG_GAP_MAX): $r"
		return
	fi
	if [ "$mig_kind" = mdev ]; then
		u=$MIG_UA
		[ $((mig_cur % 2)) = 0 ] || u=$MIG_UB
		b=$(field "$run/before.$u" tx descs)
		a=$(field "$run/after.$u" tx descs)
		if [ "$((a - b))" -le 0 ]; then
			fail "$1" "the last destination's mdev ${u%%-*} sent nothing (tx descs $b -> $a): $r"
			return
		fi
		r="$r; L1->L2 wall gap ${mig_wall:--} ms; mdev ${u%%-*} (QEMU $mig_cur) tx +$((a - b)) descs"
	fi
	ok "$1" "$r"
}

# check_no_reset CASE: L2 saw no reset of its device (l2_init.sh mig_ping).
check_no_reset() {
	local r
	r=$(mig_rec "reset a ")
	case "$r" in
	"") fail "$1" "no report from L2 (it did not finish)" ;;
	*" carrier_changes=0 tx_timeouts=0 msgs=0") ok "$1" "${r#@l2 reset a }" ;;
	*)
		cat "$run"/q*/console.log | tr -d '\r' | grep '^l2 device message' | sed 's/^/# /'
		fail "$1" "L2 saw its device reset or stall: ${r#@l2 reset a }"
		;;
	esac
}

# check_mig_clean CASE: as check_clean, over every QEMU of the run; on a
# kernel without DMA logging each mdev QEMU 10 may print the type1 warning
# (MIG_TYPE1_WARNING, in $mig_warn), once.
check_mig_clean() {
	local q=0 w=0 k l d
	for d in "$run"/q*; do
		[ -f "$d/qemu.log" ] || continue
		if [ -n "$mig_warn" ] && [ "$mig_kind" = mdev ]; then
			w=$((w + $(grep -cF "$mig_warn" "$d/qemu.log")))
			q=$((q + $(grep -vF "$mig_warn" "$d/qemu.log" | grep -c .)))
		else
			q=$((q + $(grep -c . "$d/qemu.log")))
		fi
	done
	k=$(mig_rec "klog warnings=")
	k=${k#*warnings=}
	k=${k%% *}
	l1_vfio_log "$run_t0" > "$run/l1klog"
	l=$(grep -c . "$run/l1klog")
	if [ -z "$k" ]; then
		fail "$1" "L2 did not report its kernel log (it did not finish)"
	elif [ "$q" -gt 0 ] || [ "$k" -gt 0 ] || [ "$l" -gt 0 ]; then
		cat "$run"/q*/console.log | tr -d '\r' | grep '^l2 klog: ' | sed 's/^/# /'
		sed 's/^/# l1 klog: /' "$run/l1klog"
		fail "$1" "QEMU printed $q line(s) (besides $w expected type1 warning(s)), L2's kernel $k warning(s), the rig's kernel $l$([ "$q" -eq 0 ] || echo "; QEMU's first: $(cat "$run"/q*/qemu.log | grep -vF "${mig_warn:-@none@}" | head -n 1)")"
	elif [ "$w" -gt 0 ]; then
		ok "$1" "QEMU's expected enable-migration=on warning (type1 dirty tracking): $w"
	else
		ok "$1"
	fi
}

# dev72 I: the VFIO device's share of migration I's downtime with QEMU 7.2,
# from the traces (QEMU 7.2 has no downtime checkpoints): on the source,
# from the VM stop (vm_state_notify running 0) to the device stopped
# (device_state SAVING written) and from the second SAVING write to STOP
# written (reading the stream); on the destination, from the VM start
# (vm_state_notify running 1) to the device running (RESUMING -> RUNNING:
# load, restore, restart). Both bounds include QEMU's own work around the
# writes.
dev72() {
	local s=$run/q$(($1 - 1))/trace.log d=$run/q$1/trace.log
	awk '
		function t(l) { sub(/^[0-9]+@/, "", l); return l + 0 }
		/:vm_state_notify .*running 0/ { stop = t($0); s2 = 0 }
		/:vfio_migration_set_state .* state 2$/ && stop {
			if (!s2) { s2 = t($0); arc = s2 - stop } else save0 = t($0)
		}
		/:vfio_migration_set_state .* state 0$/ && save0 { save = t($0) - save0 }
		END { printf "stop %.1f ms, then from the second SAVING to STOP (the stream read) %.1f ms", arc * 1000, save * 1000 }' "$s"
	awk '
		function t(l) { sub(/^[0-9]+@/, "", l); return l + 0 }
		/:vm_state_notify .*running 1/ { go = t($0) }
		/:vfio_migration_set_state .* state 1$/ && go && !run { run = t($0) - go }
		END { printf "; restore %.1f ms", run * 1000 }' "$d"
}

# check_region CASE: QEMU 7.2 drove the migrations through the migration
# region: the running destination's mdev is driven through it and took
# chunks of the stream there, and the other mdev (a destination, then a
# source, now closed) moved chunks through it too.
check_region() {
	local u a c bad= msg=
	for u in $MIG_UA $MIG_UB; do
		a=$run/after.$u
		c=$(awk '$1 == "mig_region:" { for (i = 2; i < NF; i++) if ($i == "chunks") print $(i + 1) }' "$a" 2>/dev/null)
		msg="$msg ${u%%-*}: $(grep '^mig_region:' "$a" 2>/dev/null);"
		[ "${c:-0}" -gt 0 ] || bad="$bad ${u%%-*}: no chunk through the region;"
	done
	u=$MIG_UA
	[ $((mig_cur % 2)) = 0 ] || u=$MIG_UB
	grep -q '^mig_region: interface the migration region ' "$run/after.$u" 2>/dev/null ||
		bad="$bad the running destination (${u%%-*}) is not driven through the region;"
	if [ -n "$bad" ]; then
		fail "$1" "$bad (seen:$msg)"
	else
		ok "$1" "${msg% ;}"
	fi
}

# --- The runs -----------------------------------------------------------------
t_all=$(uptime_s)
$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
M0=$(vf_mac "$VF0") M1=$(vf_mac "$VF1") M2=$(vf_mac "$VF2") M3=$(vf_mac "$VF3")
echo "# PF $VFMDEV_PF ($pfdev) $PF_IP; VFs $VF0 $M0, $VF1 $M1, $VF2 $M2, $VF3 $M3"
APPEND2="vmm.peer=$PF_IP vmm.count=$COUNT"
Q10=/usr/bin/qemu-system-x86_64
Q72=${QEMU72:-/var/cache/vfmdev/qemu-7.2}
RP="-device pcie-root-port,id=rp1,chassis=1,slot=1 -device pcie-root-port,id=rp2,chassis=2,slot=2"
echo "# $(chroot /host $Q10 --version | head -n 1)"

mdev_ok=1
[ -d /sys/bus/pci/drivers/igbvf_mdev ] || mdev_ok=0

# mig_prepare P VMM CASE...: get a migration run of P by QEMU VMM (10 or
# 72) ready: mdevs on VF 0 and VF 1 (MIG_UA, MIG_UB), the guest's MAC on
# VF 1 as well (the operator's part: the destination VF gets it), the
# PF's address, mig_vmm VMM and the guest's command line.  Otherwise the
# CASEs are skipped or failed, with why, and it returns 1.
mig_prepare() {
	local p=$1 v=$2
	shift 2
	run=
	if ! selected "$p"; then
		skip_run "$p" "not selected (vmm_qemu.only=$only)" "$@"
	elif [ "$mdev_ok" = 0 ]; then
		skip_run "$p" "igbvf_mdev not loaded (vfmdev modules not built)" "$@"
	elif [ "$v" = 72 ] && [ ! -x "/host$Q72/usr/bin/qemu-system-x86_64" ]; then
		skip_run "$p" "no QEMU 7.2 at $Q72 on the host (scripts/deps.sh extracts it)" "$@"
	elif [ -n "$l2_missing" ]; then
		fail_run "$p" "$l2_missing" "$@"
	elif ! new_mdev "$VF0" || ! MIG_UA=$uuid || ! new_mdev "$VF1" || ! MIG_UB=$uuid; then
		fail_run "$p" "could not create the mdevs (see the kernel log)" "$@"
	elif ! $IP link set "$pfdev" vf 1 mac "$M0"; then
		fail_run "$p" "the PF refused VF 1 the MAC $M0" "$@"
	else
		$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
		echo "# $p: ip link set $pfdev vf 1 mac $M0 (VF 1, $VF1, the destination, gets VF 0's MAC)"
		mig_vmm "$v"
		mig_kind=mdev mig_l2ip=10.77.0.2/24
		mig_append="vmm.a=$M0,$mig_l2ip $APPEND2 vmm.mig=$MIG_IVAL"
		return 0
	fi
	return 1
}

# --- The benchmark (vmm_qemu --bench) -------------------------------------------
# bench_figs KIND: the mean over the completed migrations of the current
# run of each figure, as shell assignments KIND_downtime=... etc.
bench_figs() {
	cat "$run"/mig*.txt 2>/dev/null | awk -v k="$1" '
		function put(n, v) { if (v != "" && v != "-") { s[n] += v; c[n]++ } }
		$1 == "mig" || $1 == "trace" {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "downtime_ms") put("downtime", kv[2])
				if (kv[1] == "total_ms") put("total", kv[2])
				if (kv[1] == "full_downtime_ms") put("stop_to_running", kv[2])
				if (kv[1] == "device_ms") put("device", kv[2])
			}
		}
		END {
			n = split("downtime total stop_to_running device", f, " ")
			for (i = 1; i <= n; i++)
				printf "%s_%s=%s\n", k, f[i], c[f[i]] ? sprintf("%.1f", s[f[i]] / c[f[i]]) : ""
		}'
}
# figure NAME VALUE UNIT: a "bench:" line, when there is a value.
figure() { [ -z "$2" ] || echo "bench: $1=$2 $3"; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }

# bench: QEMU 10 migrates L2 VMM_BENCH_ROUNDS times (there and back) with
# the mdev, then with virtio-net on QEMU's user network, each in one boot
# of L2; the figures are means over the migrations.
bench() {
	local rounds rc=0 g
	rounds=${VMM_BENCH_ROUNDS:-$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^vmm_qemu\.rounds=//p' | grep . || echo 2)}
	[ "$mdev_ok" = 1 ] || skip_all "igbvf_mdev not loaded (vfmdev modules not built)"
	[ -z "$l2_missing" ] || { echo "# vmm_qemu --bench: $l2_missing"; exit 1; }
	[ "$(nproc)" -ge 2 ] ||
		skip_all "one vCPU here; a nested guest needs two (make bench runs this in its two-vCPU boot)"
	echo "# QEMU 10 live migration of L2, $rounds migrations per NIC; dirty tracking for the mdev: $MIG_DIRTY"
	mig_vmm 10
	if ! new_mdev "$VF0" || ! MIG_UA=$uuid || ! new_mdev "$VF1" || ! MIG_UB=$uuid ||
	   ! $IP link set "$pfdev" vf 1 mac "$M0"; then
		echo "# could not set up the mdevs"
		exit 1
	fi
	$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
	mig_kind=mdev mig_l2ip=10.77.0.2/24
	mig_append="vmm.a=$M0,$mig_l2ip $APPEND2 vmm.mig=$MIG_IVAL"
	mig_run bench_mdev mdev "$rounds"
	[ "$mig_done" = "$rounds" ] || { echo "# the mdev's migrations failed"; rc=1; }
	eval "$(bench_figs mdev)"
	g=$(mig_rec "mping a ")
	mdev_gap=$(echo "$g" | tr ' ' '\n' | sed -n 's/^gap_ms=//p')
	mdev_wall=$mig_wall
	cleanup
	vf_mac "$VF0" > /dev/null
	vf_mac "$VF1" > /dev/null

	mig_kind=virtio MIG_VMAC=02:00:00:00:00:10
	mig_append="vmm.a=$MIG_VMAC,10.0.2.15/24 vmm.peer=10.0.2.2 vmm.count=$COUNT vmm.mig=$MIG_IVAL"
	mig_run bench_virtio virtio "$rounds"
	[ "$mig_done" = "$rounds" ] || { echo "# virtio-net's migrations failed"; rc=1; }
	eval "$(bench_figs virtio)"
	g=$(mig_rec "mping a ")
	virtio_gap=$(echo "$g" | tr ' ' '\n' | sed -n 's/^gap_ms=//p')

	echo "# downtime: QEMU's own figure (query-migrate: the source's stop until it sent the last byte);"
	echo "# stop_to_running: the source's stop until the destination runs (QEMU's trace checkpoints"
	echo "# src-downtime-start and dst-precopy-bh-vm-started, one clock); device: the VFIO device's"
	echo "# state changes and stream I/O within it (means over the migrations); ping_gap: L2's"
	echo "# longest run of lost replies, in L2's time; wall_gap: the same for L1's pings of L2, in"
	echo "# L1's time (longest over the migrations)."
	for k in mdev virtio; do
		eval "figure qemu_migration.$k.downtime \"\$${k}_downtime\" ms"
		eval "figure qemu_migration.$k.stop_to_running \"\$${k}_stop_to_running\" ms"
		eval "figure qemu_migration.$k.total \"\$${k}_total\" ms"
		eval "figure qemu_migration.$k.ping_gap \"\$${k}_gap\" ms"
	done
	figure qemu_migration.mdev.device_share "$mdev_device" ms
	figure qemu_migration.mdev.device_share_of_stop_to_running \
		"$(awk -v a="$mdev_device" -v b="$mdev_stop_to_running" 'BEGIN { if (a != "" && b > 0) printf "%.1f", 100 * a / b }')" "%"
	figure qemu_migration.mdev.wall_gap "$mdev_wall" ms
	figure qemu_migration.mdev_vs_virtio.downtime "$(ratio "$mdev_downtime" "$virtio_downtime")" x
	figure qemu_migration.mdev_vs_virtio.stop_to_running "$(ratio "$mdev_stop_to_running" "$virtio_stop_to_running")" x
	figure qemu_migration.mdev_vs_virtio.total "$(ratio "$mdev_total" "$virtio_total")" x
	echo "# vmm_qemu --bench: $(secs "$t_all" "$(uptime_s)") s"
	exit "$rc"
}
[ "$mode" != bench ] || bench

# QEMU 10, two mdevs.
P=qemu10_mdev
if ! selected $P; then
	skip_run $P "not selected (vmm_qemu.only=$only)" boot igbvf_link ping vf_to_vf counters no_warnings
elif [ "$mdev_ok" = 0 ]; then
	skip_run $P "igbvf_mdev not loaded (vfmdev modules not built)" boot igbvf_link ping vf_to_vf counters no_warnings
elif [ -n "$l2_missing" ]; then
	fail_run $P "$l2_missing" boot igbvf_link ping vf_to_vf counters no_warnings
elif ! new_mdev "$VF0" || ! U0=$uuid || ! new_mdev "$VF1" || ! U1=$uuid; then
	fail_run $P "could not create the mdevs (see the kernel log)" boot igbvf_link ping vf_to_vf counters no_warnings
else
	run_l2_retry $P $Q10 "" "$RP -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U0,bus=rp1 -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U1,bus=rp2" \
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

# QEMU 10 migrates L2 from an mdev on VF 0 to one on VF 1, and back: the
# second migration saves a device that was itself restored from a stream.
P=qemu10_migrate
MCASES="completes pings_resume no_reset no_warnings"
MIG_ROUNDS=${VMM_MIG_ROUNDS:-2}	# there and back
if mig_prepare $P 10 $MCASES; then
	echo "# $P: dirty tracking: $MIG_DIRTY; -device vfio-pci,sysfsdev=...$MIG_DEVOPT"
	mig_run_retry $P "$MIG_ROUNDS"
	check_migrated ${P}_completes "$MIG_ROUNDS"
	check_pings_resume ${P}_pings_resume
	check_no_reset ${P}_no_reset
	check_mig_clean ${P}_no_warnings
fi
cleanup
vf_mac "$VF0" > /dev/null
vf_mac "$VF1" > /dev/null

# QEMU 10, two VFs on vfio-pci: the baseline.
P=qemu10_vfio_pci
run=
if ! selected $P; then
	skip_run $P "not selected (vmm_qemu.only=$only)" boot igbvf_link ping vf_to_vf no_warnings
elif [ -n "$l2_missing" ]; then
	fail_run $P "$l2_missing" boot igbvf_link ping vf_to_vf no_warnings
elif ! bind "$VF2" vfio-pci || ! bind "$VF3" vfio-pci; then
	fail_run $P "could not bind $VF2 and $VF3 to vfio-pci" boot igbvf_link ping vf_to_vf no_warnings
else
	$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
	run_l2_retry $P $Q10 "" "$RP -device vfio-pci,host=$VF2,bus=rp1 -device vfio-pci,host=$VF3,bus=rp2" \
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
run=
if ! selected $P; then
	skip_run $P "not selected (vmm_qemu.only=$only)" boot igbvf_link ping counters no_warnings
elif [ "$mdev_ok" = 0 ]; then
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
	run_l2_retry $P "$Q72/usr/bin/qemu-system-x86_64" \
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

# QEMU 7.2 migrates L2 from an mdev on VF 0 to one on VF 1, and back,
# through vfmdev's migration region (VFIO migration v1).
P=qemu72_migrate
MCASES="completes pings_resume no_reset region no_warnings"
MIG_ROUNDS=${VMM_MIG_ROUNDS:-2}
if mig_prepare $P 72 $MCASES; then
	echo "# $P: $(chroot /host "$mig_qemu" --version | head -n 1); -device vfio-pci,sysfsdev=...$mig_devopt"
	mig_run_retry $P "$MIG_ROUNDS"
	check_migrated ${P}_completes "$MIG_ROUNDS"
	i=1
	while [ "$i" -le "$mig_done" ]; do
		echo "# $P: migration $i: the device's share (QEMU's traces): $(dev72 "$i")"
		i=$((i + 1))
	done
	check_pings_resume ${P}_pings_resume
	check_no_reset ${P}_no_reset
	check_region ${P}_region
	check_mig_clean ${P}_no_warnings
fi
cleanup
vf_mac "$VF0" > /dev/null
vf_mac "$VF1" > /dev/null

echo "# vmm_qemu: $(secs "$t_all" "$(uptime_s)") s for all runs"
echo "# Totals: pass:$((n - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
