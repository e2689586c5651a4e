#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the "debug" rig kernel from Debian's linux-source-6.12 at the same
# version as the stock image (see scripts/deps.sh and kernel.env).
#
#   x86_64_defconfig + scripts/debug-kernel.config (+ every non-Intel
#   NET_VENDOR off), resolved with olddefconfig and checked: every wanted
#   value must survive or the script fails naming it.
#
# Patches in scripts/patches/*.patch (fixes to upstream code this rig runs
# into, each explaining itself) are applied to the source, in name order.
#
# The result lives outside the repo in $VFMDEV_CACHE/kdbg-<key>/, key =
# hash(source package version, final .config, this script, the fragment,
# the patches):
#
#   bzImage           the kernel image
#   root/lib/modules/<KREL>/   installed modules (plain .ko), depmod'ed;
#                     its build link points at build/
#   build/            external-module tree: make -C build M=<dir> modules
#   config, System.map
#   kernel.env        KIMAGE, KMODROOT, KREL, KDIR, KAPPEND, KSLOW
#                     (+ KCONFIG, KPKGVER)
#
# kernel.env is also copied to $VFMDEV_CACHE/kernels/debug.env, where
# scripts/lib.sh's load_kernel looks for the kernel named "debug".
# The last stdout line is the path of kernel.env; everything else goes to
# stderr.  A rerun with nothing changed only re-resolves the config (a few
# seconds).  The build tree ($VFMDEV_CACHE/kdbg-src) is kept for incremental
# rebuilds, and ccache ($VFMDEV_CACHE/ccache) is used when installed.
#
# Usage: debug-kernel.sh [--config-only]
#   --config-only   resolve and check the config, print it to stdout, stop.
#
# Environment: VFMDEV_JOBS (default nproc), VFMDEV_CCACHE=0 to build without
# ccache, VFMDEV_KDBG_KEEP (finished builds kept, default 2, besides those
# used in the last 12 hours).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
load_kernel_env

fragment=$here/debug-kernel.config
patches=("$here"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
tree=$VFMDEV_CACHE/kdbg-src
jobs=${VFMDEV_JOBS:-$(nproc)}
keep=${VFMDEV_KDBG_KEEP:-2}
t_start=$SECONDS
config_only=0
case ${1:-} in
"") ;;
--config-only) config_only=1 ;;
*) die "usage: $0 [--config-only]" ;;
esac

phase() { log "debug-kernel: [$((SECONDS - t_start))s] $*"; }

for tool in make gcc bc bison flex perl tar xz depmod modinfo sha256sum flock; do
	command -v "$tool" >/dev/null || die "debug-kernel: '$tool' missing: run 'make deps'"
done
[ -f "$fragment" ] || die "debug-kernel: $fragment missing"
[ -f "$KSRC_TARBALL" ] || die "debug-kernel: $KSRC_TARBALL missing: run 'make deps'"
srcpkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
[ "$srcpkg" = "$KPKGVER" ] ||
	die "debug-kernel: linux-source-6.12 is '$srcpkg' but the stock kernel is $KPKGVER: run 'make deps'"

mkdir -p "$VFMDEV_CACHE"
exec 9>"$VFMDEV_CACHE/kdbg.lock"
if ! flock -n 9; then
	log "debug-kernel: another build holds $VFMDEV_CACHE/kdbg.lock, waiting"
	flock 9
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- Toolchain -------------------------------------------------------------
# One CC string for config and build: Kbuild rebuilds every object whose
# command line changed, and the config records the compiler.
cc=gcc
if [ "${VFMDEV_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_DIR=$VFMDEV_CACHE/ccache
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-2G}
	export CCACHE_BASEDIR=$tree
fi
kvars=(CC="$cc" HOSTCC=gcc
       KBUILD_BUILD_USER=vfmdev KBUILD_BUILD_HOST=vfmdev
       KBUILD_BUILD_TIMESTAMP="$(date -u -r "$KSRC_TARBALL" '+%Y-%m-%d %H:%M:%S UTC')")
kmake() { make -C "$tree" "${kvars[@]}" "$@"; }

# --- Source tree -----------------------------------------------------------
# One extracted tree, built in place and reused; re-extracted when the source
# package version changes.
if [ "$(cat "$tree/.vfmdev-source" 2>/dev/null)" != "$KPKGVER" ]; then
	phase "extracting $KSRC_TARBALL ($KPKGVER)"
	rm -rf "$tree" "$tree.new"
	mkdir -p "$tree.new"
	tar -xJf "$KSRC_TARBALL" -C "$tree.new" --strip-components=1
	echo "$KPKGVER" > "$tree.new/.vfmdev-source"
	mv "$tree.new" "$tree"
fi

