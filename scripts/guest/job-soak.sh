#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "soak": set up, then run the test programs named by
# vfmdev.soak (comma-separated, default hostile_guest,datapath,mdev_lifecycle)
# over and over for vfmdev.rounds rounds (default 5). For measuring how
# often the emulated machine wedges, and for shaking out rare races; not part
# of make test.
. /vfmdev/guest/lib.sh

progs=$(cmdline_arg vfmdev.soak || echo hostile_guest,datapath,mdev_lifecycle)
rounds=$(cmdline_arg vfmdev.rounds || echo 5)
job_setup

i=1
while [ "$i" -le "$rounds" ]; do
	for name in $(echo "$progs" | tr ',' ' '); do
		run_prog "soak$i/$name" "$tmo" "/vfmdev/tests/$name"
	done
	i=$((i + 1))
done
