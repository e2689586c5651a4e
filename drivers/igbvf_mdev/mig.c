// SPDX-License-Identifier: GPL-2.0
/*
 * igbvf_mdev: the 82576 VF's part of a migration.
 *
 * What the guest reaches without the mediator seeing it is the interrupt
 * page (0x1000): masks, auto-clear, throttling and vector mapping are
 * saved and written back; pending causes are not read (EICR is
 * read-to-clear on the 82576, and QEMU's model does not even show them),
 * so the destination raises every enabled vector once instead: a spurious
 * interrupt costs the guest a poll, a lost one a stalled queue.
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
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <kunit/visibility.h>
#include <uapi/linux/vf_mdev.h>

#include "igbvf_mdev.h"

#define IGBVF_RSTI_WAIT_MS	200
#define IGBVF_CTRL_MSGS		8	/* PF control messages skipped per reply */

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
 * @restore: a destination: write every register first, then raise each
 *	enabled vector once
 */
void igbvf_dev_resume(struct vfm_port *p, const u32 *regs, bool restore)
{
	u32 eims = regs[IGBVF_REG_EIMS] & IGBVF_VEC_MASK;
	unsigned int i;

	if (restore)
		for (i = IGBVF_REG_EIAC; i < IGBVF_NR_DEV_REGS; i++)
			p->wr(p, igbvf_dev_reg_off[i], regs[i]);
	p->wr(p, IGBVF_EIMS, eims);
	if (restore && eims)
		p->wr(p, IGBVF_EICS, eims);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_dev_resume);

/* A valid vector-mapping entry must name a vector this VF has. */
static bool igbvf_ivar_ok(u8 ent, unsigned int nvec)
{
	return !(ent & IGBVF_IVAR_VALID) ||
	       FIELD_GET(IGBVF_IVAR_VEC, ent) < nvec;
}

/**
 * igbvf_check_regs - interrupt registers from a stream, before any is written
 * @regs: IGBVF_NR_DEV_REGS words
 * @nvec: MSI-X vectors of this VF
 *
 * Returns 0 or -EINVAL.
 */
int igbvf_check_regs(const u32 *regs, unsigned int nvec)
{
	unsigned int b;

	for (b = 0; b < 4; b++)
		if (!igbvf_ivar_ok(regs[IGBVF_REG_IVAR0] >> (8 * b), nvec))
			return -EINVAL;
	if (!igbvf_ivar_ok(regs[IGBVF_REG_IVAR_MISC], nvec) ||
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
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		const struct vfm_cfg_rec *rec = &log[i];

		if (igbvf_is_reset(rec) && rec->rwords >= 3 &&
		    rec->reply[0] & IGBVF_MSG_ACK) {
			memcpy(m->pf_mac, &rec->reply[1], ETH_ALEN);
			memcpy(m->mac, m->pf_mac, ETH_ALEN);
		} else if (igbvf_is_set_mac(rec) && rec->words >= 3) {
			memcpy(m->mac, &rec->msg[1], ETH_ALEN);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_match);

/*
 * The PF's reply to message @id: PF control messages (link changes) in
 * between are skipped.  Returns the reply's length or a negative errno.
 */
static int igbvf_reply(struct vfm_port *p, u32 id, u32 *reply)
{
	int n, i;

	for (i = 0; i < IGBVF_CTRL_MSGS; i++) {
		memset(reply, 0, IGBVF_VMBMEM_WORDS * sizeof(u32));
		n = p->recv(p, reply, IGBVF_VMBMEM_WORDS);
		if (n < 0)
			return n;
		if (IGBVF_MSG_ID(reply[0]) != IGBVF_MSG_PF_CONTROL)
			break;
	}
	if (IGBVF_MSG_ID(reply[0]) != IGBVF_MSG_ID(id) ||
	    !(reply[0] & (IGBVF_MSG_ACK | IGBVF_MSG_NACK)))
		return -EPROTO;
	return n;
}

/* Send @msg, wait for the PF's answer; 0 ACK, -EPERM NACK, -errno. */
static int igbvf_request(struct vfm_port *p, const u32 *msg,
			 unsigned int words, u32 *reply, char *why,
			 size_t wl)
{
	int ret;

	ret = p->send(p, msg, words);
	if (!ret)
		ret = igbvf_reply(p, msg[0], reply);
	if (ret < 0) {
		snprintf(why, wl, "PF mailbox: message %#x: %s", msg[0],
			 ret == -ETIMEDOUT ? "no answer" :
			 ret == -EPROTO ? "unexpected answer" : "failed");
		return ret;
	}
	if (reply[0] & IGBVF_MSG_NACK) {
		snprintf(why, wl, "the PF refused message %#x (answer %#x)",
			 msg[0], reply[0]);
		return -EPERM;
	}
	return 0;
}

/* Reset handshake: the function resets, the PF takes it back (CTS). */
static int igbvf_reset_handshake(struct vfm_port *p, u8 *pf_mac, char *why,
				 size_t wl)
{
	u32 msg[IGBVF_VMBMEM_WORDS] = { IGBVF_MSG_RESET };
	u32 reply[IGBVF_VMBMEM_WORDS];
	int ms, ret;

	p->wr(p, IGBVF_CTRL, IGBVF_CTRL_RST);
	/* No message while the PF itself resets (RSTI). */
	for (ms = 0; p->rd(p, IGBVF_V2PMAILBOX) & IGBVF_MBX_RSTI; ms++) {
		if (ms >= IGBVF_RSTI_WAIT_MS) {
			snprintf(why, wl, "the PF is still in reset (RSTI)");
			return -EBUSY;
		}
		p->wait(p, 1000);
	}
	ret = p->send(p, msg, 1);
	if (!ret)
		ret = igbvf_reply(p, IGBVF_MSG_RESET, reply);
	if (ret < 0) {
		snprintf(why, wl, "PF mailbox: reset handshake: %s",
			 ret == -ETIMEDOUT ? "no answer" : "unexpected answer");
		return ret;
	}
	eth_zero_addr(pf_mac);
	if (reply[0] & IGBVF_MSG_ACK)
		memcpy(pf_mac, &reply[1], ETH_ALEN);
	return 0;
}

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
	u32 msg[IGBVF_VMBMEM_WORDS], reply[IGBVF_VMBMEM_WORDS];
	const u8 *mac = r->want->mac;
	unsigned int i;
	int ret;

	ret = igbvf_reset_handshake(p, r->pf_mac, r->why, sizeof(r->why));
	if (ret)
		return ret;
	if (is_valid_ether_addr(mac) && !ether_addr_equal(mac, r->pf_mac)) {
		memset(msg, 0, sizeof(msg));
		msg[0] = IGBVF_MSG_SET_MAC;
		memcpy(&msg[1], mac, ETH_ALEN);
		ret = igbvf_request(p, msg, 3, reply, r->why, sizeof(r->why));
		if (ret == -EPERM)
			snprintf(r->why, sizeof(r->why),
				 "the destination PF refuses the guest's MAC %pM (it administers %pM): give the VF the same MAC on both hosts",
				 mac, r->pf_mac);
		if (ret)
			return ret;
	}
	if (r->probe)
		return 0;
	for (i = 0; i < r->nlog; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];

		if (igbvf_is_reset(rec) || igbvf_is_set_mac(rec))
			continue;
		ret = igbvf_request(p, rec->msg,
				    min_t(u32, rec->words, IGBVF_VMBMEM_WORDS),
				    reply, r->why, sizeof(r->why));
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
