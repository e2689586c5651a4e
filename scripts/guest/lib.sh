# SPDX-License-Identifier: GPL-2.0
# vfmdev rig, guest side: helpers sourced by /init and the job scripts
# (busybox sh).

# The result channel is the second serial port (ttyS1), opened by /init as
# fd 9; the kernel console stays on ttyS0. Records are lines that start with
# "@vfmdev "; everything between "@vfmdev begin NAME" and "@vfmdev end NAME"
# is that program's own output.
res() { echo "@vfmdev $*" >&9; }

# cmdline_arg KEY: value of KEY=VALUE on the kernel command line.
cmdline_arg() {
	local w
	for w in $(cat /proc/cmdline); do
		case "$w" in
		"$1"=*) echo "${w#*=}"; return 0 ;;
		esac
	done
	return 1
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# kmsg TEXT: a line in the kernel log (lands in the console log too).
kmsg() { echo "vfmdev-rig: $*" > /dev/kmsg; }

# skip_prog SECTION REASON: SECTION as a program that skipped all of itself
# (a TAP plan of 1..0 with REASON), without running anything.
skip_prog() {
	res "begin $1"
	echo "1..0 # SKIP $2" | tee /dev/console >&9
	res "end $1 rc=4 secs=0.0"
}

# run_prog SECTION TIMEOUT PROGRAM [ARGS]: run PROGRAM with its output
# (stdout and stderr) going to the result channel and the console, in its own
# session, killed with everything it started after TIMEOUT seconds. If it
# still holds its output 30 s later (stuck in the kernel), it is left behind
# and the job goes on.
run_prog() {
	local name=$1 tmo=$2 t0 t1 rc pid wd to=
	shift 2
	rm -f /tmp/run.rc /tmp/run.pgid /tmp/run.timeout /tmp/run.stuck
	res "begin $name"
	kmsg "begin $name"
	t0=$(uptime_s)
	{
		setsid sh -c 'echo $$ > /tmp/run.pgid; exec "$@"' sh "$@" < /dev/null
		echo $? > /tmp/run.rc
	} 2>&1 | tee /dev/console >&9 &
	pid=$!
	(
		sleep "$tmo"
		echo 1 > /tmp/run.timeout
		[ -f /tmp/run.pgid ] && kill -KILL -"$(cat /tmp/run.pgid)"
		sleep 30
		echo 1 > /tmp/run.stuck
		kill -KILL "$pid"
	) 2>/dev/null &
	wd=$!
	wait "$pid"
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	t1=$(uptime_s)
	rc=$(cat /tmp/run.rc 2>/dev/null || echo 255)
	[ -f /tmp/run.timeout ] && to=" timeout=$tmo"
	[ -f /tmp/run.stuck ] && to="$to stuck=1"
	echo >&9
	res "end $name rc=$rc secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')$to"
	kmsg "end $name rc=$rc$to"
}

# Minimal TAP for the shell-written tests (setup, rig sanity).
tap_n=0
tap_failed=0
tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1"; }
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1 # SKIP $2"; }
tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	# The reason first, as the kselftest harness does.
	[ -z "$2" ] || echo "# $1: $2"
	echo "not ok $tap_n $1"
}
# tap_check NAME CMD...: ok if CMD succeeds, its output shown as diagnostics.
tap_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		tap_fail "$name" "failed: $* ${out:+: $out}"
	fi
}
# The plan comes last (TAP allows it), since shell tests count as they go.
tap_end() {
	echo "1..$tap_n"
	echo "# Totals: pass:$((tap_n - tap_failed)) fail:$tap_failed"
	[ "$tap_failed" -eq 0 ]
}

# The igb PF (8086:10c9): its BDF, or nothing.
find_pf() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x10c9 ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# vf_list PF: BDFs of its VFs in order.
vf_list() {
	local i=0 l
	while l=$(readlink "/sys/bus/pci/devices/$1/virtfn$i" 2>/dev/null); do
		basename "$l"
		i=$((i + 1))
	done
}

# job_setup: what every test-like job does first: the per-program limit
# (vfmdev.tmo) in $tmo, the setup as its own section, and its environment
# (/run/vfmdev.env) exported to the programs.
job_setup() {
	tmo=$(cmdline_arg vfmdev.tmo || echo 300)
	run_prog setup "$tmo" /vfmdev/guest/setup.sh
	set -a
	. /run/vfmdev.env
	set +a
}

# kvm_hold_start: hold one idle KVM VM for the rest of the job
# (selftests/vmm/kvm_hold.c says why: no scheduler text patching while
# nested guests come and go); a no-op without /dev/kvm or the helper.
kvm_hold_start() {
	[ -c /dev/kvm ] && [ -x /vfmdev/tests/kvm_hold ] || return 0
	/vfmdev/tests/kvm_hold > /run/kvm_hold.log 2>&1 &
	sleep 1
	kmsg "$(cat /run/kvm_hold.log) (pid $!)"
}
