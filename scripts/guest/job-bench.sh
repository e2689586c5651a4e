#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "bench": set up, then run every /vfmdev/tests/bench_*;
# bench_doorbell runs a second time as bench_doorbell_rx, posting RX
# descriptors with the dirty-log modes (RX buffers are what the dirty log
# marks; TX payload never is).  vfmdev.bench=NAME,... on the command line
# (BENCH_PROGS on the host) runs only those.
. /vfmdev/guest/lib.sh

only=$(cmdline_arg vfmdev.bench || true)

# wanted NAME: NAME is to run.
wanted() {
	[ -z "$only" ] && return 0
	case ",$only," in
	*",$1,"*) return 0 ;;
	esac
	return 1
}

job_setup
for t in /vfmdev/tests/bench_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	n=${t##*/}
	wanted "$n" && run_prog "tests/$n" "$tmo" "$t"
	[ "$n" = bench_doorbell ] && wanted bench_doorbell_rx &&
		run_prog tests/bench_doorbell_rx "$tmo" "$t" -q rx \
			-m mdev_dlog,mdev_type1_precopy,mdev_again
done
