#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "bench": set up, then run every /vfmdev/tests/bench_*.
. /vfmdev/guest/lib.sh

job_setup
for t in /vfmdev/tests/bench_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	run_prog "tests/${t##*/}" "$tmo" "$t"
done
