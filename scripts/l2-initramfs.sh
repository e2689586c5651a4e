#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/l2-initramfs.sh KERNEL: what the real-VMM test (selftests/vmm/)
# needs to boot a nested guest (L2) inside the rig, in out/KERNEL/stage/l2/,
# which scripts/initramfs.sh puts at /vfmdev/l2/ in the rig's image:
#
#   initramfs.cpio.gz   L2's initramfs: busybox and its applets, iproute2's
#                       ip (for network namespaces) with its libraries, the
#                       igbvf and virtio_net (the migration benchmark's
#                       comparison) modules of KERNEL with their
#                       dependencies, and selftests/vmm/l2_init.sh as /init
#   env                 L2_KIMAGE (KERNEL's image: L2 boots the same kernel
#                       as the rig, read through the host root at /host) and
#                       QEMU72 (the extracted QEMU 7.2 of scripts/deps.sh)
#   l1_lib.sh           selftests/vmm/l1_lib.sh, what vmm_qemu and
#                       vmm_libvirt share on the rig's side
#
# The initramfs and env are rebuilt only when an input changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
load_kernel "${1:?usage: l2-initramfs.sh KERNEL}"

out="$VFMDEV_TOP/out/$KNAME/stage/l2"
img="$out/initramfs.cpio.gz"
init="$VFMDEV_TOP/selftests/vmm/l2_init.sh"
KMODS="igbvf virtio_net"
HOST_BINS="/usr/sbin/ip"
[ -f "$init" ] || die "l2-initramfs: no $init"
mkdir -p "$out"
# The rig's side of the nested-VMM programs (sourced by vmm_qemu and
# vmm_libvirt): beside L2's initramfs, always current.
install -m 644 "$VFMDEV_TOP/selftests/vmm/l1_lib.sh" "$out/l1_lib.sh"

inputs() {
	echo "$KNAME $KREL $KMODROOT $KIMAGE $KMODS $HOST_BINS $VFMDEV_CACHE"
	stat -L -c '%n %s %Y' "$0" "$here/lib.sh" "$init" /bin/busybox $HOST_BINS \
		"$KMODROOT/lib/modules/$KREL/modules.dep"
}
sum=$(inputs | sha256sum | cut -d' ' -f1)
if [ -f "$img" ] && [ -f "$out/env" ] && [ "$(cat "$out/sum" 2>/dev/null)" = "$sum" ]; then
	echo "l2-initramfs: up to date ($img)"
	exit 0
fi

# A failed build leaves nothing stale behind.
rm -f "$img" "$out/env" "$out/sum"
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc} \
	"$root/lib/modules/$KREL"

img_busybox "$root" ip
img_host_bins "$root" $HOST_BINS
ln -s /usr/sbin/ip "$root/sbin/ip"
n=$(img_kmods "$root" "$KMODROOT" "$KREL" $KMODS) ||
	die "l2-initramfs: kernel $KREL lacks a module of: $KMODS"
depmod -b "$root" "$KREL"

install -m 755 "$init" "$root/init"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

img_cpio "$root" | gzip -n -6 > "$img.tmp"
mv "$img.tmp" "$img"
{
	echo "# Written by scripts/l2-initramfs.sh for kernel $KNAME ($KREL)."
	echo "L2_KREL='$KREL'"
	echo "L2_KIMAGE='$KIMAGE'"
	echo "QEMU72='$VFMDEV_CACHE/qemu-7.2'"
} > "$out/env"
echo "$sum" > "$out/sum"
echo "l2-initramfs: $img ($(du -h "$img" | cut -f1)): $n kernel module(s)"
