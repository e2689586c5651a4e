#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "test": set up, then run the rig's own sanity tests and every
# test program in /vfmdev/tests/ (except bench_* and the vfmdev_demo program),
# each as its own section of the result channel.
. /vfmdev/guest/lib.sh

tmo=$(cmdline_arg vfmdev.tmo || echo 300)
run_prog setup "$tmo" /vfmdev/guest/setup.sh
set -a
. /run/vfmdev.env
set +a

for t in /vfmdev/guest/rigtests/* /vfmdev/tests/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/}
	case "$name" in
	bench_*|vfmdev_demo) continue ;;
	esac
	case "$t" in
	/vfmdev/guest/*) section=rig/${name%.sh} ;;
	*) section=tests/$name ;;
	esac
	# vmm_* programs boot nested guests with a real VMM, three boots of
	# 20-70 s each depending on the machine's load: twice the limit.
	ptmo=$tmo
	case "$name" in vmm_*) ptmo=$((tmo * 2)) ;; esac
	run_prog "$section" "$ptmo" "$t"
done

# Last: leaks of vfmdev's modules, now that every test has ended.
run_prog leaks/kmemleak "$tmo" /vfmdev/guest/leaks.sh
