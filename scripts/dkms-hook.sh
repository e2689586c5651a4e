#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/dkms-hook.sh install|remove INSTALL_TREE: dkms.conf's POST_INSTALL
# and POST_REMOVE. DKMS runs it from the package's source directory.
#
#   install  puts modprobe-vfmdev.conf (the load order: vfio_iommu_type1
#            and mdev, then vf_mdev, then the family modules) in
#            ROOT/etc/modprobe.d/
#   remove   takes it away again once no kernel under INSTALL_TREE has
#            vfmdev's modules any more (DKMS removes one kernel at a time)
#
# INSTALL_TREE is DKMS's install tree, /lib/modules unless --installtree
# says otherwise; ROOT is what is above its lib/modules (/ normally, a
# scratch root in make test).
set -eu

what=${1:?usage: dkms-hook.sh install|remove INSTALL_TREE}
tree=${2:?usage: dkms-hook.sh install|remove INSTALL_TREE}
case "$tree" in
*/lib/modules) root=${tree%/lib/modules} ;;
*) root= ;;
esac
dst="$root/etc/modprobe.d/vfmdev.conf"
here=$(cd "$(dirname "$0")/.." && pwd)

case "$what" in
install)
	mkdir -p "$root/etc/modprobe.d"
	cp "$here/modprobe-vfmdev.conf" "$dst.tmp"
	chmod 644 "$dst.tmp"
	mv "$dst.tmp" "$dst"
	echo "vfmdev: installed $dst"
	;;
remove)
	for ko in "$tree"/*/updates/dkms/vf_mdev.ko* "$tree"/*/updates/vf_mdev.ko*; do
		if [ -e "$ko" ]; then
			echo "vfmdev: $ko is still installed: $dst kept"
			exit 0
		fi
	done
	rm -f "$dst"
	echo "vfmdev: removed $dst"
	;;
*)
	echo "usage: dkms-hook.sh install|remove INSTALL_TREE" >&2
	exit 1
	;;
esac
