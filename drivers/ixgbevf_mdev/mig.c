// SPDX-License-Identifier: GPL-2.0
/*
 * ixgbevf_mdev: the 82599-family VF's part of a migration.
 *
 * Saved registers: what the guest reaches on page 0 without the mediator
 * keeping a shadow (interrupt masks, auto-clear, throttling, vector
 * mapping, VFPSRTYPE), and on X550-class VFs the VF's RSS registers on
 * page 0x3000 (VFMRQC, key, redirection table), which 82599 and X540 VFs
 * do not have.  Pending causes (VTEICR is read-to-clear) are not read:
 * the destination raises every enabled vector once instead.
 *
 * The PF side is rebuilt as ixgbevf builds it: the reset handshake, the
 * API the guest negotiated, its MAC address, then every recorded message
 * in order, each acknowledged; GET_QUEUES and IPsec SA indexes must be
 * answered as on the source.  Facts from Linux's ixgbevf (vf.c, mbx.h,
 * ipsec.c) and ixgbe PF (ixgbe_sriov.c): hardware.md 1A and 3.1.
 */
#include <linux/module.h>
#include <kunit/visibility.h>

#include "ixgbevf_mdev.h"

u32 ixgbevf_ring_disable(u32 ctrl)
{
	return ctrl & ~IXGBEVF_DCTL_ENABLE;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_ring_disable);

/* Offset of saved register @i (RSS ones only on X550-class VFs). */
static u32 ixgbevf_dev_reg(unsigned int i)
{
	static const u16 off[IXGBEVF_REG_RSSRK0] = {
		[IXGBEVF_REG_EIMS] = IXGBEVF_VTEIMS,
		[IXGBEVF_REG_EIAC] = IXGBEVF_VTEIAC,
		[IXGBEVF_REG_EIAM] = IXGBEVF_VTEIAM,
		[IXGBEVF_REG_EITR0] = IXGBEVF_VTEITR(0),
		[IXGBEVF_REG_EITR1] = IXGBEVF_VTEITR(1),
		[IXGBEVF_REG_EITR2] = IXGBEVF_VTEITR(2),
		[IXGBEVF_REG_IVAR0] = IXGBEVF_VTIVAR(0),
		[IXGBEVF_REG_IVAR1] = IXGBEVF_VTIVAR(1),
		[IXGBEVF_REG_IVAR2] = IXGBEVF_VTIVAR(2),
		[IXGBEVF_REG_IVAR3] = IXGBEVF_VTIVAR(3),
		[IXGBEVF_REG_IVAR_MISC] = IXGBEVF_VTIVAR_MISC,
		[IXGBEVF_REG_PSRTYPE] = IXGBEVF_VFPSRTYPE,
	};

	if (i < IXGBEVF_REG_RSSRK0)
		return off[i];
	if (i < IXGBEVF_REG_RETA0)
		return IXGBEVF_VFRSSRK(i - IXGBEVF_REG_RSSRK0);
	if (i < IXGBEVF_REG_MRQC)
		return IXGBEVF_VFRETA(i - IXGBEVF_REG_RETA0);
	return IXGBEVF_VFMRQC;
}

/* Registers this VF has: the RSS block only from X550 on. */
static unsigned int ixgbevf_nr_regs(u16 device)
{
	return ixgbevf_gen(device) == IXGBEVF_GEN_X550 ? IXGBEVF_NR_DEV_REGS :
	       IXGBEVF_REG_RSSRK0;
}

/**
 * ixgbevf_dev_save - capture the directly reached registers, mask vectors
 * @p: port (its @device says which registers exist)
 * @regs: out, IXGBEVF_NR_DEV_REGS words (the RSS ones zero on 82599/X540)
 */
