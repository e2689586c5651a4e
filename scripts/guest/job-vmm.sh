#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "vmm": set up, then run the nested-VMM test programs
# (/vfmdev/tests/vmm_*: a real VMM in this guest drives vfmdev for a nested
# guest), each as its own section of the result channel. scripts/rig.sh
# gives this job two vCPUs (see RIG_SMP there).
. /vfmdev/guest/lib.sh

job_setup

for t in /vfmdev/tests/vmm_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	# Three nested boots of 20-70 s each depending on the machine's load:
	# twice the limit.
	run_prog "tests/${t##*/}" $((tmo * 2)) "$t"
done

run_prog leaks/kmemleak "$tmo" /vfmdev/guest/leaks.sh
