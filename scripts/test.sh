#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/test.sh: what "make test" runs.
#
#   deps -> static checks -> for each kernel in RIG_KERNELS (default
#   "stock debug"; scripts/debug-kernel.sh builds debug when needed):
#   modules, selftests, initramfs, two rig boots (job "test": every test
#   program but the nested-VMM ones, on one vCPU; job "vmm": those, on two)
#   -> on Debian's kernel, a third boot on the modules DKMS installed (job
#   "dkms") -> per-item results -> "N skipped" then "N passed, N failed"
#
# Every step is an item: host steps as host/..., guest results as
# <kernel>/<program>/<case>, plus <kernel>/boot and <kernel>/kernel_log
# (<kernel>/boot-vmm, <kernel>/kernel_log-vmm for the second boot).
# Logs of every step are kept in results/ (results/host/*.log and
# results/<kernel>/test/). Exit status 1 when any item failed.
#
# Environment: RIG_KERNELS, RIG_TEST_TIMEOUT (per program, s, default 300),
# RIG_TIMEOUT (whole boot, s, default 900; the vmm job a third more),
# RIG_HOSTROOT (1/0, default 1), RIG_DEBUG_VMM (migration/all, default
# migration: which nested-VMM runs the debug kernel's vmm boot makes, below).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

RIG_KERNELS=${RIG_KERNELS:-stock debug}
RIG_TEST_TIMEOUT=${RIG_TEST_TIMEOUT:-300}
RIG_TIMEOUT=${RIG_TIMEOUT:-900}
RIG_HOSTROOT=${RIG_HOSTROOT:-1}
# The debug kernel's vmm boot was the longest step by far (34 min in CI
# before a wedge, whose second boot then ran make test past 90 min).  By
# default it makes QEMU 10's and QEMU 7.2's migration runs only: they reach
# every vfmdev path a real VMM does (two mdevs open at once, BAR mmap,
# MSI-X, the pin cache, VFIO migration v2 with DMA logging, the v8 region),
# under KASAN, lockdep and kmemleak.  The others (libvirt's, the plain
# boots, the vfio-pci baseline) add no vfmdev path there; they run on
# Debian's kernel and are reported skipped on the debug one.
# RIG_DEBUG_VMM=all makes every run on both.
RIG_DEBUG_VMM=${RIG_DEBUG_VMM:-migration}
case "$RIG_DEBUG_VMM" in
all) debug_vmm= ;;
migration) debug_vmm="vfmdev.vmm_skip=vmm_libvirt vmm_qemu.only=qemu10_migrate,qemu72_migrate" ;;
*) echo "RIG_DEBUG_VMM: 'migration' or 'all', not '$RIG_DEBUG_VMM'" >&2; exit 2 ;;
esac
PY=$(vfmdev_python)
lock_tree

res="$VFMDEV_TOP/results"
mkdir -p "$res/host"
items="$res/items.txt"
times="$res/times.txt"
: > "$items"
: > "$times"
t_start=$(now)

# emit LINE...: an item (or its detail lines) to the terminal and items.txt.
emit() { printf '%s\n' "$@" | tee -a "$items"; }
timing() { printf '%-34s %7s s\n' "$1" "$2" >> "$times"; }

# step NAME CMD...: run CMD with its output in results/host/NAME.log; the
# item passes on status 0, is skipped on 77 (the reason is the last line of
# output) and fails otherwise, showing the end of the log.
step() {
	local name=$1 logf t0 rc=0
	shift
	logf="$res/host/${name//\//_}.log"
	t0=$(now)
	"$@" > "$logf" 2>&1 < /dev/null || rc=$?
	local secs
	secs=$(elapsed "$t0" "$(now)")
	timing "$name" "$secs"
	case "$rc" in
	0) emit "PASS host/$name" ;;
	77) emit "SKIP host/$name: $(tail -n 1 "$logf")" ;;
	*)
		emit "FAIL host/$name: exit status $rc (${logf#"$VFMDEV_TOP"/})"
		tail -n 30 "$logf" | sed 's/^/    | /' | tee -a "$items"
		;;
	esac
	return "$rc"
}

finish() {
	local p f s
	p=$(grep -c '^PASS ' "$items")
	f=$(grep -c '^FAIL ' "$items")
	s=$(grep -c '^SKIP ' "$items")
	timing total "$(elapsed "$t_start" "$(now)")"
	echo
	echo "Timings:"
	sed 's/^/  /' "$times"
	echo "Results: $items; logs: results/host/, results/<kernel>/test/"
	echo
	echo "$s skipped (hardware this machine does not have, not applicable, or"
	echo "  on Debian's kernel only: RIG_DEBUG_VMM=all makes them on the debug one)"
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
	exit
}

echo "== vfmdev test: kernels: $RIG_KERNELS"
if ! step deps bash "$here/deps.sh"; then
	finish
fi
load_kernel_env

echo "== static checks"
step check/build_w1_sparse bash "$here/check.sh" build
step check/checkpatch bash "$here/check.sh" checkpatch

# Packaging, as an operator installs vfmdev: DKMS (add, build, install,
# modinfo; the rig boots on what it installed below, then remove) and make
# install, in scratch trees against Debian's 6.12 headers
# (scripts/dkms-test.sh).
echo "== packaging: DKMS and make install"
dkms_ok=0
if step dkms/add bash "$here/dkms-test.sh" add &&
   step dkms/build bash "$here/dkms-test.sh" build &&
   step dkms/install bash "$here/dkms-test.sh" install; then
	dkms_ok=1
	step dkms/modinfo bash "$here/dkms-test.sh" modinfo
