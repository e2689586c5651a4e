# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the vfmdev scripts. Sourced, not run.

VFMDEV_CACHE=${VFMDEV_CACHE:-/var/cache/vfmdev}

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

qemu_version() {
	/usr/bin/qemu-system-x86_64 --version 2>/dev/null | head -n 1 || echo "no QEMU"
}

# Load kernel.env written by deps.sh (KVER, KREL, KPKGVER, KSRC_TARBALL).
load_kernel_env() {
	[ -f "$VFMDEV_CACHE/kernel.env" ] || die "run 'make deps' first"
	. "$VFMDEV_CACHE/kernel.env"
}

# Repository root (the directory above scripts/).
VFMDEV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Python for the host-side helpers: Debian's, when present.
vfmdev_python() {
	if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else echo python3; fi
}

# Seconds since the epoch with a fraction, and a difference of two of them.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Kernels for the rig
# -------------------
# A kernel is described by an env file (shell syntax, sourced) with
#   KIMAGE    bzImage to boot
#   KMODROOT  directory that holds lib/modules/$KREL ("/" for an installed kernel)
#   KREL      its release string (uname -r)
#   KDIR      kbuild tree that external modules are built against (M=)
# and optionally
#   KAPPEND   extra kernel command-line words
#   KSLOW     integer factor applied to the rig's timeouts (default 1)
# A kernel is named (RIG_KERNELS="stock debug") either by a path to such a
# file or by a name:
#   stock   Debian's kernel of kernel.env (the file is written here);
#   NAME    if scripts/NAME-kernel.sh exists, it is run (it builds what is
#           missing and is quick when all is up to date) and the last line
#           of its output is the env file's path; otherwise the file is
#           $VFMDEV_CACHE/kernels/NAME.env.
# A caller that resolved NAME once can export VFMDEV_KENV_NAME=<path> so
# that the scripts it runs do not resolve it again.
kernel_env_file() {
	local name=$1 var f
	case "$name" in
	*/*) echo "$name"; return 0 ;;
	esac
	var=VFMDEV_KENV_${name//[^A-Za-z0-9_]/_}
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return 0
	fi
	f="$VFMDEV_CACHE/kernels/$name.env"
	if [ "$name" = stock ]; then
		load_kernel_env
		mkdir -p "$VFMDEV_CACHE/kernels"
		local tmp="$f.tmp.$$"
		cat > "$tmp" <<EOT
# Written by vfmdev scripts/lib.sh from kernel.env: Debian's $KREL.
KIMAGE='/boot/vmlinuz-$KREL'
KMODROOT='/'
KREL='$KREL'
KDIR='/usr/src/linux-headers-$KREL'
EOT
		if cmp -s "$tmp" "$f"; then rm -f "$tmp"; else mv "$tmp" "$f"; fi
	elif [ -x "$VFMDEV_TOP/scripts/$name-kernel.sh" ]; then
		f=$("$VFMDEV_TOP/scripts/$name-kernel.sh" | tail -n 1) ||
			die "scripts/$name-kernel.sh failed"
	fi
	[ -f "$f" ] || die "kernel '$name': no env file '$f'"
	echo "$f"
}

# load_kernel NAME: sets KNAME and the variables above, and checks them.
load_kernel() {
	local f
	f=$(kernel_env_file "$1") || exit 1
	KIMAGE= KMODROOT= KREL= KDIR= KAPPEND= KSLOW=1
	. "$f"
	case "$1" in
	*/*) KNAME=$(basename "$f" .env) ;;
	*) KNAME=$1 ;;
	esac
	[ -n "$KREL" ] || die "$f: KREL not set"
	[ -f "$KIMAGE" ] || die "$f: KIMAGE '$KIMAGE' is not a file"
	[ -d "$KMODROOT/lib/modules/$KREL" ] || die "$f: no $KMODROOT/lib/modules/$KREL"
	[ -d "$KDIR" ] || die "$f: KDIR '$KDIR' is not a directory"
	KSLOW=${KSLOW:-1}
}

# lock_tree: one rig run (make test/demo/bench/shell) at a time per work
# tree, since they share out/ and results/. Held until the script exits.
lock_tree() {
	mkdir -p "$VFMDEV_TOP/out"
	exec 8> "$VFMDEV_TOP/out/.lock"
	if ! flock -n 8; then
		log "another make test/demo/bench runs in this tree: waiting for it"
		flock 8
	fi
}

