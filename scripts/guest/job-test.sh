#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "test": set up, then run the rig's own sanity tests and every
# test program in /vfmdev/tests/ (except bench_*, the vfmdev_demo program, the
# kvm_hold helper and the nested-VMM programs vmm_*, which job "vmm" runs on a
# two-vCPU rig),
# each as its own section of the result channel.
. /vfmdev/guest/lib.sh

job_setup

for t in /vfmdev/guest/rigtests/* /vfmdev/tests/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/}
	case "$name" in
	bench_*|vfmdev_demo|kvm_hold|vmm_*) continue ;;
	esac
	case "$t" in
	/vfmdev/guest/*) section=rig/${name%.sh} ;;
	*) section=tests/$name ;;
	esac
	run_prog "$section" "$tmo" "$t"
done

# Last: leaks of vfmdev's modules, now that every test has ended.
run_prog leaks/kmemleak "$tmo" /vfmdev/guest/leaks.sh
