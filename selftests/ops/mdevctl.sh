#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mdevctl: Debian's mdevctl (run from the host's root, chroot /host) manages
# vfmdev's mdevs as an operator does, and each command's result is checked in
# sysfs. Two VFs of the rig are bound to igbvf_mdev; /etc/mdevctl.d is a
# tmpfs for the test (the host's root is read-only).
#
#   types_lists_family   "mdevctl types" lists the VF with type igbvf_mdev-vf
#                        and the name, description and available instances
#                        its sysfs type directory gives
#   start                "mdevctl start -u UUID -p VF -t igbvf_mdev-vf"
#                        creates the mdev: in /sys/bus/mdev/devices, of that
#                        type, on that parent, no instance left
#   list                 "mdevctl list" shows it (UUID, parent, type)
#   stop                 "mdevctl stop -u UUID" removes it; the instance is
#                        available again
#   define_auto          "mdevctl define --auto" writes /etc/mdevctl.d/VF/UUID
#                        with start "auto" and starts nothing
#   start_on_boot        the parent goes away and comes back (unbind and bind,
#                        as at a boot), the kernel's "MDEV_STATE=registered"
#                        uevent runs what mdevctl's udev rule runs (mdevctl
#                        start-parent-mdevs VF, through busybox's uevent
#                        listener: the rig has no udevd), and the defined mdev
#                        exists again
#   list_defined         "mdevctl list --defined" shows it as auto, and
#                        "mdevctl list" as running
#   undefine             "mdevctl stop" and "mdevctl undefine" leave neither
#                        the mdev nor its file
#
# Skips when the host root or mdevctl is missing or igbvf_mdev is not loaded.
IP=/usr/sbin/ip
MDEVCTL=/usr/bin/mdevctl
TYPE=igbvf_mdev-vf
W=/tmp/mdevctl_test
CASES="types_lists_family start list stop define_auto start_on_boot list_defined undefine"

[ -n "$VFMDEV_PF" ] || { [ -f /run/vfmdev.env ] && . /run/vfmdev.env; }

echo "TAP version 13"
echo "1..$(echo $CASES | wc -w)"
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
fail() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "# $1: $2"
	echo "not ok $n $1"
}
skip_all() {
	for c in $CASES; do n=$((n + 1)); echo "ok $n $c # SKIP $1"; done
	echo "# Totals: pass:0 fail:0 skip:$n"
	exit 4
}
# check CASE COND_STATUS REASON: ok when the status is 0.
check() {
	if [ "$2" -eq 0 ]; then ok "$1" "$4"; else fail "$1" "$3"; fi
}

grep -q ' /host 9p ' /proc/mounts || skip_all "the host root is not shared (rig.sh --hostroot)"
[ -x "/host$MDEVCTL" ] || skip_all "no $MDEVCTL on the host (make deps installs mdevctl)"
[ -d /sys/bus/pci/drivers/igbvf_mdev ] || skip_all "igbvf_mdev not loaded"
set -- $VFMDEV_VFS
[ "$#" -ge 2 ] || skip_all "needs 2 VFs, have '$VFMDEV_VFS'"
VF0=$1
VF1=$2

mdevctl() {

	chroot /host "$MDEVCTL" "$@"
}

