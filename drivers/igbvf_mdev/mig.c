// SPDX-License-Identifier: GPL-2.0
/*
 * igbvf_mdev: the 82576 VF's part of a migration.
 *
 * What the guest reaches without the mediator seeing it is the interrupt
 * page (0x1000): masks, auto-clear, throttling and vector mapping are
 * saved and written back; pending causes are not read (EICR is
 * read-to-clear on the 82576, and QEMU's model does not even show them).
 * The core's vfm_eim_resume() turns the vectors on again (eim.c says why
 * a destination raises each enabled or auto-masked queue vector once, and
 * the mailbox's vector only for an event the guest has not read).
 *
 * The PF side of the guest's configuration is rebuilt the way the guest's
 * driver built it: the reset handshake, the MAC the guest uses, then
 * every recorded message in order, each one acknowledged or the restore
 * fails.  All through a struct vfm_port, so KUnit runs it against a fake
 * PF.  Facts from Linux's igb PF (igb_rcv_msg_from_vf: replies are word 0
 * with ACK or NACK and CTS; VF_RESET answers ACK with the MAC in words 1-2,
 * or NACK when the PF has none; a SET_MAC of an administered address is
 * NACKed) and QEMU's igb (RSTI/RSTD are not changed by a VF reset).
 */
#include <linux/module.h>
#include <kunit/visibility.h>
#include <uapi/linux/vf_mdev.h>

#include "igbvf_mdev.h"

u32 igbvf_ring_disable(u32 ctrl)
{
	return ctrl & ~IGBVF_DCTL_ENABLE;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_ring_disable);

static const u16 igbvf_dev_reg_off[IGBVF_NR_DEV_REGS] = {
	[IGBVF_REG_EIMS] = IGBVF_EIMS,
	[IGBVF_REG_EIAC] = IGBVF_EIAC,
	[IGBVF_REG_EIAM] = IGBVF_EIAM,
	[IGBVF_REG_EITR0] = IGBVF_EITR(0),
	[IGBVF_REG_EITR1] = IGBVF_EITR(1),
	[IGBVF_REG_EITR2] = IGBVF_EITR(2),
	[IGBVF_REG_IVAR0] = IGBVF_IVAR0,
	[IGBVF_REG_IVAR_MISC] = IGBVF_IVAR_MISC,
};

/**
 * igbvf_dev_save - capture the interrupt page and mask every vector
 * @p: port
 * @regs: out, IGBVF_NR_DEV_REGS words
 */
void igbvf_dev_save(struct vfm_port *p, u32 *regs)
{
	unsigned int i;

	for (i = 0; i < IGBVF_NR_DEV_REGS; i++)
		regs[i] = p->rd(p, igbvf_dev_reg_off[i]);
	p->wr(p, IGBVF_EIMC, IGBVF_VEC_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_dev_save);

/**
 * igbvf_dev_resume - interrupts on again
 * @p: port
 * @regs: what igbvf_dev_save() captured (on this VF or the source's)
 * @restore: a destination: write every register first, then unmask each
 *	enabled or auto-masked vector and raise it once (the mailbox's only
 *	for an event the guest has not read)
 */
void igbvf_dev_resume(struct vfm_port *p, const u32 *regs, bool restore)
{
	const struct vfm_eim eim = {
		.eims = regs[IGBVF_REG_EIMS],
		.eiac = regs[IGBVF_REG_EIAC],
		.eiam = regs[IGBVF_REG_EIAM],
		/* The "other" cause's vector, unless a queue shares it. */
		.mbx_vec = vfm_eim_ivar_vecs(&regs[IGBVF_REG_IVAR_MISC], 1) &
			   ~vfm_eim_ivar_vecs(&regs[IGBVF_REG_IVAR0], 1),
	};
	unsigned int i;

	if (restore)
		for (i = IGBVF_REG_EIAC; i < IGBVF_NR_DEV_REGS; i++)
			p->wr(p, igbvf_dev_reg_off[i], regs[i]);
	vfm_eim_resume(p, IGBVF_EIMS, IGBVF_EICS, &eim, IGBVF_VEC_MASK,
		       restore);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_dev_resume);

/**
 * igbvf_check_regs - interrupt registers from a stream, before any is written
 * @regs: IGBVF_NR_DEV_REGS words
 * @nvec: MSI-X vectors of this VF
 *
 * Returns 0 or -EINVAL.
 */
int igbvf_check_regs(const u32 *regs, unsigned int nvec)
{
	/* IVAR0 and IVAR_MISC: every valid entry names a vector it has. */
	if (!vfm_eim_ivar_ok(&regs[IGBVF_REG_IVAR0], 2, nvec) ||
	    regs[IGBVF_REG_IVAR_MISC] & ~0xffU)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_check_regs);

static bool igbvf_is_reset(const struct vfm_cfg_rec *rec)
{
	return IGBVF_MSG_ID(rec->msg[0]) == IGBVF_MSG_RESET;
}

static bool igbvf_is_set_mac(const struct vfm_cfg_rec *rec)
{
	return IGBVF_MSG_ID(rec->msg[0]) == IGBVF_MSG_SET_MAC &&
	       !IGBVF_MSG_INFO(rec->msg[0]);
}

/**
 * igbvf_match - the guest's MAC addresses, from its configuration log
 * @log: the log
 * @n: entries
 * @m: out
 *
 * pf_mac: what the PF handed out at the guest's last reset (the reply
 * kept with the reset); mac: the last address the guest set, else that.
 */
void igbvf_match(const struct vfm_cfg_rec *log, unsigned int n,
		 struct vfm_match_info *m)
{
	vfm_rmbx_match_mac(log, n, IGBVF_MSG_SET_MAC, m);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_match);

/**
 * igbvf_replay - rebuild the guest's PF-side configuration on this VF
 * @p: port on a VF that just had a function reset
 * @r: what to replay; @r->pf_mac and @r->why are filled in
 *
 * The reset handshake; then the MAC address the guest uses, unless the PF
 * already hands it out (a PF that administers another address refuses
 * it); with @r->probe that is all.  Then every recorded message but
 * resets and the primary MAC, in the order the guest sent them.
 * Returns 0 or a negative errno, @r->why saying what failed.
 */
int igbvf_replay(struct vfm_port *p, struct vfm_replay *r)
{
	u32 reply[IGBVF_VMBMEM_WORDS];
	unsigned int i;
	int ret;

	ret = vfm_rmbx_replay_reset(p, r, IGBVF_CTRL, IGBVF_CTRL_RST,
				    IGBVF_V2PMAILBOX, IGBVF_MBX_RSTI);
	if (!ret)
		ret = vfm_rmbx_replay_mac(p, r, IGBVF_MSG_SET_MAC);
	if (ret || r->probe)
		return ret;
	for (i = 0; i < r->nlog; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];

		if (igbvf_is_reset(rec) || igbvf_is_set_mac(rec))
			continue;
		ret = vfm_rmbx_request(p, rec->msg,
				       min_t(u32, rec->words, IGBVF_VMBMEM_WORDS),
				       reply, IGBVF_VMBMEM_WORDS, r->why,
				       sizeof(r->why));
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_replay);

const struct vfm_mig_ops igbvf_mig_ops = {
	.dev_regs = IGBVF_NR_DEV_REGS,
	.ring_disable = igbvf_ring_disable,
	.dev_save = igbvf_dev_save,
	.dev_resume = igbvf_dev_resume,
	.check_regs = igbvf_check_regs,
	.match = igbvf_match,
	.replay = igbvf_replay,
};
