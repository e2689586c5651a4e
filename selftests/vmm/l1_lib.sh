# SPDX-License-Identifier: GPL-2.0
# l1_lib.sh: what the nested-VMM programs (selftests/vmm/vmm_qemu.sh and
# selftests/ops/vmm_libvirt.sh) share on the rig's side (L1): the rig's
# clock and slowness, L2's acknowledged control channel, and the signs that
# tell an L2 the nested emulator reset from one vfmdev broke.  Sourced, not
# run: scripts/l2-initramfs.sh puts it beside L2's initramfs, and the rig
# has it at /vfmdev/l2/l1_lib.sh.

uptime_s() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The rig's per-program limit, vfmdev.tmo, is 300 s times its slowness
# factor (a debug kernel's is larger); the waits on L2 grow with it.
# rig_secs S: S seconds on a stock rig, scaled to this one.
RIG_TMO=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^vfmdev\.tmo=//p' | grep . || echo 300)
rig_secs() { echo $(($1 * RIG_TMO / 300)); }

# send_acked WHO WORD ALIVE FIFO REC: write WORD to L2's control channel
# (FIFO) while the command ALIVE succeeds, and wait for L2's "@l2 got WORD"
# (read with the function REC); without it within ACK_TMO s, send it again,
# two more times at most, and say so (as WHO).  Once, after a migration,
# L2's port counted the three bytes of "go" and no line ever reached L2's
# reader (l2_init.sh's wait_cmd shows what L2 reads); a word L2 already
# took is skipped by it.  Returns 0 once acknowledged.
ACK_TMO=30
send_acked() {
	local n=1 t
	while [ "$n" -le 3 ]; do
		$3 && timeout 5 sh -c "echo $2 > '$4'" || return 1
		t=0
		while [ "$t" -lt $((ACK_TMO * 2)) ]; do
			[ -z "$($5 "got $2")" ] || return 0
			$3 || return 1
			sleep 0.5
			t=$((t + 1))
		done
		echo "# $1: L2 did not acknowledge '$2' within $ACK_TMO s (attempt $n of 3)"
		n=$((n + 1))
	done
	return 1
}

# wait_rec WORD SECS REC ALIVE: until L2's record "@l2 WORD" (read with the
# function REC) arrives (0), the command ALIVE says the VMM is gone (0 if
# the record came after all, else 1) or SECS pass (1).
wait_rec() {
	local end
	end=$(awk -v t="$(uptime_s)" -v s="$2" 'BEGIN { printf "%d", t + s }')
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		[ -n "$($3 "$1")" ] && return 0
		$4 || { [ -n "$($3 "$1")" ]; return; }
		sleep 0.5
	done
	return 1
}

# l1_vfio_log SINCE: what L1's kernel said at warning level or worse about
# vfmdev, VFIO or the IOMMU since uptime SINCE.
l1_vfio_log() {
	dmesg -r | awk -v t="$1" '/^<[0-4]>/ {
		s = $0; sub(/^<[0-9]+>\[ */, "", s); if (s + 0 >= t) print }' |
		grep -Ei 'vf_mdev|igbvf_mdev|vfio|dmar|iommu'
}

# l2_lines FILE...: L2's output in FILEs (console, control channel), without
# the serial ports' carriage returns.
l2_lines() { cat "$@" 2>/dev/null | tr -d '\r'; }

# l2_report FILE...: the kernel reports on L2's console (FILEs).  The
# words are the reports' own ("soft lockup", "hard LOCKUP", RCU's
# "detected stalls" and "self-detected stall"), not bare "stall", which
# "install" and the kernel's own stall-timeout notice contain.
l2_report() {
	l2_lines "$@" |
		grep -E 'Kernel panic|BUG:|kernel BUG|Oops|WARNING:|Call Trace|general protection|segfault|soft lockup|hard LOCKUP|detected stall'
}

# l2_verdict FILE...: L2's "done" or "error" record in its control channel's
# output (FILEs), if it sent one.  L2 powers off only after one of them.
l2_verdict() { l2_lines "$@" | grep -E '^@l2 (done|error)'; }

# l2_last_rec FILE...: L2's last record (80 characters at most).
l2_last_rec() {
	l2_lines "$@" | grep '^@l2 ' | tail -n 1 |
		cut -c1-80 | grep . || echo "no record"
}

# l2_reset_silently SINCE CTL CONSOLE: L2, whose control channel's output
# is in CTL and console in CONSOLE, was reset by nothing anyone can name:
# no "done" or error from L2, no kernel report on its console, and L1's
# kernel said nothing about vfmdev, VFIO or the IOMMU since uptime SINCE.
# The caller has already seen that L2's VMM stopped on a guest reset (QEMU's
# -no-reboot exit, libvirt's destroy on reset) with no word of its own.
# Seen in the vfio-pci baseline (no vfmdev anywhere in it) after its first
# pings, on QEMU 7.2 before any migration, and on the debug kernel, under
# QEMU and under libvirt, before L2's /init ran: the nested emulator, as
# with the occasional death of L1 itself.  Such a run goes once more,
# loudly.
l2_reset_silently() {
	[ -z "$(l2_verdict "$2")" ] && [ -z "$(l2_report "$3")" ] &&
		[ -z "$(l1_vfio_log "$1")" ]
}
