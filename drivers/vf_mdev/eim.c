// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the extended interrupt registers the 82576 and 82599 VFs share
 * (EIMS/EIMC/EICS, auto-clear EIAC, auto-mask EIAM), at a migration's end.
 *
 * Pending causes cannot be carried over (EICR is read-to-clear), so a
 * destination raises every enabled queue vector once instead: a spurious
 * queue interrupt costs the guest a poll, a lost one a stalled queue.
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
 *
 * The mailbox's vector is different: its handler is not a poll.  igbvf's
 * and ixgbevf's take it as "the PF said something": they check the link
 * through the mailbox at once, and a check that fails takes the carrier
 * down until the next watchdog run, seconds later (seen on the debug rig
 * kernel: a 5 to 7 s link flap at a switchover, in 2 of 4 boots).  The
 * hardware raises that vector only for a mailbox event (a message, an
 * acknowledgment, a reset done), and so does a destination: only when
 * the guest has such an event it has not read (the mediator's shadow of
 * read-to-clear bits, restored from the stream, or what the VF shows
 * now).  Without one, the vector is unmasked and left quiet; the guest's
 * watchdog polls the PF's reset bits on its own.
 */
#include <linux/bitfield.h>
#include <linux/module.h>

#include "vf_mdev.h"

/* A vector-mapping entry (IVAR) of the 82576 and 82599 VFs. */
#define VFM_IVAR_VALID	BIT(7)
#define VFM_IVAR_VEC	GENMASK(1, 0)

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
 * vfm_eim_ivar_vecs - the vectors some vector-mapping registers name
 * @ivar: registers of four 8-bit entries each
 * @n: how many registers
 */
u32 vfm_eim_ivar_vecs(const u32 *ivar, unsigned int n)
{
	unsigned int i, b;
	u32 vecs = 0;

	for (i = 0; i < n; i++)
		for (b = 0; b < 4; b++) {
			u8 ent = ivar[i] >> (8 * b);

			if (ent & VFM_IVAR_VALID)
				vecs |= BIT(FIELD_GET(VFM_IVAR_VEC, ent));
		}
	return vecs;
}
EXPORT_SYMBOL_GPL(vfm_eim_ivar_vecs);

/**
 * vfm_eim_ivar_ok - every valid entry names a vector the VF has
 * @ivar: registers of four 8-bit entries each
 * @n: how many registers
 * @nvec: the VF's MSI-X vectors
 */
bool vfm_eim_ivar_ok(const u32 *ivar, unsigned int n, unsigned int nvec)
{
	return !(vfm_eim_ivar_vecs(ivar, n) >> min(nvec, 31U));
}
EXPORT_SYMBOL_GPL(vfm_eim_ivar_ok);

/**
 * vfm_eim_resume - interrupts on again
 * @p: port
 * @eims_off: the VF's EIMS (set-mask) register
 * @eics_off: its EICS (cause-set) register
 * @eim: what the VF's registers held at the save (here or on the source)
 * @vec_mask: the vectors the VF has
 * @restore: a destination: raise each queue vector unmasked, once, and the
 *	mailbox's only for an event the guest has not read
 *
 * The family writes its other registers first (auto-clear and auto-mask
 * among them): a vector raised before EIAC is in place would not clear.
 */
void vfm_eim_resume(struct vfm_port *p, u32 eims_off, u32 eics_off,
		    const struct vfm_eim *eim, u32 vec_mask, bool restore)
{
	u32 on = vfm_eim_vectors(eim, vec_mask, restore);
	u32 raise;

	p->wr(p, eims_off, on);
	if (!restore)
		return;
	raise = on;
	if (!p->mbx_event || !p->mbx_event(p))
		raise &= ~eim->mbx_vec;
	if (raise)
		p->wr(p, eics_off, raise);
}
EXPORT_SYMBOL_GPL(vfm_eim_resume);
