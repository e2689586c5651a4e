#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "vmm": set up, then run the nested-VMM test programs
# (/vfmdev/tests/vmm_*: a real VMM in this guest drives vfmdev for a nested
# guest), each as its own section of the result channel. scripts/rig.sh
# gives this job two vCPUs (see RIG_SMP there). With vfmdev.vmm=bench on the
# kernel command line (make bench's second boot) it runs the nested-VMM
# benchmarks (/vfmdev/tests/bench_vmm_*) instead; with vfmdev.vmm=NAME
# (RIG_APPEND) only /vfmdev/tests/NAME.
. /vfmdev/guest/lib.sh

job_setup
kvm_hold_start

pat='vmm_*'
case "$(cmdline_arg vfmdev.vmm || true)" in
'') ;;
bench) pat='bench_vmm_*' ;;
*) pat=$(cmdline_arg vfmdev.vmm) ;;
esac
for t in /vfmdev/tests/$pat; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	# Nested boots of 20-180 s each depending on the kernel and the
	# machine's load, and migrations: three times the limit.
	run_prog "tests/${t##*/}" $((tmo * 3)) "$t"
done

run_prog leaks/kmemleak "$tmo" /vfmdev/guest/leaks.sh