# Patches: the set applied is kept in the tree, so a changed set is
# reverted and the new one applied (make then rebuilds only what changed).
want=$(cat "${patches[@]}" /dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$tree/.vfmdev-patches" 2>/dev/null)" != "$want" ]; then
	if [ -s "$tree/.vfmdev-patches.diff" ]; then
		phase "reverting the previous patches"
		patch -d "$tree" -p1 -R -s < "$tree/.vfmdev-patches.diff" ||
			die "debug-kernel: cannot revert old patches: remove $tree"
	fi
	rm -f "$tree/.vfmdev-patches" "$tree/.vfmdev-patches.diff"
	for p in "${patches[@]}"; do
		phase "applying ${p##*/}"
		patch -d "$tree" -p1 -s --forward < "$p" ||
			die "debug-kernel: ${p##*/} does not apply to $KPKGVER"
		cat "$p" >> "$tree/.vfmdev-patches.diff"
	done
	echo "$want" > "$tree/.vfmdev-patches"
fi

# --- Configuration ---------------------------------------------------------
# Resolved in $work through KCONFIG_CONFIG: olddefconfig writes only that
# file, so the built tree is not touched when nothing changed.
phase "resolving the config"
kmake -s KCONFIG_CONFIG="$work/defconfig" x86_64_defconfig >"$work/kconfig.log" 2>&1 ||
	{ cat "$work/kconfig.log" >&2; die "debug-kernel: x86_64_defconfig failed"; }
{
	cat "$fragment"
	echo "# non-Intel Ethernet vendors enabled by x86_64_defconfig"
	sed -n 's/^\(CONFIG_NET_VENDOR_[A-Z0-9_]*\)=y$/# \1 is not set/p' "$work/defconfig" |
		grep -v '^# CONFIG_NET_VENDOR_INTEL ' || true
} > "$work/wanted"
cat "$work/defconfig" "$work/wanted" > "$work/config"
kmake -s KCONFIG_CONFIG="$work/config" olddefconfig >>"$work/kconfig.log" 2>&1 ||
	{ cat "$work/kconfig.log" >&2; die "debug-kernel: olddefconfig failed"; }

# Every wanted value must have survived olddefconfig.
lost=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		grep -qxF -- "$line" "$work/config" ||
			lost+=("$line (got: $(grep -m1 -E "^$sym=|^# $sym is not set" "$work/config" || echo 'absent'))")
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if got=$(grep -m1 "^$sym=" "$work/config"); then
			lost+=("$line (got: $got)")
		fi
		;;
	esac
done < "$work/wanted"
if [ ${#lost[@]} -gt 0 ]; then
	log "debug-kernel: olddefconfig did not keep these wanted values:"
	printf '  %s\n' "${lost[@]}" >&2
	die "debug-kernel: ${#lost[@]} config option(s) lost; fix scripts/debug-kernel.config"
fi

if [ "$config_only" = 1 ]; then
	cat "$work/config"
	exit 0
fi

key=$( { echo "source $KPKGVER"; cat "$work/config" "$0" "$fragment" "${patches[@]}"; } |
	sha256sum | cut -c1-16)
out=$VFMDEV_CACHE/kdbg-$key
env_file=$out/kernel.env

# Copy a finished kernel.env to where load_kernel finds "debug", print its path.
publish() {
	local named=$VFMDEV_CACHE/kernels/debug.env
	mkdir -p "${named%/*}"
	cmp -s "$env_file" "$named" || { cp "$env_file" "$named.new.$$" && mv "$named.new.$$" "$named"; }
	echo "$env_file"
}

# --- Up to date? -----------------------------------------------------------
if [ -f "$env_file" ]; then
	(
		# shellcheck source=/dev/null
		. "$env_file"
		[ -f "$KIMAGE" ] && [ -f "$KMODROOT/lib/modules/${KREL:?}/modules.dep" ] &&
			[ -f "$KDIR/Module.symvers" ]
	) && {
		touch "$out"
		phase "up to date: $out"
		publish
		exit 0
	}
	log "debug-kernel: $out is incomplete, rebuilding it"
fi
rm -rf "$out"

# --- Build -----------------------------------------------------------------
cmp -s "$work/config" "$tree/.config" || cp "$work/config" "$tree/.config"
buildlog=$VFMDEV_CACHE/kdbg-build.log
[ "$cc" = gcc ] || ccache -z >/dev/null
phase "make -j$jobs bzImage modules (CC='$cc', log: $buildlog)"
t_build=$SECONDS
if ! kmake -j"$jobs" bzImage modules >"$buildlog" 2>&1; then
	tail -n 40 "$buildlog" >&2
	die "debug-kernel: kernel build failed, see $buildlog"
fi
phase "built in $((SECONDS - t_build))s, $(grep -c 'warning:' "$buildlog" || true) compiler warning(s)"
[ "$cc" = gcc ] || log "debug-kernel: ccache $(ccache --print-stats | awk '
	$1 ~ /^(direct|preprocessed)_cache_hit$/ { hit += $2 } $1 == "cache_miss" { miss = $2 }
	END { printf "%d hits, %d misses", hit, miss }')"
# syncconfig must not have changed anything, or the key would lie.
cmp -s "$work/config" "$tree/.config" ||
	die "debug-kernel: the build changed .config (toolchain differs between config and build?)"
krel=$(kmake -s kernelrelease)

# --- Install into the cache ------------------------------------------------
stage=$out.new
rm -rf "$stage"
mkdir -p "$stage"
phase "installing $krel into $out"
kmake -s INSTALL_MOD_PATH="$stage/root" modules_install >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; die "debug-kernel: modules_install failed"; }
moddir=$stage/root/lib/modules/$krel
[ -d "$moddir" ] || die "debug-kernel: modules_install did not create lib/modules/$krel"
depmod -b "$stage/root" "$krel"
cp "$tree/arch/x86/boot/bzImage" "$stage/bzImage"
cp "$tree/.config" "$stage/config"
cp "$tree/System.map" "$stage/System.map"

# External-module tree, the way Debian's headers package makes it.
(cd "$tree" && srctree=. objtree=. SRCARCH=x86 CC=gcc HOSTCC=gcc MAKE=make \
	sh scripts/package/install-extmod-build "$stage/build")
cp "$tree/.config" "$stage/build/.config"
ln -sfn "$out/build" "$moddir/build"
rm -f "$moddir/source"
mv "$stage" "$out"

# --- Check that an out-of-tree module builds against KDIR -------------------
phase "building a test module against $out/build"
mkdir -p "$work/extmod"
cat > "$work/extmod/vfmdev_kdir_check.c" <<'EOF'
#include <linux/module.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(check_lock);

static int __init check_init(void)
{
	spin_lock(&check_lock);
	spin_unlock(&check_lock);
	return 0;
}
module_init(check_init);

static void __exit check_exit(void)
{
}
module_exit(check_exit);

MODULE_DESCRIPTION("vfmdev debug-kernel KDIR check");
MODULE_LICENSE("GPL");
EOF
echo 'obj-m := vfmdev_kdir_check.o' > "$work/extmod/Kbuild"
if ! make -C "$out/build" M="$work/extmod" modules >"$work/extmod.log" 2>&1; then
	cat "$work/extmod.log" >&2
	die "debug-kernel: an external module does not build against $out/build"
fi
vermagic=$(modinfo -F vermagic "$work/extmod/vfmdev_kdir_check.ko")
case $vermagic in
"$krel "*) ;;
*) die "debug-kernel: test module vermagic '$vermagic' does not match $krel" ;;
esac