rm -rf "$W"
mkdir -p "$W"
mount -t tmpfs tmpfs /host/etc/mdevctl.d
mkdir -p /host/etc/mdevctl.d/scripts.d/callouts /host/etc/mdevctl.d/scripts.d/notifiers
BOUND=
UUIDS=
upid=
cleanup() {
	local u v d
	[ -z "$upid" ] || kill "$upid" 2>/dev/null
	for u in $UUIDS; do
		[ ! -e "/sys/bus/mdev/devices/$u" ] || echo 1 > "/sys/bus/mdev/devices/$u/remove"
	done
	for v in $BOUND; do
		d=/sys/bus/pci/devices/$v
		[ ! -e "$d/driver" ] || echo "$v" > "$d/driver/unbind"
		echo > "$d/driver_override"
	done
	umount /host/etc/mdevctl.d 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bind() {
	local d=/sys/bus/pci/devices/$1
	[ ! -e "$d/driver" ] || echo "$1" > "$d/driver/unbind"
	echo igbvf_mdev > "$d/driver_override"
	BOUND="$BOUND $1"
	echo "$1" > /sys/bus/pci/drivers/igbvf_mdev/bind 2>/dev/null
	[ "$(basename "$(readlink "$d/driver")")" = igbvf_mdev ]
}
bind "$VF0" && bind "$VF1" || {
	for c in $CASES; do fail "$c" "could not bind $VF0 and $VF1 to igbvf_mdev"; done
	exit 1
}
T0=/sys/bus/pci/devices/$VF0/mdev_supported_types/$TYPE
T1=/sys/bus/pci/devices/$VF1/mdev_supported_types/$TYPE

# --- types ----------------------------------------------------------------
mdevctl types -p "$VF0" > "$W/types" 2>&1
sed 's/^/#   /' "$W/types"
why=
grep -qx "$VF0" "$W/types" || why="$why no parent line $VF0;"
grep -qE "^ +$TYPE\$" "$W/types" || why="$why no type $TYPE;"
grep -qx "    Available instances: $(cat "$T0/available_instances")" "$W/types" ||
	why="$why available instances not $(cat "$T0/available_instances");"
grep -qx "    Name: $(cat "$T0/name")" "$W/types" || why="$why name not '$(cat "$T0/name")';"
grep -qx "    Description: $(head -n 1 "$T0/description")" "$W/types" ||
	why="$why description not '$(head -n 1 "$T0/description")';"
check types_lists_family "$([ -z "$why" ]; echo $?)" "$why" "$(cat "$T0/name")"

# --- start, list, stop ------------------------------------------------------
U=$(cat /proc/sys/kernel/random/uuid)
UUIDS="$U"
D=/sys/bus/mdev/devices/$U
out=$(mdevctl start -u "$U" -p "$VF0" -t "$TYPE" 2>&1)
rc=$?
why=
[ "$rc" -eq 0 ] || why="exit status $rc: $out;"
[ -e "$D" ] || why="$why no $D;"
[ "$(basename "$(readlink "$D/mdev_type")")" = "$TYPE" ] || why="$why mdev_type is $(readlink "$D/mdev_type");"
[ "$(basename "$(readlink -f "$D/..")")" = "$VF0" ] || why="$why parent is $(readlink -f "$D/..");"
[ "$(cat "$T0/available_instances")" = 0 ] || why="$why available_instances $(cat "$T0/available_instances") with the mdev created;"
check start "$([ -z "$why" ]; echo $?)" "$why"

mdevctl list > "$W/list" 2>&1
sed 's/^/#   /' "$W/list"
grep -qE "^$U +$VF0 +$TYPE( |\$)" "$W/list"
check list $? "no line '$U $VF0 $TYPE'"

out=$(mdevctl stop -u "$U" 2>&1)
rc=$?
why=
[ "$rc" -eq 0 ] || why="exit status $rc: $out;"
[ ! -e "$D" ] || why="$why $D still there;"
[ "$(cat "$T0/available_instances")" = 1 ] || why="$why available_instances $(cat "$T0/available_instances") after stop;"
check stop "$([ -z "$why" ]; echo $?)" "$why"

# --- define --auto, start at "boot", undefine ---------------------------------
U2=$(cat /proc/sys/kernel/random/uuid)
UUIDS="$U $U2"
D2=/sys/bus/mdev/devices/$U2
F2=/host/etc/mdevctl.d/$VF1/$U2
out=$(mdevctl define --auto -u "$U2" -p "$VF1" -t "$TYPE" 2>&1)
rc=$?
why=
[ "$rc" -eq 0 ] || why="exit status $rc: $out;"
if [ -f "$F2" ]; then
	awk '{ print "#   " $0 }' "$F2"
	tr -d ' \n' < "$F2" | grep -q "\"mdev_type\":\"$TYPE\"" || why="$why no mdev_type $TYPE in $F2;"
	tr -d ' \n' < "$F2" | grep -q '"start":"auto"' || why="$why no start auto in $F2;"
else
	why="$why no $F2;"
fi
[ ! -e "$D2" ] || why="$why define started the mdev;"
check define_auto "$([ -z "$why" ]; echo $?)" "$why"

# What mdevctl's udev rule does when a parent registers with mdev, run by
# busybox's uevent listener for each kernel uevent. The rule's own program
# path is reported: Debian 12's rule names /usr/sbin/mdevctl, which its
# package does not ship.
rule=/host/lib/udev/rules.d/60-mdevctl.rules
prog=$(sed -n 's/.*{ \(\/[^ ]*mdevctl\) start-parent-mdevs.*/\1/p' "$rule" 2>/dev/null | head -n 1)
if [ -n "$prog" ] && [ ! -x "/host$prog" ]; then
	echo "# note: $rule runs $prog, which is not installed ($MDEVCTL is): udev would not start defined mdevs at boot on this system"
fi
cat > "$W/uevent.sh" << EOF
#!/bin/sh
[ "\$ACTION" = change ] && [ "\$MDEV_STATE" = registered ] || exit 0
k=\${DEVPATH##*/}
echo "\$k" >> $W/registered
[ -d "/host/etc/mdevctl.d/\$k" ] || exit 0
chroot /host $MDEVCTL start-parent-mdevs "\$k" >> $W/start.log 2>&1
echo "\$k rc=\$?" >> $W/started
EOF
chmod 755 "$W/uevent.sh"
busybox uevent "$W/uevent.sh" > /dev/null 2>&1 &
upid=$!
sleep 0.5
# The "boot": VF1 leaves igbvf_mdev and comes back.
echo "$VF1" > /sys/bus/pci/drivers/igbvf_mdev/unbind
echo "$VF1" > /sys/bus/pci/drivers/igbvf_mdev/bind 2>/dev/null
i=0
while [ ! -e "$D2" ] && [ "$i" -lt 40 ]; do
	sleep 0.5
	i=$((i + 1))
done
kill "$upid" 2>/dev/null
upid=
why=
grep -qx "$VF1" "$W/registered" 2>/dev/null || why="no MDEV_STATE=registered uevent for $VF1;"
[ -e "$D2" ] || why="$why $D2 did not appear within 20 s ($(cat "$W/started" "$W/start.log" 2>/dev/null | xargs));"
[ "$(basename "$(readlink "$D2/mdev_type")")" = "$TYPE" ] || why="$why mdev_type $(readlink "$D2/mdev_type");"
check start_on_boot "$([ -z "$why" ]; echo $?)" "$why" "after $((i / 2)) s"

mdevctl list --defined > "$W/defined" 2>&1
mdevctl list > "$W/list2" 2>&1
sed 's/^/#   defined: /' "$W/defined"
sed 's/^/#   running: /' "$W/list2"
why=
grep -qE "^$U2 +$VF1 +$TYPE +auto" "$W/defined" || why="not listed as '$U2 $VF1 $TYPE auto' by list --defined;"
grep -qE "^$U2 +$VF1 +$TYPE" "$W/list2" || why="$why not listed as running;"
check list_defined "$([ -z "$why" ]; echo $?)" "$why"

out=$(mdevctl stop -u "$U2" 2>&1 && mdevctl undefine -u "$U2" 2>&1)
rc=$?
why=
[ "$rc" -eq 0 ] || why="exit status $rc: $out;"
[ ! -e "$D2" ] || why="$why $D2 still there;"
[ ! -e "$F2" ] || why="$why $F2 still there;"
check undefine "$([ -z "$why" ]; echo $?)" "$why"

echo "# Totals: pass:$((n - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
