#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/dkms-test.sh STEP: vfmdev's packaging as an operator uses it, with
# Debian's dkms against the rig's Linux 6.12 headers (kernel.env), each STEP
# an item of make test. Everything happens in scratch trees under out/dkms/:
# the machine's /var/lib/dkms, /usr/src, /lib/modules and /etc are not
# touched (DKMS's --dkmstree, --sourcetree and --installtree; --no-depmod,
# and depmod -b on the scratch root instead; its module signing key is a
# scratch one too).
#
#   add           a clean export of the work tree (what a release tarball or
#                 a fresh clone holds); dkms add; the version is VERSION's
#   build         dkms build for the rig's kernel
#   install       dkms install into root/lib/modules (root/ is a scratch
#                 system root holding links to the kernel's own modules
#                 that vfmdev needs, VFIO and mdev, so depmod and modprobe
#                 resolve them); POST_INSTALL's modprobe.d fragment in
#                 root/etc/
#   modinfo       modinfo of each installed module: the file is DKMS's,
#                 vermagic is the kernel's, depends as expected, signed by
#                 DKMS's key; modprobe --show-depends with the fragment
#                 loads vfio_iommu_type1 and mdev, then vf_mdev, then the
#                 family
#   image         the rig image of the "dkms" boot (scripts/guest/job-
#                 dkms.sh): no in-tree modules, mdev_lifecycle; the guest
#                 loads the modules from root/ through the host's modprobe
#   remove        dkms remove --all: no module, no fragment, no DKMS state
#                 left, modules.dep without vfmdev
#   make_install  make install DESTDIR=<scratch> then make uninstall: the
#                 same modules and fragment without DKMS, and nothing left
#
# Exit status: 0 passed, 1 failed, 77 skipped (the reason on the last line).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
load_kernel_env
load_kernel stock

step=${1:?usage: dkms-test.sh add|build|install|modinfo|image|remove|make_install}
d="$VFMDEV_TOP/out/dkms"
root="$d/root"
export mok_signing_key="$d/mok.key" mok_certificate="$d/mok.pub"
ver=$(cat "$VFMDEV_TOP/VERSION")
MODS="vf_mdev igbvf_mdev ixgbevf_mdev i40e_mdev"
# The kernel's own modules in the scratch root: what vfmdev's modules and
# their load order need.
KERNEL_MODS="vfio vfio_iommu_type1 mdev"

# DKMS builds in a fresh directory each time: ccache (the debug kernel's
# cache, through its gcc links) keeps that from recompiling what did not
# change. VFMDEV_CCACHE=0 turns it off.
if [ "${VFMDEV_CCACHE:-1}" != 0 ] && [ -d /usr/lib/ccache ]; then
	export PATH="/usr/lib/ccache:$PATH" CCACHE_DIR="$VFMDEV_CACHE/ccache"
fi

dkms_() {
	echo "+ dkms $*" >&2
	dkms --dkmstree "$d/dkms" --sourcetree "$d/src" --installtree "$root/lib/modules" \
		--kernelsourcedir "$KDIR" "$@"
}
status() { dkms_ status vfmdev/"$ver" -k "$KREL" | tee "$d/status"; }
fail() { echo "FAIL: $*"; exit 1; }