fi
step install/make_install bash "$here/dkms-test.sh" make_install

# resolve_kernel NAME: the env file of NAME into $kpath (building that
# kernel if its script says so).
resolve_kernel() { kernel_env_file "$1" > "$kpath"; }

# rig_job KERNEL KNAME JOB SUFFIX SECTION...: boot KERNEL's rig with JOB,
# then turn its results (expecting SECTIONs) into items; SUFFIX tells this
# boot's own items (boot, setup, kernel_log) from another boot's.
rig_job() {
	local kk=$1 k=$2 job=$3 sfx=$4 out t0 tmo=$RIG_TIMEOUT
	shift 4
	out="$res/$k/$job"
	t0=$(now)
	# The nested-VMM job's boot takes longer (rig.sh bounds it higher):
	# a third more, 1200 s by default (3600 s on the debug kernel, whose
	# vmm job took from 1600 to 2700 s in CI and here, with the load).
	[ "$job" != vmm ] || tmo=$((RIG_TIMEOUT * 4 / 3))
	# A wedged emulator gets one more boot, said loudly (rig_boot).
	rig_boot "$out" --kernel "$kk" --job "$job" --progress \
		--timeout "$tmo" --test-timeout "$RIG_TEST_TIMEOUT" $hr 2>&1 || true
	timing "$k/rig $job boot+tests" "$(elapsed "$t0" "$(now)")"
	"$PY" "$here/results.py" --kernel "$k" --dir "$out" --suffix="$sfx" \
		--expect "$@" | tee -a "$items"
}

for kk in $RIG_KERNELS; do
	kpath="$res/host/kernel-path"
	if [ -x "$here/$kk-kernel.sh" ]; then
		# Building a kernel is a step of its own (minutes when cold).
		echo "== kernel $kk: scripts/$kk-kernel.sh"
		step "$kk/kernel" resolve_kernel "$kk" || continue
	elif ! resolve_kernel "$kk" 2> "$res/host/kernel.log"; then
		emit "FAIL host/$kk/kernel: $(tail -n 1 "$res/host/kernel.log")"
		continue
	fi
	# Later steps, and the scripts they run, use this file as it is now.
	case "$kk" in
	*/*) ;;
	*) export "VFMDEV_KENV_${kk//[^A-Za-z0-9_]/_}=$(cat "$kpath")" ;;
	esac
	if ! k=$(load_kernel "$kk" 2> "$res/host/kernel.log" && echo "$KNAME"); then
		emit "FAIL host/$kk/kernel: $(tail -n 1 "$res/host/kernel.log")"
		continue
	fi
	echo "== kernel $k"
	step "$k/modules" bash "$here/build.sh" modules "$kk"
	step "$k/selftests" bash "$here/build.sh" selftests "$kk"
	if ! step "$k/initramfs" bash "$here/initramfs.sh" "$kk"; then
		emit "FAIL $k/boot: no initramfs"
		continue
	fi
	hr=--hostroot
	[ "$RIG_HOSTROOT" = 1 ] || hr=--no-hostroot
	# Two boots: job "test" (every program but the nested-VMM ones, one
	# vCPU) and job "vmm" (vmm_*, two vCPUs); see RIG_SMP in rig.sh.
	expect=(setup)
	for t in "$here/guest/rigtests"/*; do
		[ -x "$t" ] && n=${t##*/} && expect+=("rig/${n%.sh}")
	done
	vexpect=(setup)
	for t in "$VFMDEV_TOP/out/$k/stage/tests"/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		case "${t##*/}" in
		bench_*|vfmdev_demo|kvm_hold) ;;
		vmm_*) vexpect+=("tests/${t##*/}") ;;
		*) expect+=("tests/${t##*/}") ;;
		esac
	done
	rig_job "$kk" "$k" test "" "${expect[@]}"
	vapp=
	[ "$k" != debug ] || vapp=$debug_vmm
	RIG_APPEND="${RIG_APPEND:-}${vapp:+${RIG_APPEND:+ }$vapp}" \
		rig_job "$kk" "$k" vmm -vmm "${vexpect[@]}"
done

# The DKMS-installed modules in the rig: a boot of Debian's kernel (job
# "dkms", one vCPU) whose image has no in-tree build; the guest loads them
# from the scratch root through the host's modprobe, then runs the setup
# and mdev_lifecycle (items <kernel>/modprobe-dkms/..., setup-dkms/...,
# mdev_lifecycle-dkms/..., boot-dkms, kernel_log-dkms). Then dkms remove.
if [ "$dkms_ok" = 1 ]; then
	case " $RIG_KERNELS " in
	*" stock "*)
		if [ "$RIG_HOSTROOT" != 1 ]; then
			emit "SKIP stock/boot-dkms: the rig loads DKMS's modules through the host root (RIG_HOSTROOT=0)"
		elif step dkms/image bash "$here/dkms-test.sh" image; then
			hr=--hostroot
			RIG_APPEND="${RIG_APPEND:+$RIG_APPEND }vfmdev.dkmsroot=$VFMDEV_TOP/out/dkms/root" \
				rig_job "$VFMDEV_TOP/out/dkms/dkms.env" stock dkms -dkms \
				modprobe setup mdev_lifecycle
		else
			emit "FAIL stock/boot-dkms: no image"
		fi
		;;
	*)
		emit "SKIP stock/boot-dkms: the stock kernel is not in RIG_KERNELS"
		;;
	esac
	step dkms/remove bash "$here/dkms-test.sh" remove
fi
finish