# --- Describe it -----------------------------------------------------------
cat > "$env_file.new" <<EOT
# vfmdev debug kernel, written by scripts/debug-kernel.sh
KIMAGE='$out/bzImage'
KMODROOT='$out/root'
KREL='$krel'
KDIR='$out/build'
# no5lvl: with 5-level paging (TCG's -cpu max has LA57) an interrupt taken
# while identify_cpu() has boot_cpu_data's caps cleared makes KASAN compute
# 4-level shadow bounds and report "wild-memory-access" on a valid direct-map
# address (seen in do_raw_spin_lock from handle_edge_irq during early boot).
# no_timer_check: the IO-APIC timer check panics when a loaded host delays
# TCG's timer ("timer doesn't work through Interrupt-remapped IO-APIC").
# rcupdate.rcu_cpu_stall_timeout=300: a vCPU running a nested KVM guest
# under TCG's emulated SVM can go 26 s without a tick on this kernel
# (seen in svm_vcpu_run during the real-VMM test); RCU's default 21 s calls
# that a stall.  Real hangs still end at the rig's time limits.
KAPPEND='no5lvl no_timer_check rcupdate.rcu_cpu_stall_timeout=300'
# Boots and tests run about 2-4 times slower than on the stock kernel.
KSLOW=3
KCONFIG='$out/config'
KPKGVER='$KPKGVER'
EOT
mv "$env_file.new" "$env_file"

# Keep the newest $keep finished builds, and any used in the last 12 hours:
# a long rig run may still be reading modules from an older one.
find "$VFMDEV_CACHE" -maxdepth 1 -type d -regextype posix-extended \
	-regex '.*/kdbg-[0-9a-f]{16}' -printf '%T@ %p\n' |
	sort -rn | tail -n +"$((keep + 1))" | while read -r mtime old; do
		[ "${mtime%.*}" -lt "$(($(date +%s) - 12 * 3600))" ] || continue
		[ "$old" = "$out" ] || { log "debug-kernel: removing old $old"; rm -rf "$old"; }
	done

phase "done: $krel, bzImage $(du -h "$out/bzImage" | cut -f1), modules $(du -sh "$out/root" | cut -f1), KDIR $(du -sh "$out/build" | cut -f1)"
publish