case "$step" in
add)
	command -v dkms > /dev/null || { echo "no dkms (make deps installs it)"; exit 77; }
	# Whatever an earlier, interrupted run left (make_install's build
	# copy stays: it builds incrementally).
	rm -rf "$d/dkms" "$d/src" "$d/root" "$d/export" "$d/stage"
	mkdir -p "$d/dkms" "$d/src" "$root/lib/modules/$KREL" "$root/etc"
	# The kernel's modules vfmdev needs, linked at their places (depmod
	# over the whole kernel would take 10 s at each step).
	kmd="$KMODROOT/lib/modules/$KREL"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$kmd/$f" "$root/lib/modules/$KREL/"
	done
	for ko in $(for m in $KERNEL_MODS; do
			modprobe -S "$KREL" -d "$KMODROOT" --show-depends "$m"
		    done | awk '$1 == "insmod" { print $2 }' | sort -u); do
		rel=${ko#"$kmd"/}
		mkdir -p "$root/lib/modules/$KREL/$(dirname "$rel")"
		ln -sf "$ko" "$root/lib/modules/$KREL/$rel"
	done
	depmod -b "$root" "$KREL"
	sync_sources "$d/export"
	dkms_ add "$d/export"
	[ -f "$d/src/vfmdev-$ver/dkms.conf" ] || fail "dkms add did not put the sources in $d/src/vfmdev-$ver"
	status
	grep -q "^vfmdev/$ver: added" "$d/status" || fail "dkms status does not say vfmdev/$ver: added"
	;;
build)
	dkms_ build vfmdev/"$ver" -k "$KREL"
	status
	grep -q "^vfmdev/$ver, $KREL, [^:]*: built" "$d/status" || fail "not built"
	;;
install)
	dkms_ install vfmdev/"$ver" -k "$KREL" --no-depmod
	depmod -b "$root" "$KREL"
	status
	grep -q "^vfmdev/$ver, $KREL, [^:]*: installed" "$d/status" || fail "not installed"
	[ -f "$root/etc/modprobe.d/vfmdev.conf" ] || fail "POST_INSTALL left no $root/etc/modprobe.d/vfmdev.conf"
	cmp "$root/etc/modprobe.d/vfmdev.conf" "$VFMDEV_TOP/modprobe-vfmdev.conf"
	for m in $MODS; do
		ls "$root/lib/modules/$KREL/updates/"*/"$m".ko* ||
			fail "$m is not installed under updates/"
	done
	;;
modinfo)
	# The kernel's own vermagic, from one of its modules.
	kvm=$(modinfo -b "$root" -k "$KREL" -F vermagic vfio)
	echo "kernel $KREL vermagic: $kvm"
	bad=
	for m in $MODS; do
		modinfo -b "$root" -k "$KREL" "$m" | grep -v '^parm:' | tee "$d/modinfo.$m"
		f=$(modinfo -b "$root" -k "$KREL" -F filename "$m")
		case "$f" in
		"$root/lib/modules/$KREL/updates/"*) ;;
		*) bad="$bad $m: resolves to $f, not DKMS's updates/;" ;;
		esac
		[ "$(modinfo -F vermagic "$f")" = "$kvm" ] ||
			bad="$bad $m: vermagic '$(modinfo -F vermagic "$f")';"
		case "$m" in
		vf_mdev) want=mdev,vfio ;;
		*) want=vf_mdev ;;
		esac
		[ "$(modinfo -F depends "$f")" = "$want" ] ||
			bad="$bad $m: depends '$(modinfo -F depends "$f")', expected '$want';"
		if [ -f "$mok_certificate" ]; then
			modinfo -F signer "$f" | grep -q 'DKMS module signing key' ||
				bad="$bad $m: not signed with DKMS's key;"
		fi
	done
	echo "+ modprobe --show-depends igbvf_mdev (with root/etc/modprobe.d)"
	modprobe -d "$root" -S "$KREL" -C "$root/etc/modprobe.d" --show-depends igbvf_mdev |
		tee "$d/show-depends"
	order=$(awk '$1 == "insmod" { n = $2; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); printf "%s ", n }' \
		"$d/show-depends")
	echo "load order: $order"
	# vfio_iommu_type1 and mdev (softdeps of vf_mdev), then vf_mdev, then
	# the family, last.
	case " $order" in
	*" vfio_iommu_type1 "*" vf_mdev igbvf_mdev ") ;;
	*) bad="$bad load order '$order': expected vfio_iommu_type1 ... vf_mdev igbvf_mdev;" ;;
	esac
	case " $order" in
	*" mdev "*" vf_mdev "*) ;;
	*) bad="$bad load order '$order': mdev does not come before vf_mdev;" ;;
	esac
	grep -q "$root/lib/modules/$KREL/updates/.*/vf_mdev.ko" "$d/show-depends" ||
		bad="$bad modprobe would not load DKMS's vf_mdev;"
	[ -z "$bad" ] || fail "$bad"
	echo "vermagic, depends, signature and load order as expected"
	;;
