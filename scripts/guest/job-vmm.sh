#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "vmm": set up, then run the nested-VMM test programs
# (/vfmdev/tests/vmm_*: a real VMM in this guest drives vfmdev for a nested
# guest), each as its own section of the result channel. scripts/rig.sh
# gives this job two vCPUs (see RIG_SMP there). With vfmdev.vmm=bench on the
# kernel command line (make bench's second boot) it runs the nested-VMM
# benchmarks (/vfmdev/tests/bench_vmm_*) instead; with vfmdev.vmm=NAME
# (RIG_APPEND) only /vfmdev/tests/NAME; with vfmdev.vmm_skip=NAME[,NAME]
# those programs are reported skipped (make test leaves some to Debian's
# kernel on the debug kernel: see RIG_DEBUG_VMM in scripts/test.sh).
. /vfmdev/guest/lib.sh

job_setup
kvm_hold_start

pat='vmm_*'
case "$(cmdline_arg vfmdev.vmm || true)" in
'') ;;
bench) pat='bench_vmm_*' ;;
*) pat=$(cmdline_arg vfmdev.vmm) ;;
esac
skip=$(cmdline_arg vfmdev.vmm_skip || true)
for t in /vfmdev/tests/$pat; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case ",$skip," in
	*",${t##*/},"*)
		skip_prog "tests/${t##*/}" "left out of this boot (vfmdev.vmm_skip=$skip)"
		continue
		;;
	esac
	# Nested boots of 20-180 s each depending on the kernel and the
	# machine's load, and migrations: three times the limit.
	run_prog "tests/${t##*/}" $((tmo * 3)) "$t"
done

run_prog leaks/kmemleak "$tmo" /vfmdev/guest/leaks.sh
