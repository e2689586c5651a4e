#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run vfmdev's KUnit suites in the rig and report every case as TAP.
#
# The suites are test modules (vf_mdev_kunit.ko and one per family,
# igbvf_mdev_kunit.ko, ixgbevf_mdev_kunit.ko, i40e_mdev_kunit.ko)
# built only for kernels with KUnit (the debug rig kernel); on others the
# plan is "1..0 # SKIP".  Loading a test module runs its suites; each
# suite's KTAP is read from /sys/kernel/debug/kunit/<suite>/results and
# every case becomes one "suite.case" result here, with KUnit's failure
# diagnostics kept.  The test modules are unloaded again at the end.
MODDIR=${VFMDEV_MODULES:-/vfmdev/modules}
KDBG=/sys/kernel/debug/kunit

echo "TAP version 13"
set -- "$MODDIR"/*_kunit.ko
if [ ! -f "$1" ]; then
	echo "1..0 # SKIP no KUnit test modules (kernel built without KUnit)"
	exit 0
fi
[ -d /sys/kernel/debug/kunit ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null

tmp=/tmp/kunit.$$
: > "$tmp.tap"
n=0
fail=0
for ko in "$@"; do
	name=${ko##*/}
	name=${name%.ko}
	if ! out=$(insmod "$ko" 2>&1); then
		n=$((n + 1))
		fail=$((fail + 1))
		echo "# insmod $ko: $out" >> "$tmp.tap"
		echo "not ok $n $name.load" >> "$tmp.tap"
		continue
	fi
	# The module's suites: those whose results appeared with it.
	for sdir in "$KDBG"/*/; do
		suite=$(basename "$sdir")
		[ -f "$sdir/results" ] || continue
		grep -q "^$suite\$" "$tmp.seen" 2>/dev/null && continue
		echo "$suite" >> "$tmp.seen"
		# Cases are the indented "ok/not ok N name" lines; "#" lines
		# before a case are its diagnostics.
		awk -v suite="$suite" -v n="$n" '
		/^[ \t]+KTAP version/ || /^[ \t]+1\.\.[0-9]+/ { next }
		/^[ \t]+(not )?ok [0-9]+ / {
			line = $0
			sub(/^[ \t]+/, "", line)
			bad = (line ~ /^not ok/)
			sub(/^(not )?ok [0-9]+ /, "", line)
			skip = ""
			if (match(line, / # SKIP.*/)) {
				skip = substr(line, RSTART)
				line = substr(line, 1, RSTART - 1)
			}
			n++
			if (bad)
				printf "%s", diag
			printf "%sok %d %s.%s%s\n", bad ? "not " : "", n, suite, line, skip
			diag = ""
			next
		}
		/^[ \t]+/ {
			line = $0
			sub(/^[ \t]+/, "", line)
			if (line !~ /^#/)
				line = "# " line
			diag = diag line "\n"
			next
		}
		END { print n > "/dev/stderr" }
		' "$sdir/results" >> "$tmp.tap" 2> "$tmp.n"
		n=$(cat "$tmp.n")
	done
done
# Unload the test modules: they hold the modules they test.
for ko in "$@"; do
	name=${ko##*/}
	name=${name%.ko}
	grep -q "^$name " /proc/modules || continue
	n=$((n + 1))
	if out=$(rmmod "$name" 2>&1); then
		echo "ok $n $name.unload" >> "$tmp.tap"
	else
		echo "# rmmod $name: $out" >> "$tmp.tap"
		echo "not ok $n $name.unload" >> "$tmp.tap"
	fi
done
echo "1..$n"
cat "$tmp.tap"
fail=$((fail + $(grep -c '^not ok' "$tmp.tap")))
rm -f "$tmp.tap" "$tmp.n" "$tmp.seen"
[ "$fail" -eq 0 ]
