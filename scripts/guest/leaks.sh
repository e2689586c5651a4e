#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig: after every test program, ask kmemleak (debug kernel only)
# for unreferenced objects.  A leak whose allocation backtrace is in
# vfmdev's modules fails; other reports are shown as diagnostics, since
# kmemleak also reports long-lived objects of other subsystems it cannot
# trace.  On kernels without kmemleak the plan is "1..0 # SKIP".
KML=/sys/kernel/debug/kmemleak

echo "TAP version 13"
if [ ! -w "$KML" ]; then
	echo "1..0 # SKIP no kmemleak in this kernel"
	exit 0
fi
echo "1..1"
# Objects freed by RCU or still referenced from stacks need time and a
# second scan before kmemleak stops suspecting them.
sleep 5
echo scan > "$KML"
sleep 5
echo scan > "$KML"
report=$(cat "$KML")
ours=$(printf '%s\n' "$report" | awk '
	/^unreferenced object/ { obj = $0; trace = ""; next }
	{ trace = trace "\n" $0 }
	/\[(vf_mdev|igbvf_mdev|vf_mdev_kunit|igbvf_mdev_kunit)\]/ && obj != "" {
		print obj trace; obj = ""
	}')
total=$(printf '%s\n' "$report" | grep -c '^unreferenced object')
if [ -n "$ours" ]; then
	printf '%s\n' "$ours" | sed 's/^/# /'
	echo "not ok 1 kmemleak_vfmdev # $total unreferenced object(s), some allocated by vfmdev"
	exit 1
fi
[ "$total" -eq 0 ] || printf '%s\n' "$report" | head -n 40 | sed 's/^/# other: /'
echo "ok 1 kmemleak_vfmdev # $total unreferenced object(s) in the kernel, none from vfmdev"