image)
	# A kernel env named "dkms": Debian's kernel, with an image of its own
	# (out/dkms/stage): the DKMS-installed modules (decompressed) as the
	# image's modules, so the setup's loads find them, and mdev_lifecycle.
	[ -f "$VFMDEV_TOP/out/stock/stage/tests/mdev_lifecycle" ] ||
		fail "no out/stock/stage/tests/mdev_lifecycle (the stock selftests did not build)"
	grep -v '^#' "$VFMDEV_CACHE/kernels/stock.env" > "$d/dkms.env"
	rm -rf "$d/stage/modules" "$d/stage/tests"
	mkdir -p "$d/stage/modules" "$d/stage/tests"
	for m in $MODS; do
		f=$(modinfo -b "$root" -k "$KREL" -F filename "$m")
		case "$f" in
		*.xz) xz -dc "$f" > "$d/stage/modules/$m.ko" ;;
		*) cp "$f" "$d/stage/modules/$m.ko" ;;
		esac
	done
	cp -p "$VFMDEV_TOP/out/stock/stage/tests/mdev_lifecycle" "$d/stage/tests/"
	bash "$here/initramfs.sh" "$d/dkms.env"
	;;
remove)
	dkms_ remove vfmdev/"$ver" --all --no-depmod
	depmod -b "$root" "$KREL"
	left=$(cd "$root" && find . -path ./lib/modules/"$KREL"/kernel -prune -o \
		\( -name '*mdev*.ko*' -o -name vfmdev.conf \) -print)
	[ -z "$left" ] || fail "left behind in $root: $left"
	! grep -q 'updates/' "$root/lib/modules/$KREL/modules.dep" ||
		fail "modules.dep still names updates/ modules"
	left=$(find "$d/dkms" -mindepth 1 -maxdepth 1 ! -name .mok)
	[ -z "$left" ] || fail "left behind in the DKMS tree: $left"
	dkms_ status vfmdev/"$ver" | tee "$d/status"
	[ ! -s "$d/status" ] || fail "dkms status still lists vfmdev"
	# What DKMS leaves by design: the copy of the sources "dkms add" made
	# (an operator removes /usr/src/vfmdev-VERSION, or the package that
	# put it there does).
	echo "nothing left; sources kept by DKMS: $(ls "$d/src")"
	rm -rf "$d/src/vfmdev-$ver"
	;;
make_install)
	# The same tree without DKMS: make install into a scratch root, built
	# in a copy of the sources (never in the work tree).
	s="$d/mi"
	sync_sources "$s/src"
	rm -rf "$s/root"
	make -C "$s/src" -j"$(nproc)" KDIR="$KDIR" DESTDIR="$s/root" install
	for m in $MODS; do
		f=$(ls "$s/root/lib/modules/$KREL/updates/drivers/$m/$m".ko*) ||
			fail "make install did not install $m under updates/"
		[ "$(modinfo -F vermagic "$f")" = "$(modinfo -b "$root" -k "$KREL" -F vermagic vfio)" ] ||
			fail "$m: vermagic '$(modinfo -F vermagic "$f")'"
	done
	grep -q "updates/drivers/igbvf_mdev/igbvf_mdev.ko.*: updates/drivers/vf_mdev/vf_mdev.ko" \
		"$s/root/lib/modules/$KREL/modules.dep" || fail "modules.dep: igbvf_mdev does not depend on vf_mdev"
	cmp "$s/root/etc/modprobe.d/vfmdev.conf" "$VFMDEV_TOP/modprobe-vfmdev.conf"
	make -C "$s/src" KDIR="$KDIR" DESTDIR="$s/root" uninstall
	left=$(cd "$s/root" && find . -name '*.ko*' -o -name vfmdev.conf)
	[ -z "$left" ] || fail "make uninstall left: $left"
	echo "make install and uninstall: as expected"
	;;
*)
	die "usage: dkms-test.sh add|build|install|modinfo|image|remove|make_install"
	;;
esac
