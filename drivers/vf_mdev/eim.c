// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the extended interrupt registers the 82576 and 82599 VFs share
 * (EIMS/EIMC/EICS, auto-clear EIAC, auto-mask EIAM), at a migration's end.
 *
 * Pending causes cannot be carried over (EICR is read-to-clear), so a
 * destination raises every enabled vector once instead: a spurious
 * interrupt costs the guest a poll, a lost one a stalled queue.
 *
 * "Enabled" includes the vectors the device masked by itself: igbvf and
 * ixgbevf run their vectors with auto-mask and auto-clear, so a vector
 * that fired is masked until the guest's poll unmasks it.  If it fired
 * just before the stop, its message may reach the VMM's interrupt
 * controller after the VMM saved it (seen with QEMU 7.2 under TCG: the
 * guest never polled again, its RX vector stayed masked and the ring full
 * of unread packets).  A destination therefore unmasks and raises every
 * auto-masked vector too; a guest already polling takes one spurious
 * interrupt.  The families keep only the offsets and their vectors.
 */
#include <linux/module.h>

#include "vf_mdev.h"

/**
 * vfm_eim_vectors - the vectors to unmask when interrupts go on again
 * @eim: the saved registers
 * @vec_mask: the vectors the VF has
 * @restore: a destination (also every auto-masked vector) rather than the
 *	source resuming after an aborted stop (only those enabled)
 */
static u32 vfm_eim_vectors(const struct vfm_eim *eim, u32 vec_mask,
			   bool restore)
{
	u32 on = eim->eims;

	if (restore)
		on |= eim->eiac & eim->eiam;
	return on & vec_mask;
}

/**
 * vfm_eim_resume - interrupts on again
 * @p: port
 * @eims_off: the VF's EIMS (set-mask) register
 * @eics_off: its EICS (cause-set) register
 * @eim: what the VF's registers held at the save (here or on the source)
 * @vec_mask: the vectors the VF has
 * @restore: a destination: raise each vector unmasked, once
 *
 * The family writes its other registers first (auto-clear and auto-mask
 * among them): a vector raised before EIAC is in place would not clear.
 */
void vfm_eim_resume(struct vfm_port *p, u32 eims_off, u32 eics_off,
		    const struct vfm_eim *eim, u32 vec_mask, bool restore)
{
	u32 on = vfm_eim_vectors(eim, vec_mask, restore);

	p->wr(p, eims_off, on);
	if (restore && on)
		p->wr(p, eics_off, on);
}
EXPORT_SYMBOL_GPL(vfm_eim_resume);
