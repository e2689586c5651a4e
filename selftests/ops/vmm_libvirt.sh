#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmm_libvirt: Debian's libvirt (libvirtd and virsh 9.0, run from the host's
# root, chroot /host, with QEMU 10) gives an mdev to a nested guest as
# Documentation/admin-guide.rst tells operators to, the guest's igbvf pings
# through it, and libvirt live-migrates the guest to a second libvirtd, onto
# an mdev on another VF. libvirtd's state directories (/etc/libvirt copied,
# /var/lib, /var/cache and /var/log/libvirt) are tmpfs for the test; it runs
# QEMU as root without namespaces or a security driver; the host's
# qemu-system-i386 is hidden (/dev/null over it) so that libvirtd probes one
# emulator, not two, at start-up. The second libvirtd runs in mount and UTS
# namespaces of its own (its own state, host name and host UUID, its socket
# in /tmp/vmm_libvirt.dst): libvirt refuses to migrate to itself.
#
#   libvirtd_start          libvirtd answers "virsh version" (start-up time)
#   nodedev_mdev_types      "virsh nodedev-list --cap mdev_types" lists the
#                           VF bound to igbvf_mdev
#   nodedev_dumpxml_type    "virsh nodedev-dumpxml pci_<VF>" shows the type
#                           igbvf_mdev-vf with its name, device API and
#                           available instances
#   domain_start            "virsh create" of a domain with
#                           <hostdev mode='subsystem' type='mdev'
#                           model='vfio-pci'><source><address uuid=.../>
#                           and enable-migration=on on it (<qemu:override>):
#                           the nested guest of vmm_qemu (the rig's kernel,
#                           busybox and igbvf, scripts/l2-initramfs.sh)
#   l2_igbvf_link           Linux's igbvf in the guest brings the mdev up
#   migrate_live            "virsh migrate --live" to the second libvirtd,
#                           with "--xml" naming the destination's mdev (VF 1,
#                           given VF 0's MAC first): the domain runs there and
#                           no longer here
#   l2_ping                 then the guest pings the PF's address, all
#                           replies (through the destination's mdev)
#   mdev_counters           that mdev's debugfs counters saw the pings (TX
#                           doorbells and descriptors, RX descriptors)
#   domain_shutoff          the guest powers off and libvirt's domain ends
#   migrate_default         the same domain without enable-migration=on,
#                           started paused: what "virsh migrate" says. libvirt
#                           9.0 asks QEMU for migration blockers and leaves
#                           hostdevs to it; QEMU 10 blocks an mdev without
#                           device dirty tracking (Debian's kernel: no
#                           IOMMUFD_DRIVER, so vfmdev offers no DMA logging)
#                           unless enable-migration=on; where vfmdev offers
#                           DMA logging, nothing blocks
#
# When the migration fails, the guest pings from where it is, so that the
# cases after it still say something. Skips only when the rig lacks
# something (no host root, no /dev/kvm, no libvirt on the host, igbvf_mdev
# not loaded).
IP=/usr/sbin/ip
L2DIR=${VFMDEV_L2DIR:-/vfmdev/l2}
QDIR=/tmp/vmm_libvirt		# as libvirt and QEMU see it, inside chroot /host
WORK=/host$QDIR			# tmpfs in the rig
PF_IP=10.77.0.1
COUNT=10
DOM=vfmdev-l2
LV_LOG=/host/var/log/libvirt/qemu/$DOM.log	# libvirt's log of its QEMU
LV_DIRS="etc/libvirt var/lib/libvirt var/cache/libvirt var/log/libvirt"

[ -n "$VFMDEV_PF" ] || { [ -f /run/vfmdev.env ] && . /run/vfmdev.env; }

CASES="libvirtd_start nodedev_mdev_types nodedev_dumpxml_type domain_start
l2_igbvf_link migrate_live l2_ping mdev_counters domain_shutoff migrate_default"