void ixgbevf_dev_save(struct vfm_port *p, u32 *regs)
{
	unsigned int i, n = ixgbevf_nr_regs(p->device);

	for (i = 0; i < IXGBEVF_NR_DEV_REGS; i++)
		regs[i] = i < n ? p->rd(p, ixgbevf_dev_reg(i)) : 0;
	p->wr(p, IXGBEVF_VTEIMC, IXGBEVF_VEC_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_dev_save);

/**
 * ixgbevf_dev_resume - interrupts on again
 * @p: port
 * @regs: what ixgbevf_dev_save() captured (here or on the source)
 * @restore: a destination: write the registers first (VFMRQC last, once
 *	key and table are in place), then unmask each enabled or auto-masked
 *	vector and raise it once (the mailbox's only for an event the guest
 *	has not read)
 *
 * On an 82599/X540 destination the RSS block is not written: the VF has
 * none and RSS follows the PF's configuration (ixgbevf_compat() allows
 * that translation).
 */
void ixgbevf_dev_resume(struct vfm_port *p, const u32 *regs, bool restore)
{
	const struct vfm_eim eim = {
		.eims = regs[IXGBEVF_REG_EIMS],
		.eiac = regs[IXGBEVF_REG_EIAC],
		.eiam = regs[IXGBEVF_REG_EIAM],
		/* The "other" cause's vector, unless a queue shares it. */
		.mbx_vec = vfm_eim_ivar_vecs(&regs[IXGBEVF_REG_IVAR_MISC], 1) &
			   ~vfm_eim_ivar_vecs(&regs[IXGBEVF_REG_IVAR0],
					      IXGBEVF_REG_IVAR_MISC -
					      IXGBEVF_REG_IVAR0),
	};
	unsigned int i, n = ixgbevf_nr_regs(p->device);

	if (restore)
		for (i = IXGBEVF_REG_EIAC; i < n; i++)
			p->wr(p, ixgbevf_dev_reg(i), regs[i]);
	/* ixgbevf auto-masks its vectors as igbvf does: eim.c. */
	vfm_eim_resume(p, IXGBEVF_VTEIMS, IXGBEVF_VTEICS, &eim,
		       IXGBEVF_VEC_MASK, restore);
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_dev_resume);

/**
 * ixgbevf_check_regs - registers from a stream, before any is written
 * @regs: IXGBEVF_NR_DEV_REGS words
 * @nvec: MSI-X vectors of this VF
 *
 * Every valid vector-mapping entry must name a vector this VF has; the
 * masks only name the three vectors.  Returns 0 or -EINVAL.
 */
int ixgbevf_check_regs(const u32 *regs, unsigned int nvec)
{
	if (!vfm_eim_ivar_ok(&regs[IXGBEVF_REG_IVAR0],
			     IXGBEVF_REG_IVAR_MISC - IXGBEVF_REG_IVAR0 + 1, nvec) ||
	    regs[IXGBEVF_REG_IVAR_MISC] & ~0xffU ||
	    regs[IXGBEVF_REG_EIAC] & ~IXGBEVF_VEC_MASK ||
	    regs[IXGBEVF_REG_EIAM] & ~IXGBEVF_VEC_MASK)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_check_regs);

static u32 ixgbevf_rec_id(const struct vfm_cfg_rec *rec)
{
	return VFM_RMBX_ID(rec->msg[0]);
}

/**
 * ixgbevf_match - MACs, API and queue grant, from the configuration log
 * @log: the log
 * @n: entries
 * @m: out
 */
void ixgbevf_match(const struct vfm_cfg_rec *log, unsigned int n,
		   struct vfm_match_info *m)
{
	unsigned int i;

	vfm_rmbx_match_mac(log, n, IXGBEVF_MSG_SET_MAC, m);
	for (i = 0; i < n; i++) {
		const struct vfm_cfg_rec *rec = &log[i];

		if (ixgbevf_rec_id(rec) == IXGBEVF_MSG_API_NEGOTIATE &&
		    rec->words >= 2)
			m->fam[IXGBEVF_FAM_API] = rec->msg[1] + 1;
		if (ixgbevf_rec_id(rec) == IXGBEVF_MSG_GET_QUEUES &&
		    rec->rwords > IXGBEVF_Q_DEF &&
		    rec->reply[0] & VFM_RMBX_ACK) {
			m->fam[IXGBEVF_FAM_QUEUES] =
				(rec->reply[IXGBEVF_Q_TX] & 0xff) |
				(rec->reply[IXGBEVF_Q_RX] & 0xff) << 8;
			m->fam[IXGBEVF_FAM_TRANS_VLAN] =
				rec->reply[IXGBEVF_Q_TRANS_VLAN];
			m->fam[IXGBEVF_FAM_DEF_Q] = rec->reply[IXGBEVF_Q_DEF];
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_match);

static const char *ixgbevf_gen_name(enum ixgbevf_gen g)
{
	return g == IXGBEVF_GEN_X550 ? "X550-class" :
	       g == IXGBEVF_GEN_82599 ? "82599/X540" : "unknown";
}

/**
 * ixgbevf_compat - can a stream from VF @src be restored on VF @dst?
 * @src: the source's PCI device id
 * @src_fam: its match words (IXGBEVF_FAM_*)
 * @dst: this VF's PCI device id
 * @why: out: the reason for a refusal
 * @len: size of @why
 *
 * The rule table (Documentation/ixgbevf_mdev.rst):
 *
 *  - both VFs must be hardware VFs of the family (82599, X540, X550,
 *    X550EM_x, X550EM_a); any pair of them shares the VF programming
 *    model: rings, descriptors, interrupt registers, mailbox;
 *  - the mailbox API must be one this module knows (1.0 to 1.7, 2.0 is
 *    Solaris's and refused); whether the destination PF speaks it is
 *    found by the replay (its API_NEGOTIATE must be acknowledged);
 *  - queue counts, port VLAN translation and the default queue the PF
 *    granted must be granted again: checked by the replay of GET_QUEUES;
 *  - X550-class to 82599/X540: translated.  The VF RSS registers are not
 *    restored (the destination has none); RSS follows the PF;
 *  - 82599/X540 to X550-class: translated.  The RSS registers are
 *    restored as the source had them: zero, so RSS is off and every
 *    packet goes to queue 0 until the guest programs them.
 *
 * Returns 0 or -EXDEV.
 */
int ixgbevf_compat(u16 src, const u32 *src_fam, u16 dst, char *why,
		   size_t len)
{
	enum ixgbevf_gen gs = ixgbevf_gen(src), gd = ixgbevf_gen(dst);
	u32 api = src_fam[IXGBEVF_FAM_API];

	if (gs == IXGBEVF_GEN_NONE || gd == IXGBEVF_GEN_NONE) {
		snprintf(why, len, "%04x VF stream, %04x VF: not both 82599-family VFs",
			 src, dst);
		return -EXDEV;
	}
	if (api > IXGBEVF_NR_APIS || api == IXGBEVF_API_20 + 1) {
		snprintf(why, len, "mailbox API enum %u: not replayable",
			 api - 1);
		return -EXDEV;
	}
	if (gs != gd)
		pr_info_ratelimited("ixgbevf_mdev: %s stream restored on a %s VF: VF RSS registers %s\n",
				    ixgbevf_gen_name(gs), ixgbevf_gen_name(gd),
				    gd == IXGBEVF_GEN_X550 ? "start disabled" :
				    "dropped, RSS follows the PF");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_compat);

/* The destination must answer a query as the source's PF did. */
static int ixgbevf_check_answer(const struct vfm_cfg_rec *rec, const u32 *reply,
				char *why, size_t wl)
{
	unsigned int i, n = 0;

	if (ixgbevf_rec_id(rec) == IXGBEVF_MSG_GET_QUEUES)
		n = IXGBEVF_Q_DEF + 1;
	else if (ixgbevf_rec_id(rec) == IXGBEVF_MSG_IPSEC_ADD)
		n = 2;
	for (i = 1; i < n && i < rec->rwords; i++) {
		if (reply[i] != rec->reply[i]) {
			snprintf(why, wl, "message %#x: word %u is %#x here, %#x on the source",
				 rec->msg[0], i, reply[i], rec->reply[i]);
			return -EXDEV;
		}
	}
	return 0;
}

/* Send record @rec again; its answer must match when it was kept. */
static int ixgbevf_replay_rec(struct vfm_port *p, const struct vfm_cfg_rec *rec,
			      struct vfm_replay *r)
{
	u32 reply[IXGBEVF_MBX_WORDS];
	int ret;

	ret = vfm_rmbx_request(p, rec->msg,
			       clamp_t(u32, rec->words, 1, IXGBEVF_MBX_WORDS),
			       reply, IXGBEVF_MBX_WORDS, r->why, sizeof(r->why));
	if (!ret)
		ret = ixgbevf_check_answer(rec, reply, r->why, sizeof(r->why));
	return ret;
}

/**
 * ixgbevf_replay - rebuild the guest's PF-side configuration on this VF
 * @p: port on a VF that just had a function reset
 * @r: what to replay; @r->pf_mac and @r->why are filled in
 *
 * The reset handshake; the mailbox API the guest negotiated (so that the
 * PF reads what follows as the guest's driver meant it); the guest's MAC
 * unless the PF already hands it out.  With @r->probe that is all.  Then
 * every other record in the order the guest sent it.
 * Returns 0 or a negative errno, @r->why saying what failed.
 */
int ixgbevf_replay(struct vfm_port *p, struct vfm_replay *r)
{
	const struct vfm_cfg_rec *api = NULL;
	unsigned int i;
	int ret;

	ret = vfm_rmbx_replay_reset(p, r, IXGBEVF_VFCTRL, IXGBEVF_CTRL_RST,
				    IXGBEVF_VFMAILBOX, IXGBEVF_MBX_RSTI);
	if (ret)
		return ret;
	for (i = 0; i < r->nlog; i++)
		if (ixgbevf_rec_id(&r->log[i]) == IXGBEVF_MSG_API_NEGOTIATE)
			api = &r->log[i];
	if (api) {
		ret = ixgbevf_replay_rec(p, api, r);
		if (ret == -EPERM)
			snprintf(r->why, sizeof(r->why),
				 "the destination PF refuses mailbox API enum %u",
				 api->words > 1 ? api->msg[1] : 0);
		if (ret)
			return ret;
	}
	ret = vfm_rmbx_replay_mac(p, r, IXGBEVF_MSG_SET_MAC);
	if (ret || r->probe)
		return ret;
	for (i = 0; i < r->nlog; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];

		switch (ixgbevf_rec_id(rec)) {
		case IXGBEVF_MSG_RESET:
		case IXGBEVF_MSG_API_NEGOTIATE:
			continue;
		case IXGBEVF_MSG_SET_MAC:
			continue;	/* done above */
		}
		ret = ixgbevf_replay_rec(p, rec, r);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_replay);

const struct vfm_mig_ops ixgbevf_mig_ops = {
	.dev_regs = IXGBEVF_NR_DEV_REGS,
	.ring_disable = ixgbevf_ring_disable,
	.dev_save = ixgbevf_dev_save,
	.dev_resume = ixgbevf_dev_resume,
	.check_regs = ixgbevf_check_regs,
	.match = ixgbevf_match,
	.compat = ixgbevf_compat,
	.replay = ixgbevf_replay,
};
