#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/run-job.sh JOB: build what the rig needs and run one rig job on
# one kernel (RIG_KERNEL, default stock):
#
#   demo    scripts/guest/demo.sh, its output shown live, then the verdict
#           of the kernel-log scan
#   bench   every benchmark program (selftests/build/bench_*), live;
#           BENCH_PROGS=NAME,... runs only those (see
#           scripts/guest/job-bench.sh for the names); those with a nested
#           VMM (bench_vmm_*) in a second, two-vCPU boot
#   soak    test programs over and over (SOAK_PROGS, comma-separated;
#           SOAK_ROUNDS), for the emulator's stability
#   shell   an interactive shell in the guest on this terminal
#
# Missing pieces (no modules or selftests yet) are reported and the job runs
# with what there is.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

job=${1:?usage: run-job.sh demo|bench|soak|shell}
k=${RIG_KERNEL:-stock}
res="$VFMDEV_TOP/results"
lock_tree
mkdir -p "$res/host"

# quiet STEP CMD...: run CMD with its output in a log; say only what matters.
quiet() {
	local name=$1 rc=0 logf
	shift
	logf="$res/host/$job-${name//\//_}.log"
	"$@" > "$logf" 2>&1 < /dev/null || rc=$?
	case "$rc" in
	0) ;;
	77) echo "note: $name: $(tail -n 1 "$logf")" ;;
	*)
		echo "warning: $name failed (exit status $rc), see ${logf#"$VFMDEV_TOP"/}:"
		tail -n 15 "$logf" | sed 's/^/    | /'
		;;
	esac
	return "$rc"
}

echo "== vfmdev $job: preparing (deps, build, initramfs) for kernel $k"
quiet deps bash "$here/deps.sh" || exit 1
# Resolve (and for a built kernel, build) the kernel once for every step.
case "$k" in
*/*) ;;
*)
	kenv=$(kernel_env_file "$k") || exit 1
	export "VFMDEV_KENV_${k//[^A-Za-z0-9_]/_}=$kenv"
	;;
esac
quiet modules bash "$here/build.sh" modules "$k" || true
quiet selftests bash "$here/build.sh" selftests "$k" || true
quiet initramfs bash "$here/initramfs.sh" "$k" || exit 1

# verdict DIR: boot, setup, each program's exit status and the kernel-log
# scan, as in 'make test'; only failures are shown.
verdict() {
	local out=$1 rc=0
	"$(vfmdev_python)" "$here/results.py" --kernel "$KNAME" --dir "$out" \
		--no-tap > "$out/verdict.txt" || rc=1
	grep -E '^(FAIL|    \|)' "$out/verdict.txt" || true
	return "$rc"
}

load_kernel "$k"
out="$res/$KNAME/$job"
case "$job" in
bench)
	if ! ls "$VFMDEV_TOP/out/$KNAME/stage/tests"/bench_* > /dev/null 2>&1; then
		echo "bench: there are no benchmark programs (selftests/build/bench_*): nothing to run"
		exit 0
	fi
	rc=0
	RIG_APPEND="${RIG_APPEND:-}${BENCH_PROGS:+${RIG_APPEND:+ }vfmdev.bench=$BENCH_PROGS}" \
		rig_boot "$out" --kernel "$k" --job bench --live || rc=$?
	verdict "$out" || rc=1
	# Benchmarks that run a nested VMM (bench_vmm_*) need two vCPUs: a
	# second boot, job vmm (see RIG_SMP in rig.sh), told to run them.
	logs=("$out/serial.log")
	if ls "$VFMDEV_TOP/out/$KNAME/stage/tests"/bench_vmm_* > /dev/null 2>&1; then
		RIG_APPEND="${RIG_APPEND:+$RIG_APPEND }vfmdev.vmm=bench" \
			rig_boot "$out-vmm" --kernel "$k" --job vmm --live || rc=$?
		verdict "$out-vmm" || rc=1
		logs+=("$out-vmm/serial.log")
	fi
	# The machine-readable figures ("bench: name=value unit"), together.
	cat "${logs[@]}" | tr -d '\r' | grep '^bench: ' > "$out/figures.txt" || true
	if [ -s "$out/figures.txt" ]; then
		echo
		echo "== bench figures, $KNAME kernel (QEMU TCG: absolute numbers are emulation speeds; compare ratios)"
		[ "$KNAME" = stock ] ||
			echo "== ($KNAME: an instrumented kernel's absolute numbers compare with nothing; only its ratios do)"
		cat "$out/figures.txt"
		echo "== (also in ${out#"$VFMDEV_TOP"/}/figures.txt)"
	fi
	[ "$rc" -eq 0 ] && echo "== bench finished; kernel log clean" ||
		echo "== bench FAILED (${out#"$VFMDEV_TOP"/}/)"
	exit "$rc"
	;;
shell)
	exec bash "$here/rig.sh" --kernel "$k" --job shell
	;;
demo)
	rc=0
	rig_boot "$out" --kernel "$k" --job demo --live || rc=$?
	echo
	verdict "$out" || rc=1
	if [ "$rc" -eq 0 ]; then
		echo "== demo finished; kernel log clean (console: ${out#"$VFMDEV_TOP"/}/console.log)"
	else
		echo "== demo FAILED (console: ${out#"$VFMDEV_TOP"/}/console.log)"
	fi
	exit "$rc"
	;;
soak)
	# The emulator's stability under VF open/reset traffic: the programs
	# over and over (SOAK_PROGS, SOAK_ROUNDS), a wedge stops the guest.
	rc=0
	RIG_APPEND="${RIG_APPEND:+$RIG_APPEND }vfmdev.rounds=${SOAK_ROUNDS:-8} vfmdev.soak=${SOAK_PROGS:-datapath,hostile_guest,mdev_lifecycle}" \
		bash "$here/rig.sh" --kernel "$k" --job soak --progress --out "$out" || rc=$?
	verdict "$out" || rc=1
	[ "$rc" -eq 0 ] && echo "== soak finished; kernel log clean" ||
		echo "== soak FAILED (${out#"$VFMDEV_TOP"/}/)"
	exit "$rc"
	;;
*)
	die "usage: run-job.sh demo|bench|soak|shell"
	;;
esac