# rig_boot OUT RIG_ARG...: boot the rig (scripts/rig.sh RIG_ARG... --out
# OUT).  A wedged emulator (rig.sh's exit status 125: a vCPU stopped getting
# timer interrupts and the kernel reports RCU stalls on an idle CPU, QEMU
# aborted in iotlb_to_section(), or a nested-VMM guest reset itself
# silently; seen under QEMU's multi-threaded TCG) gets one more boot, said
# loudly, its logs kept in OUT.wedged.  Test failures and kernel reports
# never do.  Returns rig.sh's status of the last boot.
rig_boot() {
	local out=$1 rc=0
	shift
	bash "$VFMDEV_TOP/scripts/rig.sh" "$@" --out "$out" || rc=$?
	[ "$rc" = 125 ] || return "$rc"
	rm -rf "$out.wedged"
	mv "$out" "$out.wedged"
	echo "== the emulator wedged ($(cat "$out.wedged/stopped" 2>/dev/null)); logs kept in ${out#"$VFMDEV_TOP"/}.wedged; booting once more"
	rc=0
	bash "$VFMDEV_TOP/scripts/rig.sh" "$@" --out "$out" || rc=$?
	return "$rc"
}

# Building initramfs images (the rig's and the nested guest's)
# ------------------------------------------------------------
# img_busybox ROOT [APPLET...]: busybox-static and links for its applets,
# except the named ones (a host program stands there instead) and busybox
# itself (a link to itself would make /bin/busybox a loop).
img_busybox() {
	local root=$1 a
	shift
	local skip=" busybox $* "
	install -D -m 755 /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		case "$skip" in *" ${a##*/} "*) continue ;; esac
		mkdir -p "$root/$(dirname "$a")"
		[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done
}

# img_host_bins ROOT BIN...: host programs with the shared libraries they
# load (executable: the dynamic loader must be).
img_host_bins() {
	local root=$1 b l
	shift
	for b in "$@"; do
		install -D -m 755 "$b" "$root$b"
		for l in $(ldd "$b" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'); do
			[ -e "$root$l" ] || install -D -m 755 "$(readlink -f "$l")" "$root$l"
		done
	done
}

# img_kmods ROOT KMODROOT KREL MODULE...: the modules with what they depend
# on (modprobe --show-depends), decompressed, plus the kernel's module lists
# for depmod -b. Prints how many files it added; a module the kernel does not
# have is named on stderr and makes the status 1 (the others are still added).
img_kmods() {
	local root=$1 kmodroot=$2 krel=$3 m deps ko rel dst n=0 missing=0
	shift 3
	local md="$kmodroot/lib/modules/$krel" f
	mkdir -p "$root/lib/modules/$krel"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$md/$f" ] && cp "$md/$f" "$root/lib/modules/$krel/"
	done
	for m in "$@"; do
		if ! deps=$(modprobe -S "$krel" -d "$kmodroot" --show-depends "$m" 2> /dev/null); then
			log "kernel $krel has no module $m"
			missing=1
			continue
		fi
		for ko in $(printf '%s\n' "$deps" | awk '$1 == "insmod" { print $2 }'); do
			rel=${ko##*"/lib/modules/$krel/"}
			dst="$root/lib/modules/$krel/${rel%.xz}"
			dst=${dst%.zst}
			dst=${dst%.gz}
			[ -f "$dst" ] && continue
			mkdir -p "$(dirname "$dst")"
			case "$ko" in
			*.xz) xz -dc "$ko" > "$dst" ;;
			*.zst) zstd -qdc "$ko" > "$dst" ;;
			*.gz) gzip -dc "$ko" > "$dst" ;;
			*) cp "$ko" "$dst" ;;
			esac
			n=$((n + 1))
		done
	done
	echo "$n"
	return "$missing"
}

# img_cpio ROOT: ROOT as a newc archive (owned by root, sorted) on stdout.
img_cpio() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet)
}

# sync_sources DEST: the work tree's sources copied to DEST (rsync, mtimes
# kept). Build products are excluded, so --delete leaves those of earlier
# builds in DEST (kbuild stays incremental) while removed sources disappear.
sync_sources() {
	mkdir -p "$1"
	rsync -a --delete \
		--exclude=/.git --exclude=/out --exclude=/results \
		--exclude=/selftests/build \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.a' --exclude='modules.order' \
		--exclude='Module.symvers' --exclude='.*.d' --exclude='*.dwo' \
		"$VFMDEV_TOP/" "$1/"
}
