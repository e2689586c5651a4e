#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/initramfs.sh KERNEL: the rig's initramfs for KERNEL, at
# out/KERNEL/initramfs.cpio (uncompressed: nothing for a TCG guest to
# inflate). Rebuilt only when an input changed.
#
#   /init, /vfmdev/guest/   scripts/guest/
#   /bin, /sbin, ...        busybox-static and its applet links
#   /usr/sbin/ip, lspci     the host's iproute2 ip (busybox ip cannot set
#                           VF MACs) and pciutils lspci, with their libraries
#   /lib/modules/$KREL/     the kernel modules the rig needs, with their
#                           dependencies, uncompressed; vfmdev's modules
#                           under extra/; depmod run
#   /vfmdev/modules/        vfmdev's modules (out/KERNEL/stage/modules)
#   /vfmdev/tests/          test programs (out/KERNEL/stage/tests)
#   /vfmdev/l2/             the nested guest of selftests/vmm/ (initramfs
#                           and kernel path) and the rig's side of the
#                           nested-VMM programs (l1_lib.sh),
#                           scripts/l2-initramfs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
load_kernel "${1:?usage: initramfs.sh KERNEL}"

out="$VFMDEV_TOP/out/$KNAME"
img="$out/initramfs.cpio"
stage="$out/stage"
mkdir -p "$stage/modules" "$stage/tests"

# The real-VMM test's L2 guest. It always runs Debian's kernel: L2 is not
# what is tested (vfmdev and VFIO in the rig's kernel are), and the debug
# kernel nested under TCG would not reach /init in the time limit.  Without
# it the rig still boots; that test then fails and says why.
l2="$VFMDEV_TOP/out/stock/stage/l2"
bash "$here/l2-initramfs.sh" stock ||
	echo "initramfs: scripts/l2-initramfs.sh failed: no L2 guest for selftests/vmm"

# Kernel modules for the rig (names as modprobe takes them); those the
# kernel lacks or has built in are skipped.
KMODS="igb igbvf vfio vfio_iommu_type1 vfio-pci mdev iommufd kvm kvm_amd
       9p 9pnet_virtio virtio_pci"
HOST_BINS="/usr/sbin/ip /usr/bin/lspci"
HOST_FILES="/usr/share/misc/pci.ids"

# Everything the image is made of, as names, sizes and times; the image is
# rebuilt when this changes.
inputs() {
	echo "$KNAME $KREL $KMODROOT $KMODS $HOST_BINS"
	stat -c '%n %s %Y' "$0" "$here/lib.sh" /bin/busybox $HOST_BINS $HOST_FILES \
		"$KMODROOT/lib/modules/$KREL/modules.dep"
	find "$here/guest" "$stage" "$l2" -type f -printf '%p %s %T@ %m\n' | LC_ALL=C sort
}
sum=$(inputs | sha256sum | cut -d' ' -f1)
if [ -f "$img" ] && [ "$(cat "$img.sum" 2>/dev/null)" = "$sum" ]; then
	echo "initramfs: up to date ($img)"
	exit 0
fi

root="$out/initramfs.root"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,host,etc,root} \
	"$root/vfmdev/modules" "$root/vfmdev/tests" "$root/lib/modules/$KREL"

# Applets named like a host program stay out: that program is used.
img_busybox "$root" $(for b in $HOST_BINS; do printf '%s ' "${b##*/}"; done)
img_host_bins "$root" $HOST_BINS
for f in $HOST_FILES; do
	install -D -m 644 "$f" "$root$f"
done
# Modules the kernel lacks or has built in (iommufd on Debian's) are skipped.
n=$(img_kmods "$root" "$KMODROOT" "$KREL" $KMODS 2> "$out/initramfs.missing") ||
	echo "initramfs: skipped: $(sed 's/^kernel .* has no module //' "$out/initramfs.missing" | xargs)"

# vfmdev's modules and tests.
mods=0
for ko in "$stage/modules"/*.ko; do
	[ -f "$ko" ] || continue
	cp "$ko" "$root/vfmdev/modules/"
	install -D -m 644 "$ko" "$root/lib/modules/$KREL/extra/${ko##*/}"
	mods=$((mods + 1))
done
tests=0
for t in "$stage/tests"/*; do
	[ -f "$t" ] || continue
	cp -p "$t" "$root/vfmdev/tests/"
	tests=$((tests + 1))
done
depmod -b "$root" "$KREL"

# The nested guest's initramfs and env (selftests/vmm).
if [ -f "$l2/initramfs.cpio.gz" ] && [ -f "$l2/env" ] && [ -f "$l2/l1_lib.sh" ]; then
	mkdir -p "$root/vfmdev/l2"
	cp "$l2/initramfs.cpio.gz" "$l2/env" "$l2/l1_lib.sh" "$root/vfmdev/l2/"
fi

# The rig's own scripts.
cp -r "$here/guest" "$root/vfmdev/guest"
install -m 755 "$here/guest/init" "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

img_cpio "$root" > "$img.tmp"
mv "$img.tmp" "$img"
echo "$sum" > "$img.sum"
rm -rf "$root"
echo "initramfs: $img ($(du -h "$img" | cut -f1)): $n kernel modules," \
	"$mods vfmdev module(s), $tests test program(s)"