echo "TAP version 13"
echo "1..$(echo $CASES | wc -w)"
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
fail() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "# $1: $2"
	echo "not ok $n $1"
}
skip_all() {
	for c in $CASES; do skip "$c" "$1"; done
	echo "# Totals: pass:0 fail:0 skip:$n"
	exit 4
}
# The cases from $1 on, failed for one reason (what comes after cannot run).
fail_rest() {
	local why=$1 c seen=
	shift
	for c in $CASES; do
		[ "$c" = "$1" ] && seen=1
		[ -n "$seen" ] && fail "$c" "$why"
	done
	echo "# Totals: pass:$((n - nfail)) fail:$nfail"
	exit 1
}
grep -q ' /host 9p ' /proc/mounts || skip_all "the host root is not shared (rig.sh --hostroot)"
[ -c /dev/kvm ] || skip_all "no /dev/kvm in the rig (kvm_amd not loaded)"
[ -x /host/usr/sbin/libvirtd ] && [ -x /host/usr/bin/virsh ] ||
	skip_all "no libvirtd or virsh on the host (make deps installs libvirt)"
[ -d /sys/bus/pci/drivers/igbvf_mdev ] || skip_all "igbvf_mdev not loaded"
set -- $VFMDEV_VFS
[ -n "$VFMDEV_PF" ] && [ "$#" -ge 2 ] || skip_all "needs the PF and 2 VFs, have '$VFMDEV_VFS'"
VF0=$1
VF1=$2

