#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "bench": set up, then run every /vfmdev/tests/bench_*.
. /vfmdev/guest/lib.sh

tmo=$(cmdline_arg vfmdev.tmo || echo 300)
run_prog setup "$tmo" /vfmdev/guest/setup.sh
set -a
. /run/vfmdev.env
set +a
for t in /vfmdev/tests/bench_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	run_prog "tests/${t##*/}" "$tmo" "$t"
done