virsh() { chroot /host /usr/bin/virsh -c qemu:///system "$@"; }
DST_DIR=/tmp/vmm_libvirt.dst	# in the host's root
DST="qemu+unix:///system?socket=$DST_DIR/libvirt-sock"
dvirsh() { chroot /host /usr/bin/virsh -c "$DST" "$@"; }

# --- Cleanup: everything this test mounted, started, created or bound ----
MOUNTS=
UUIDS=
pfdev=$(ls "/sys/bus/pci/devices/$VFMDEV_PF/net" 2>/dev/null | head -n 1)
# stop_daemon PIDFILE: a libvirtd, by its pid file.
stop_daemon() {
	local p
	p=$(cat "$1" 2>/dev/null)
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.5
	done
	kill -9 "$p" 2>/dev/null
}
cleanup() {
	local m u v d
	virsh destroy "$DOM" > /dev/null 2>&1
	dvirsh destroy "$DOM" > /dev/null 2>&1
	stop_daemon "/host$DST_DIR/libvirtd.pid"
	stop_daemon /host/run/libvirtd.pid
	for u in $UUIDS; do
		[ ! -e "/sys/bus/mdev/devices/$u" ] || echo 1 > "/sys/bus/mdev/devices/$u/remove"
	done
	for v in $VF0 $VF1; do
		d=/sys/bus/pci/devices/$v
		if [ "$(basename "$(readlink "$d/driver")")" = igbvf_mdev ]; then
			echo "$v" > "$d/driver/unbind"
		fi
		echo > "$d/driver_override"
	done
	[ -z "$pfdev" ] || $IP link set "$pfdev" vf 0 mac 02:00:00:00:00:00
	[ -z "$pfdev" ] || $IP link set "$pfdev" vf 1 mac 02:00:00:00:00:01
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	MOUNTS=
	rm -rf "$WORK" "/host$DST_DIR"
	[ -z "$pfdev" ] || $IP addr del "$PF_IP/24" dev "$pfdev" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- The nested guest's files, the VF, the mdev -----------------------------
if [ ! -f "$L2DIR/initramfs.cpio.gz" ] || [ ! -f "$L2DIR/env" ] ||
   [ ! -f "$L2DIR/l1_lib.sh" ]; then
	fail_rest "no L2 initramfs at $L2DIR (scripts/l2-initramfs.sh)" libvirtd_start
fi
. "$L2DIR/env"
# What vmm_qemu shares (selftests/vmm/l1_lib.sh): the rig's clock and
# slowness (rig_secs), send_acked, l2_reset_silently.
. "$L2DIR/l1_lib.sh"
# Domain running to guest ready: 240 s (loaded machine: 90 s seen), more
# on a slow rig kernel.
READY_TMO=${VMM_READY_TMO:-$(rig_secs 240)}
# "go" to the guest's "done": 90 s, more on a slow rig kernel.
DONE_TMO=$(rig_secs 90)
rm -rf "$WORK"
mkdir -p "$WORK"
cp "$L2DIR/initramfs.cpio.gz" "$WORK/l2.cpio.gz"
cp "/host$L2_KIMAGE" "$WORK/l2.kernel"

# new_mdev VF: VF bound to igbvf_mdev, an mdev created on it, its UUID in
# $uuid.
new_mdev() {
	local d=/sys/bus/pci/devices/$1
	[ ! -e "$d/driver" ] || echo "$1" > "$d/driver/unbind"
	echo igbvf_mdev > "$d/driver_override"
	echo "$1" > /sys/bus/pci/drivers/igbvf_mdev/bind 2>/dev/null
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$d/mdev_supported_types/igbvf_mdev-vf/create" || return 1
	UUIDS="$UUIDS $uuid"
}
new_mdev "$VF0" && UUID=$uuid && new_mdev "$VF1" && UUID1=$uuid ||
	fail_rest "could not bind $VF0 and $VF1 to igbvf_mdev and create their mdevs" libvirtd_start
d=/sys/bus/pci/devices/$VF0
# The guest's MAC on both VFs: the destination VF must have the source's
# (the operator's part of a migration).
$IP link set "$pfdev" vf 0 mac 02:00:00:00:00:00
$IP link set "$pfdev" vf 1 mac 02:00:00:00:00:00
$IP addr add "$PF_IP/24" dev "$pfdev" 2>/dev/null
echo "# VFs $VF0 (mdev $UUID) and $VF1 (mdev $UUID1), both 02:00:00:00:00:00; PF $VFMDEV_PF ($pfdev) $PF_IP"

# --- libvirtd ------------------------------------------------------------------
for dir in $LV_DIRS; do
	mkdir -p "/tmp/vmm_libvirt.save/$dir"
	cp -a "/host/$dir/." "/tmp/vmm_libvirt.save/$dir/"
	mount -t tmpfs tmpfs "/host/$dir"
	MOUNTS="/host/$dir $MOUNTS"
	cp -a "/tmp/vmm_libvirt.save/$dir/." "/host/$dir/"
done
rm -rf /tmp/vmm_libvirt.save
# No default network (no dnsmasq, no bridge in the rig).
rm -f /host/etc/libvirt/qemu/networks/autostart/*
cat >> /host/etc/libvirt/qemu.conf << EOF
# vmm_libvirt (rig): QEMU as root, no namespaces, no cgroups, no labels, no
# virtlogd.
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
namespaces = [ ]
security_driver = "none"
stdio_handler = "file"
cgroup_controllers = [ ]
EOF
echo 'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"' >> /host/etc/libvirt/libvirtd.conf
if [ -e /host/usr/bin/qemu-system-i386 ]; then
	mount --bind /dev/null /host/usr/bin/qemu-system-i386
	MOUNTS="/host/usr/bin/qemu-system-i386 $MOUNTS"
fi
t0=$(uptime_s)
chroot /host /usr/sbin/libvirtd -d
i=0
while ! virsh version > /dev/null 2>&1 && [ "$i" -lt 240 ]; do
	sleep 0.5
	i=$((i + 1))
done
if out=$(virsh version 2>&1); then
	echo "$out" | sed 's/^/#   /'
	ok libvirtd_start "up after $(secs "$t0" "$(uptime_s)") s"
else
	tail -n 20 /host/var/log/libvirt/libvirtd.log 2>/dev/null | sed 's/^/#   /'
	fail_rest "libvirtd did not answer within 120 s: $out" libvirtd_start
fi

# --- Node devices --------------------------------------------------------------
nd=pci_$(echo "$VF0" | tr ':.' '__')
out=$(virsh nodedev-list --cap mdev_types 2>&1)
echo "$out" | sed 's/^/#   /'
if echo "$out" | grep -qx "$nd"; then
	ok nodedev_mdev_types "$nd"
else
	fail nodedev_mdev_types "$nd is not listed"
fi
virsh nodedev-dumpxml "$nd" > "$WORK/nodedev.xml" 2>&1
sed -n "/mdev_types/,/\/capability/p" "$WORK/nodedev.xml" | sed 's/^/#   /'
T=$d/mdev_supported_types/igbvf_mdev-vf
why=
grep -q "<type id='igbvf_mdev-vf'>" "$WORK/nodedev.xml" || why="no <type id='igbvf_mdev-vf'>;"
grep -qF "<name>$(cat "$T/name")</name>" "$WORK/nodedev.xml" || why="$why no <name>$(cat "$T/name")</name>;"
grep -q "<deviceAPI>vfio-pci</deviceAPI>" "$WORK/nodedev.xml" || why="$why no deviceAPI vfio-pci;"
# The instance is taken by the mdev created above.
grep -q "<availableInstances>$(cat "$T/available_instances")</availableInstances>" "$WORK/nodedev.xml" ||
	why="$why availableInstances is not $(cat "$T/available_instances");"
if [ -z "$why" ]; then ok nodedev_dumpxml_type; else fail nodedev_dumpxml_type "$why"; fi

# --- The domain ------------------------------------------------------------------
# domain_xml TAIL_XML: the guest, its mdev as the admin guide writes it;
# TAIL_XML goes at the end (the <qemu:override> of enable-migration=on).
# L2's watchdog_thresh=60: vmm_qemu's L2_CMDLINE says why (a nested TCG
# vCPU stands still for tens of seconds; the detector measures that).
domain_xml() {
	cat << EOF
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$DOM</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$QDIR/l2.kernel</kernel>
    <initrd>$QDIR/l2.cpio.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet pci=noearly mitigations=off tsc=reliable watchdog_thresh=60 vmm.a=02:00:00:00:00:00,10.77.0.2/24 vmm.peer=$PF_IP vmm.count=$COUNT</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <cpu mode='host-passthrough'>
    <feature policy='disable' name='svm'/>
  </cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='$QDIR/console.log'/><target port='0'/></serial>
    <serial type='pipe'><source path='$QDIR/ctl'/><target port='1'/></serial>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='$UUID'/>
      </source>
    </hostdev>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
$1</domain>
EOF
}
OVERRIDE="  <qemu:override>
    <qemu:device alias='hostdev0'>
      <qemu:frontend>
        <qemu:property name='enable-migration' type='string' value='on'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
"
# The guest's control channel: ctl.* on the source, ctl2.* on the
# destination (a migration moves the serial ports with the guest).
rec() { cat "$WORK/ctl.out" "$WORK/ctl2.out" 2>/dev/null | tr -d '\r' | grep "^@l2 $1" | tail -n 1; }
# where: src or dst, where the domain runs; nothing, and what each side's
# virsh said in $WORK/where.last, when it runs on neither.
where() {
	local s d
	s=$(virsh domstate --reason "$DOM" 2>&1)
	case "$s" in running*) echo src; return ;; esac
	d=$(dvirsh domstate --reason "$DOM" 2>&1)
	case "$d" in running*) echo dst; return ;; esac
	echo "src: $s; dst: $d" | tr '\n' ' ' > "$WORK/where.last"
}
running() { [ -n "$(where)" ]; }
# dom_alive: whether the domain runs somewhere.  It is gone when virsh says
# so three times running (on the loaded debug kernel a query can fail
# once); $dom_gone counts, l2_wait starts it at 0.
dom_alive() {
	if running; then
		dom_gone=0
		return 0
	fi
	dom_gone=$((dom_gone + 1))
	[ "$dom_gone" -ge 3 ] || return 0
	echo "# waiting for '$dom_word': the domain runs nowhere, virsh said: $(cat "$WORK/where.last")"
	return 1
}
# l2_wait WORD SECS: until the guest sends "@l2 WORD", the domain is gone
# or SECS pass.
l2_wait() {
	dom_gone=0 dom_word=$1
	wait_rec "$1" "$2" rec dom_alive
}
# send WORD: to the guest's control channel, where the domain runs,
# acknowledged (send_acked).
send() {
	local ctl=ctl
	[ "$(where)" = dst ] && ctl=ctl2
	send_acked "the guest" "$1" running "$WORK/$ctl.in" rec
}
diagnose() {
	echo "# --- guest console, last 20 lines:"
	cat "$WORK/console.log" "$WORK/console2.log" 2>/dev/null | tr -d '\r' | grep -v '^$' |
		tail -n 20 | sed 's/^/#   /'
	echo "# --- libvirt's QEMU logs:"
	tail -n 15 "$LV_LOG" 2>/dev/null | sed 's/^/#   src: /'
	tail -n 15 "/host$DST_DIR/log/qemu/$DOM.log" 2>/dev/null | sed 's/^/#   dst: /'
}

# lv_qemu_log: libvirt's log of the domain's QEMU on the source, from the
# end of the last start_domain on.
lv_qemu_log() { tail -n +$((lv_lines + 1)) "$LV_LOG" 2>/dev/null; }
# domain_reset_silently SINCE: the domain, started at uptime SINCE, runs
# nowhere; libvirt stopped it for a guest reset (on_reboot destroy: it ends
# QEMU, with SIGTERM when QEMU does not exit by itself, and logs
# "reason=shutdown"), QEMU said nothing else once running, and the guest
# was reset by nothing anyone can name (l2_reset_silently).
domain_reset_silently() {
	local log
	! running || return 1
	log=$(lv_qemu_log)
	echo "$log" | grep -q 'shutting down, reason=shutdown' || return 1
	! echo "$log" | grep 'qemu-system-x86_64: ' |
		grep -qv 'terminating on signal 15 from pid [0-9]* (/usr/sbin/libvirtd)' || return 1
	l2_reset_silently "$1" "$WORK/ctl.out" "$WORK/console.log"
}
# start_domain: virsh create, on a fresh control channel; $out is what
# virsh said, $t0 when it began, $lv_lines the length of QEMU's log then.
start_domain() {
	local rc=0
	: > "$WORK/ctl.out"
	: > "$WORK/ctl2.out"
	t0=$(uptime_s)
	out=$(virsh create "$QDIR/domain.xml" 2>&1) || rc=$?
	lv_lines=$(wc -l 2>/dev/null < "$LV_LOG" || echo 0)
	return $rc
}

domain_xml "$OVERRIDE" > "$WORK/domain.xml"
mkfifo "$WORK/ctl.in" "$WORK/ctl2.in"
if start_domain; then
	ok domain_start "$(echo "$out" | head -n 1) after $(secs "$t0" "$(uptime_s)") s"
else
	diagnose
	fail_rest "virsh create: $out" domain_start
fi

# A guest reset silently before it got ready (domain_reset_silently) is
# started once more, loudly; the first attempt's console and records stay
# in $QDIR/try1 while the program runs, and in the log above the RETRY.
retried=
while ! l2_wait ready "$READY_TMO"; do
	diagnose
	r=$(rec error)
	if [ -z "$retried" ] && domain_reset_silently "$t0"; then
		retried="the guest reset itself after $(l2_last_rec "$WORK/ctl.out") (libvirt destroyed the domain on the reset; nothing from QEMU, no kernel report on the guest's console, nothing from VFIO or vfmdev)"
		echo "# l2_igbvf_link: RETRY: $retried; the domain once more (first attempt in $QDIR/try1)"
		rm -rf "$WORK/try1"
		mkdir "$WORK/try1"
		mv "$WORK/console.log" "$WORK/ctl.out" "$WORK/try1/" 2>/dev/null
		start_domain || fail_rest "virsh create, once more: $out" l2_igbvf_link
		continue
	fi
	running || fail_rest "the domain stopped before the guest got ready${r:+: $r}" l2_igbvf_link
	fail_rest "the guest did not get ready within $READY_TMO s${r:+: $r}" l2_igbvf_link
done
r=$(rec "link a ")
ok l2_igbvf_link "${r#@l2 } ($(rec 'netdev a' | sed 's/^@l2 netdev a //')), ready after $(secs "$t0" "$(uptime_s)") s${retried:+; RETRIED once, the first attempt: $retried}"

# --- Live migration to a second libvirtd ----------------------------------------
# Its configuration: the first one's, with its own socket directory and host
# UUID; its probe cache is the first one's (same QEMU, same kernel).
start_dst() {
	local dd=/host$DST_DIR
	mkdir -p "$dd"
	cp -a /host/etc/libvirt "$dd/etc"
	cp -a /host/var/cache/libvirt "$dd/cache"
	mkdir -p "$dd/log"
	cat >> "$dd/etc/libvirtd.conf" << EOF
unix_sock_dir = "$DST_DIR"
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
	cat > "$dd/start.sh" << EOF
hostname vfmdev-rig-dst
mount -t tmpfs tmpfs /etc/libvirt && cp -a $DST_DIR/etc/. /etc/libvirt/
mount -t tmpfs tmpfs /var/cache/libvirt && cp -a $DST_DIR/cache/. /var/cache/libvirt/
mount --bind $DST_DIR/log /var/log/libvirt && mkdir -p /var/log/libvirt/qemu
for d in /var/lib/libvirt /run/libvirt; do mount -t tmpfs tmpfs \$d; done
exec /usr/sbin/libvirtd -d -p $DST_DIR/libvirtd.pid
EOF
	chroot /host /usr/bin/unshare -m -u /bin/sh "$DST_DIR/start.sh" || return 1
	i=0
	while ! dvirsh version > /dev/null 2>&1 && [ "$i" -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	dvirsh version > /dev/null 2>&1
}
t1=$(uptime_s)
if ! start_dst; then
	tail -n 10 "/host$DST_DIR/log/libvirtd.log" 2>/dev/null | sed 's/^/#   /'
	fail migrate_live "the second libvirtd did not start"
else
	echo "# second libvirtd: host name $(dvirsh hostname 2>&1 | head -n 1), up after $(secs "$t1" "$(uptime_s)") s"
	# The destination's XML: the domain as it runs (its UUID), on VF 1's
	# mdev, its serial ports on files of its own.
	virsh dumpxml --migratable "$DOM" |
		sed -e "s/$UUID/$UUID1/" -e "s#$QDIR/ctl'#$QDIR/ctl2'#" \
		    -e "s#$QDIR/console.log#$QDIR/console2.log#" > "$WORK/domain-dst.xml"
	echo "# \$ virsh migrate --live $DOM '$DST' --migrateuri tcp://127.0.0.1:49152 --xml domain-dst.xml"
	t1=$(uptime_s)
	out=$(virsh migrate --live "$DOM" "$DST" --migrateuri tcp://127.0.0.1:49152 \
		--xml "$QDIR/domain-dst.xml" 2>&1)
	rc=$?
	w=$(where)
	if [ "$rc" -eq 0 ] && [ "$w" = dst ]; then
		# The operator's part on one host: the VF the guest left gets
		# a MAC of its own, so that the PF's switch has one VF for
		# the guest's MAC (see vmm_qemu's mig_vf_mac).
		$IP link set "$pfdev" vf 0 mac 02:00:00:00:01:00
		ok migrate_live "to $(dvirsh hostname 2>&1 | head -n 1), mdev $UUID1 on $VF1, in $(secs "$t1" "$(uptime_s)") s"
	else
		diagnose
		fail migrate_live "virsh migrate: exit status $rc, the domain runs on '${w:-nothing}': $(echo "$out" | grep -v '^$' | head -n 2 | xargs)"
	fi
fi

field() {
	awk -v d="$2" -v w="$3" '$1 == "ring" && $3 == d {
		for (i = 4; i < NF; i++) if ($i == w) s += $(i + 1) }
		END { print s + 0 }' "$1" 2>/dev/null
}
um=$UUID
[ "$(where)" = dst ] && um=$UUID1
state=/sys/kernel/debug/vf_mdev/$um/state
cat "$state" > "$WORK/before" 2>&1
side=$(where)
send go
l2_wait "done" "$DONE_TMO"
cat "$state" > "$WORK/after" 2>&1
r=$(rec "ping a_to_peer ")
case "$r" in
*" sent=$COUNT recv=$COUNT "*) ok l2_ping "$COUNT/$COUNT on the ${side:-?} side, rtt ${r##* rtt=}" ;;
*) diagnose; fail l2_ping "${r:-no ping result from the guest}" ;;
esac
txdb=$(($(field "$WORK/after" tx doorbells) - $(field "$WORK/before" tx doorbells)))
txd=$(($(field "$WORK/after" tx descs) - $(field "$WORK/before" tx descs)))
rxd=$(($(field "$WORK/after" rx descs) - $(field "$WORK/before" rx descs)))
if [ "$txdb" -ge "$COUNT" ] && [ "$txd" -ge "$COUNT" ] && [ "$rxd" -ge "$COUNT" ]; then
	ok mdev_counters "mdev $um: tx +$txdb doorbells +$txd descs, rx +$rxd descs"
else
	echo "# the mdev's state file before the pings ($side side):"
	grep -v '^  key ' "$WORK/before" | sed 's/^/#   /'
	echo "# and after:"
	grep -v '^  key ' "$WORK/after" | sed 's/^/#   /'
	fail mdev_counters "mdev $um: tx +$txdb doorbells +$txd descs, rx +$rxd descs: expected at least $COUNT each"
fi

send quit
i=0
while running && [ "$i" -lt 60 ]; do
	sleep 0.5
	i=$((i + 1))
done
if running; then
	fail domain_shutoff "still running ($(where)) 30 s after the guest was told to power off"
	virsh destroy "$DOM" > /dev/null 2>&1
	dvirsh destroy "$DOM" > /dev/null 2>&1
else
	ok domain_shutoff
fi
stop_daemon "/host$DST_DIR/libvirtd.pid"

# --- What libvirt says without enable-migration=on --------------------------------
# Started paused: QEMU decides its blockers when the device is realized, no
# guest needs to run.
domain_xml "" > "$WORK/domain-default.xml"
if out=$(virsh create --paused "$QDIR/domain-default.xml" 2>&1); then
	b=$(virsh qemu-monitor-command "$DOM" '{"execute":"query-migrate"}' 2>&1 |
		sed -n 's/.*"blocked-reasons":\[\([^]]*\)\].*/\1/p')
	m=$(virsh migrate --live "$DOM" qemu:///system 2>&1 | grep -v '^$' | head -n 1)
	virsh destroy "$DOM" > /dev/null 2>&1
	echo "# QEMU's migration blockers: ${b:-none}"
	echo "# \$ virsh migrate --live $DOM qemu:///system"
	echo "#   $m"
	case "$m" in
	*"cannot migrate domain: "*"VFIO device doesn't support device and IOMMU dirty tracking"*)
		ok migrate_default "blocked by QEMU: no device dirty tracking (enable-migration=on lifts it)" ;;
	*"Attempt to migrate guest to the same host"*)
		ok migrate_default "no blocker: vfmdev offers DMA logging here" ;;
	*)
		fail migrate_default "unexpected: $m" ;;
	esac
else
	diagnose
	fail migrate_default "virsh create --paused: $out"
fi

echo "# Totals: pass:$((n - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
