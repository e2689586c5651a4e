// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: the X710 VF's part of a migration.
 *
 * The VF's queues are enabled, disabled and placed by virtchnl messages
 * to the PF, which travel through the VF's one admin queue, which the
 * guest owns.  So the mediator speaks virtchnl itself, on the VF's own
 * admin queue, with a ring and buffers of its own (the port's memory, at
 * IOVAs in the mediator's window that no guest descriptor can name):
 *
 *  - stop (source): with the guest's tails held and its admin queue
 *    disabled by the core, DISABLE_QUEUES; then each RX ring's head is
 *    found from the descriptors' DD bits (the VF has no head register)
 *    and each TX ring is taken as drained up to its tail;
 *  - replay (destination, after a function reset): wait for the PF to
 *    finish the reset, VERSION and GET_VF_RESOURCES as the guest sent
 *    them (the PF must give the same VSI id: every message of the guest
 *    names it), REQUEST_QUEUES and the reset it causes, then
 *    CONFIG_VSI_QUEUES with every ring given rotated so that the queue
 *    context's head 0 is where the guest's ring stopped (restore.c),
 *    CONFIG_IRQ_MAP, the filters, RSS, promiscuous and VLAN settings in
 *    the order the guest set them, and ENABLE_QUEUES last; every answer
 *    must be success;
 *  - restart (a source whose migration was abandoned): CONFIG_VSI_QUEUES
 *    at the heads found at the stop, and ENABLE_QUEUES.
 *
 * Each session ends with the admin queue registers cleared; the core
 * then gives the guest its own admin queue back, rotated at the heads the
 * guest left (vfm_mig_ops.rotate_heads).  Saved registers: the interrupt
 * registers the guest writes directly.  The PF's statistics (GET_STATS)
 * are not virtualised (Documentation/i40e_mdev.rst says why).
 *
 * Facts from ../shared/reference/hardware.md (1B, 2.2, 2.3, 3.3) and
 * Linux's iavf_adminq.c and avf/virtchnl.h.  Proven by KUnit fixtures
 * only, against a model of the PF; no X710 has been used.
 */
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "i40e_mdev.h"

#define I40E_MQ_POLL_US		100
#define I40E_MQ_TIMEOUT_US	2000000
#define I40E_RESET_TIMEOUT_US	5000000
#define I40E_VFRES_VSI		20	/* virtchnl_vf_resource.vsi_res[0] */
#define I40E_VFRES_LEN		36
#define I40E_VSIRES_MAC		10	/* default_mac_addr in vsi_res */
#define I40E_PAGE		4096U

/* Device-written admin queue descriptor flags the mediator posts. */
#define I40E_MQ_ARQ_FLAGS	(I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_LB)

static u32 i40e_ring_disable(u32 ctrl)
{
	return ctrl & ~I40E_AQLEN_ENABLE;
}

/* Interrupt registers ----------------------------------------------- */

static u32 i40e_dev_reg(unsigned int i)
{
	if (i == I40E_REG_ICR0_ENA)
		return I40E_VFINT_ICR0_ENA1;
	if (i == I40E_REG_DYN_CTL01)
		return I40E_VFINT_DYN_CTL01;
	if (i < I40E_REG_DYN_CTLN)
		return I40E_VFINT_ITR01(i - I40E_REG_ITR01);
	if (i < I40E_REG_ITRN)
		return I40E_VFINT_DYN_CTLN1(i - I40E_REG_DYN_CTLN);
	i -= I40E_REG_ITRN;
	return I40E_VFINT_ITRN1(i / I40E_QUEUES, i % I40E_QUEUES);
}

static bool i40e_is_dyn(unsigned int i)
{
	return i == I40E_REG_DYN_CTL01 ||
	       (i >= I40E_REG_DYN_CTLN && i < I40E_REG_ITRN);
}

/**
 * i40e_dev_save - capture the interrupt registers, mask every vector
 * @p: port
 * @regs: out, I40E_NR_DEV_REGS words; of the dynamic controls only the
 *	interrupt enable and write-back-on-ITR bits are kept
 */
static void i40e_dev_save(struct vfm_port *p, u32 *regs)
{
	unsigned int i;

	for (i = 0; i < I40E_NR_DEV_REGS; i++) {
		regs[i] = p->rd(p, i40e_dev_reg(i));
		if (i40e_is_dyn(i))
			regs[i] &= I40E_DYN_KEEP;
	}
	for (i = 0; i < I40E_NR_DEV_REGS; i++)
		if (i40e_is_dyn(i))
			p->wr(p, i40e_dev_reg(i), I40E_DYN_ITR_NONE);
}

/**
 * i40e_dev_resume - interrupts on again
 * @p: port
 * @regs: what i40e_dev_save() captured
 * @restore: a destination: write the throttling and cause enables first,
 *	then raise each enabled vector once (a software interrupt)
 */
static void i40e_dev_resume(struct vfm_port *p, const u32 *regs, bool restore)
{
	unsigned int i;

	if (restore)
		for (i = 0; i < I40E_NR_DEV_REGS; i++)
			if (!i40e_is_dyn(i))
				p->wr(p, i40e_dev_reg(i), regs[i]);
	for (i = 0; i < I40E_NR_DEV_REGS; i++) {
		u32 v = regs[i] & I40E_DYN_KEEP;

		if (!i40e_is_dyn(i))
			continue;
		if (restore && (v & I40E_DYN_INTENA))
			v |= I40E_DYN_SWINT_TRIG;
		p->wr(p, i40e_dev_reg(i), v | I40E_DYN_ITR_NONE);
	}
}

/**
 * i40e_check_regs - registers from a stream, before any is written
 * @regs: I40E_NR_DEV_REGS words
 * @nvec: MSI-X vectors of this VF (vector 0 is the admin queue's)
 *
 * Only the kept bits of the dynamic controls, no enabled vector this VF
 * lacks, throttling intervals in range.  Returns 0 or -EINVAL.
 */
static int i40e_check_regs(const u32 *regs, unsigned int nvec)
{
	unsigned int i;

	for (i = 0; i < I40E_NR_DEV_REGS; i++) {
		if (i40e_is_dyn(i)) {
			if (regs[i] & ~I40E_DYN_KEEP)
				return -EINVAL;
			if (i >= I40E_REG_DYN_CTLN &&
			    i - I40E_REG_DYN_CTLN + 1 >= nvec &&
			    (regs[i] & I40E_DYN_INTENA))
				return -EINVAL;
		} else if (i != I40E_REG_ICR0_ENA && regs[i] > I40E_ITR_MAX) {
			return -EINVAL;
		}
	}
	return 0;
}

/* The configuration log ---------------------------------------------- */

static u32 i40e_rec_op(const struct vfm_cfg_rec *rec)
{
	return rec->msg[0];
}

/* Record @rec's payload bytes (words 1..), as vc.c stored them. */
static const u8 *i40e_rec_bytes(const struct vfm_cfg_rec *rec)
{
	return (const u8 *)&rec->msg[1];
}

/**
 * i40e_match - what a destination must share, from the configuration log
 * @log: the log
 * @n: entries
 * @m: out: the guest's MAC (its first unicast filter), the virtchnl
 *	version and capabilities it asked for, its VSI id, queue pairs
 */
static void i40e_match(const struct vfm_cfg_rec *log, unsigned int n,
		       struct vfm_match_info *m)
{
	bool mac = false;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		const struct vfm_cfg_rec *rec = &log[i];
		const u8 *b = i40e_rec_bytes(rec);

		switch (i40e_rec_op(rec)) {
		case VC_VERSION:
			if (rec->words >= 3)
				m->fam[I40E_FAM_VERSION] = rec->msg[1] << 16 |
							   (rec->msg[2] & 0xffff);
			break;
		case VC_GET_VF_RESOURCES:
			m->fam[I40E_FAM_CAPS] = rec->words >= 2 ? rec->msg[1] : 0;
			break;
		case VC_CONFIG_VSI_QUEUES:
			if (rec->words < 3)
				break;
			m->fam[I40E_FAM_VSI] = (rec->msg[1] & 0xffff) + 1;
			m->fam[I40E_FAM_QPAIRS] = max(m->fam[I40E_FAM_QPAIRS],
						      (rec->msg[2] & 0xffff) + 1);
			break;
		case VC_ADD_ETH_ADDR:
			if (rec->words < 4)
				break;
			if (!m->fam[I40E_FAM_VSI])
				m->fam[I40E_FAM_VSI] = (rec->msg[1] & 0xffff) + 1;
			if (!mac && is_valid_ether_addr(b + 4)) {
				ether_addr_copy(m->mac, b + 4);
				mac = true;
			}
			break;
		case VC_REQUEST_QUEUES:
			m->fam[I40E_FAM_REQ_QUEUES] = rec->msg[1] & 0xffff;
			break;
		}
	}
}

/* The mediator's admin queue ----------------------------------------- */

/**
 * struct i40e_mq - a session of the mediator's own on the VF's admin queue
 * @p: port
 * @mem: the port's memory
 * @iova: where the device sees it
 * @atq: next ATQ slot
 * @arq: next ARQ slot to look at
 * @r: the replay, for its reason
 * @buf: a message being built (I40E_AQ_BUF_MAX bytes)
 */
struct i40e_mq {
	struct vfm_port *p;
	u8 *mem;
	u64 iova;
	u32 atq;
	u32 arq;
	struct vfm_replay *r;
	u8 *buf;
};

static u8 *i40e_mq_page(struct i40e_mq *q, unsigned int page)
{
	return q->mem + page * I40E_PAGE;
}

static u64 i40e_mq_iova(struct i40e_mq *q, unsigned int page)
{
	return q->iova + page * I40E_PAGE;
}

/* An admin queue descriptor: the fields a send or a posted buffer sets. */
void i40e_aq_desc(u8 *d, u16 flags, u16 op, u16 len, u32 vc_op, u64 addr)
{
	memset(d, 0, I40E_AQ_DESC_SIZE);
	put_unaligned_le16(flags, d + I40E_AQD_FLAGS);
	put_unaligned_le16(op, d + I40E_AQD_OPCODE);
	put_unaligned_le16(len, d + I40E_AQD_DATALEN);
	put_unaligned_le32(vc_op, d + I40E_AQD_VC_OP);
	put_unaligned_le32(upper_32_bits(addr), d + I40E_AQD_ADDR_HI);
	put_unaligned_le32(lower_32_bits(addr), d + I40E_AQD_ADDR_LO);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_aq_desc);

/* ARQ slot @i holds buffer @i, ready for the device. */
static void i40e_mq_post(struct i40e_mq *q, u32 i)
{
	i40e_aq_desc(i40e_mq_page(q, I40E_MQ_ARQ) + i * I40E_AQ_DESC_SIZE,
		     I40E_MQ_ARQ_FLAGS, 0, I40E_AQ_BUF_MAX, 0,
		     i40e_mq_iova(q, I40E_MQ_ARQ_BUF + i));
}

/* Admin queue registers cleared: no queue, no base (the session ends). */
static void i40e_mq_clear(struct vfm_port *p)
{
	static const u32 regs[] = {
		I40E_ATQLEN, I40E_ARQLEN, I40E_ATQH, I40E_ATQT, I40E_ARQH,
		I40E_ARQT, I40E_ATQBAL, I40E_ATQBAH, I40E_ARQBAL, I40E_ARQBAH,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		p->wr(p, regs[i], 0);
}

/* Set the mediator's admin queue up, as iavf sets its own up. */
static int i40e_mq_open(struct i40e_mq *q, struct vfm_port *p,
			struct vfm_replay *r)
{
	u32 i;

	memset(q, 0, sizeof(*q));
	q->p = p;
	q->r = r;
	if (!p->mem || p->mem_len < I40E_PORT_PAGES * I40E_PAGE) {
		snprintf(r->why, sizeof(r->why), "no memory for the mediator's admin queue");
		return -ENOMEM;
	}
	q->mem = p->mem;
	q->iova = p->mem_iova;
	q->buf = kzalloc(I40E_AQ_BUF_MAX, GFP_KERNEL);
	if (!q->buf) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -ENOMEM;
	}
	memset(q->mem, 0, I40E_MQ_PAD * I40E_PAGE);
	for (i = 0; i < I40E_MQ_ENTRIES; i++)
		i40e_mq_post(q, i);
	i40e_mq_clear(p);
	p->wr(p, I40E_ATQLEN, I40E_MQ_ENTRIES | I40E_AQLEN_ENABLE);
	p->wr(p, I40E_ATQBAL, lower_32_bits(i40e_mq_iova(q, I40E_MQ_ATQ)));
	p->wr(p, I40E_ATQBAH, upper_32_bits(i40e_mq_iova(q, I40E_MQ_ATQ)));
	p->wr(p, I40E_ARQLEN, I40E_MQ_ENTRIES | I40E_AQLEN_ENABLE);
	p->wr(p, I40E_ARQBAL, lower_32_bits(i40e_mq_iova(q, I40E_MQ_ARQ)));
	p->wr(p, I40E_ARQBAH, upper_32_bits(i40e_mq_iova(q, I40E_MQ_ARQ)));
	p->wr(p, I40E_ARQT, I40E_MQ_ENTRIES - 1);
	return 0;
}

static void i40e_mq_close(struct i40e_mq *q)
{
	if (q->p)
		i40e_mq_clear(q->p);
	kfree(q->buf);
	q->buf = NULL;
}

/*
 * Wait for the PF's answer to @op on the mediator's ARQ; PF events on the
 * way are let go (the guest does not see them: a limit, documented).
 * Copies up to @cap bytes of it into @ans (and its length into @alen).
 */
static int i40e_mq_answer(struct i40e_mq *q, u32 op, u8 *ans, u32 cap,
			  u32 *alen)
{
	struct vfm_port *p = q->p;
	unsigned int waited;

	for (waited = 0; waited < I40E_MQ_TIMEOUT_US;) {
		u8 *d = i40e_mq_page(q, I40E_MQ_ARQ) + q->arq * I40E_AQ_DESC_SIZE;
		u32 head = p->rd(p, I40E_ARQH) & I40E_AQLEN_LEN, ret, len;
		u16 flags;
		int st;

		if (head == q->arq) {
			p->wait(p, I40E_MQ_POLL_US);
			waited += I40E_MQ_POLL_US;
			continue;
		}
		flags = get_unaligned_le16(d + I40E_AQD_FLAGS);
		st = i40e_vc_reply(d, op, &ret);
		len = min_t(u32, get_unaligned_le16(d + I40E_AQD_DATALEN),
			    I40E_AQ_BUF_MAX);
		if (st >= 0 && ans) {
			len = min(len, cap);
			memcpy(ans, i40e_mq_page(q, I40E_MQ_ARQ_BUF + q->arq), len);
			if (alen)
				*alen = len;
		}
		/* Given back to the device, as iavf does: the tail names it. */
		i40e_mq_post(q, q->arq);
		p->wr(p, I40E_ARQT, q->arq);
		q->arq = (q->arq + 1) % I40E_MQ_ENTRIES;
		if (st < 0)
			continue;
		if (!st) {
			snprintf(q->r->why, sizeof(q->r->why),
				 "the PF refused virtchnl op %u: status %d, flags %#x",
				 op, (int)ret, flags);
			return -EPERM;
		}
		return 0;
	}
	snprintf(q->r->why, sizeof(q->r->why), "no answer from the PF to virtchnl op %u",
		 op);
	return -ETIMEDOUT;
}

/* Send virtchnl @op with @len bytes at q->buf; wait for its answer. */
static int i40e_mq_send(struct i40e_mq *q, u32 op, u32 len, u8 *ans, u32 cap,
			u32 *alen)
{
	struct vfm_port *p = q->p;
	u8 *d = i40e_mq_page(q, I40E_MQ_ATQ) + q->atq * I40E_AQ_DESC_SIZE;
	u16 flags = I40E_AQ_FLAG_SI;
	unsigned int waited;

	if (len > I40E_AQ_BUF_MAX)
		return -EINVAL;
	if (len) {
		flags |= I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_RD |
			 (len > 512 ? I40E_AQ_FLAG_LB : 0);
		memcpy(i40e_mq_page(q, I40E_MQ_ATQ_BUF), q->buf, len);
	}
	i40e_aq_desc(d, flags, I40E_AQ_OP_SEND_TO_PF, len, op,
		     len ? i40e_mq_iova(q, I40E_MQ_ATQ_BUF) : 0);
	q->atq = (q->atq + 1) % I40E_MQ_ENTRIES;
	p->wr(p, I40E_ATQT, q->atq);
	/* The device took it when its head reaches the tail. */
	for (waited = 0; (p->rd(p, I40E_ATQH) & I40E_AQLEN_LEN) != q->atq;
	     waited += I40E_MQ_POLL_US) {
		if (waited >= I40E_MQ_TIMEOUT_US) {
			snprintf(q->r->why, sizeof(q->r->why),
				 "the admin queue did not take virtchnl op %u", op);
			return -ETIMEDOUT;
		}
		p->wait(p, I40E_MQ_POLL_US);
	}
	if (get_unaligned_le16(d + I40E_AQD_RETVAL) ||
	    get_unaligned_le16(d + I40E_AQD_FLAGS) & I40E_AQ_FLAG_ERR) {
		snprintf(q->r->why, sizeof(q->r->why),
			 "the admin queue refused virtchnl op %u: %u", op,
			 get_unaligned_le16(d + I40E_AQD_RETVAL));
		return -EIO;
	}
	return i40e_mq_answer(q, op, ans, cap, alen);
}

/* The PF finished the VF's reset (VFGEN_RSTAT says so). */
static int i40e_wait_reset(struct vfm_port *p, struct vfm_replay *r)
{
	unsigned int waited;
	u32 st;

	for (waited = 0; waited < I40E_RESET_TIMEOUT_US;
	     waited += 10 * I40E_MQ_POLL_US) {
		st = p->rd(p, I40E_VFGEN_RSTAT) & I40E_RSTAT_MASK;
		if (st == I40E_RSTAT_COMPLETED || st == I40E_RSTAT_VFACTIVE)
			return 0;
		p->wait(p, 10 * I40E_MQ_POLL_US);
	}
	snprintf(r->why, sizeof(r->why), "the PF did not finish the VF's reset");
	return -ETIMEDOUT;
}

/* Replay ---------------------------------------------------------------- */

static const struct vfm_cfg_rec *i40e_find(const struct vfm_replay *r, u32 op)
{
	unsigned int i;

	for (i = 0; i < r->nlog; i++)
		if (i40e_rec_op(&r->log[i]) == op)
			return &r->log[i];
	return NULL;
}

/* A record's payload into q->buf: @len bytes; -EINVAL when too short. */
static int i40e_rec_payload(struct i40e_mq *q, const struct vfm_cfg_rec *rec,
			    u32 len)
{
	if (rec->words < 1 + DIV_ROUND_UP(len, 4) ||
	    len > 4 * (VFM_MBX_MAX_WORDS - 1)) {
		snprintf(q->r->why, sizeof(q->r->why), "a record of op %u is too short",
			 i40e_rec_op(rec));
		return -EINVAL;
	}
	memcpy(q->buf, i40e_rec_bytes(rec), len);
	return 0;
}

/*
 * VERSION and GET_VF_RESOURCES as the guest sent them; the PF must give
 * the VSI the guest's messages name, and enough queue pairs.
 */
static int i40e_hello(struct i40e_mq *q)
{
	const struct vfm_replay *r = q->r;
	const struct vfm_cfg_rec *rec = i40e_find(r, VC_VERSION);
	const u32 *fam = r->want ? r->want->fam : NULL;
	u8 res[I40E_VFRES_LEN];
	u32 len = 0, vsi;
	int ret;

	if (rec) {
		ret = i40e_rec_payload(q, rec, 8);
	} else {
		put_unaligned_le32(1, q->buf);		/* 1.1 */
		put_unaligned_le32(1, q->buf + 4);
		ret = 0;
	}
	if (!ret)
		ret = i40e_mq_send(q, VC_VERSION, 8, NULL, 0, NULL);
	if (ret)
		return ret;
	rec = i40e_find(r, VC_GET_VF_RESOURCES);
	len = rec && rec->words >= 2 ? 4 : 0;
	if (len)
		put_unaligned_le32(rec->msg[1], q->buf);
	memset(res, 0, sizeof(res));
	ret = i40e_mq_send(q, VC_GET_VF_RESOURCES, len, res, sizeof(res), &len);
	if (ret)
		return ret;
	if (len < I40E_VFRES_LEN || !get_unaligned_le16(res)) {
		snprintf(q->r->why, sizeof(q->r->why), "the PF's resources answer is %u bytes",
			 len);
		return -EPROTO;
	}
	vsi = get_unaligned_le16(res + I40E_VFRES_VSI);
	ether_addr_copy(q->r->pf_mac, res + I40E_VFRES_VSI + I40E_VSIRES_MAC);
	if (fam && fam[I40E_FAM_VSI] && fam[I40E_FAM_VSI] != vsi + 1) {
		snprintf(q->r->why, sizeof(q->r->why),
			 "the PF gives VSI %u, the guest's messages name VSI %u",
			 vsi, fam[I40E_FAM_VSI] - 1);
		return -EXDEV;
	}
	if (fam && get_unaligned_le16(res + 2) < fam[I40E_FAM_QPAIRS] &&
	    !fam[I40E_FAM_REQ_QUEUES]) {
		snprintf(q->r->why, sizeof(q->r->why),
			 "the PF gives %u queue pairs, the guest uses %u",
			 get_unaligned_le16(res + 2), fam[I40E_FAM_QPAIRS]);
		return -EXDEV;
	}
	return 0;
}

/* REQUEST_QUEUES: the PF answers, then resets the VF; start again. */
static int i40e_request_queues(struct i40e_mq *q)
{
	const struct vfm_cfg_rec *rec = i40e_find(q->r, VC_REQUEST_QUEUES);
	struct vfm_port *p = q->p;
	struct vfm_replay *r = q->r;
	unsigned int waited;
	int ret;

	if (!rec)
		return 0;
	ret = i40e_rec_payload(q, rec, 2);
	if (!ret)
		ret = i40e_mq_send(q, VC_REQUEST_QUEUES, 2, NULL, 0, NULL);
	i40e_mq_close(q);
	if (ret)
		return ret;
	/* The reset starts (bounded: it may be over already). */
	for (waited = 0; waited < 100000 &&
	     (p->rd(p, I40E_VFGEN_RSTAT) & I40E_RSTAT_MASK) == I40E_RSTAT_VFACTIVE;
	     waited += 10 * I40E_MQ_POLL_US)
		p->wait(p, 10 * I40E_MQ_POLL_US);
	ret = i40e_wait_reset(p, r);
	if (!ret)
		ret = i40e_mq_open(q, p, r);
	if (!ret)
		ret = i40e_hello(q);
	return ret;
}

/* A padding frame for TX slots the device must pass over (restore.c). */
static void i40e_pad_frame(struct i40e_mq *q, const u8 *src)
{
	static const u8 pause_dst[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0, 0, 0x01 };
	u8 *f = i40e_mq_page(q, I40E_MQ_PAD);

	memset(f, 0, I40E_PAD_LEN);
	ether_addr_copy(f, pause_dst);
	ether_addr_copy(f + ETH_ALEN, src);
	put_unaligned_be16(0x8808, f + 12);	/* MAC control */
	put_unaligned_be16(0x0001, f + 14);	/* PAUSE, quanta 0 */
}

/*
 * Ring @ring of @count descriptors at @gbase: the base to give the PF.
 * An enabled ring stopped at a head other than 0 is given rotated, its
 * skipped slots completed or padded (restore.c); r->head says where the
 * core's scan picks it up.
 */
static int i40e_ring_base(struct i40e_mq *q, u8 ring, bool rx, u32 count,
			  u64 gbase, bool wb, u64 *base)
{
	struct vfm_port *p = q->p;
	struct vfm_replay *r = q->r;
	u8 desc[VFM_MAX_DESC_SIZE], d[VFM_MAX_DESC_SIZE];
	struct i40e_rplan pl;
	u32 i;
	int ret;

	*base = gbase;
	if (!(r->enabled & BIT_ULL(ring)))
		return 0;
	ret = i40e_restore_plan(rx, count, r->head[ring], r->tail[ring], &pl);
	if (ret) {
		snprintf(r->why, sizeof(r->why),
			 "ring %u stopped at slot %u with too few buffers posted (tail %u)",
			 ring, r->head[ring], r->tail[ring]);
		return ret;
	}
	if (wb && pl.rot) {
		snprintf(r->why, sizeof(r->why),
			 "ring %u: head write-back would report the device's index (rotated by %u)",
			 ring, pl.rot);
		return -EXDEV;
	}
	ret = p->ring_rotate(p, ring, pl.rot, base);
	if (ret) {
		snprintf(r->why, sizeof(r->why),
			 "ring %u cannot restart at slot %u (not whole pages, page-aligned?)",
			 ring, pl.rot);
		return ret;
	}
	for (i = 0; i < pl.nfix && !ret; i++) {
		u32 s = (pl.fix + i) % count;

		if (rx) {
			ret = p->desc_read(p, ring, s, desc);
			if (!ret)
				i40e_rx_drop_desc(desc, d);
		} else {
			i40e_tx_pad_desc(p->mem_iova + I40E_MQ_PAD * I40E_PAGE, d);
		}
		if (!ret)
			ret = p->desc_write(p, ring, s, d);
	}
	if (ret) {
		snprintf(r->why, sizeof(r->why), "ring %u: its slots cannot be written", ring);
		return ret;
	}
	r->head[ring] = pl.scan;
	return 0;
}

/* CONFIG_VSI_QUEUES from the per-pair records, rings placed for restart. */
static int i40e_replay_queues(struct i40e_mq *q)
{
	const struct vfm_replay *r = q->r;
	unsigned int i, n = 0;
	u16 vsi = 0;
	int ret;

	memset(q->buf, 0, I40E_AQ_BUF_MAX);
	for (i = 0; i < r->nlog; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];
		const u32 *w = rec->msg;
		u8 *pr = q->buf + VC_VSIQ_HDR + n * VC_QPAIR_SIZE, *rx = pr + VC_RXQ;
		u32 qid = w[2] & 0xffff, tx_n = w[3], rx_n = w[9];
		u64 tx_base = (u64)w[6] << 32 | w[5], rx_base = (u64)w[15] << 32 | w[14];
		u64 base;

		if (i40e_rec_op(rec) != VC_CONFIG_VSI_QUEUES)
			continue;
		if (rec->words < 16 || qid >= I40E_QUEUES || n >= I40E_QUEUES ||
		    tx_n > I40E_TX_RING_MAX || rx_n > I40E_RX_RING_MAX) {
			snprintf(q->r->why, sizeof(q->r->why), "a queue record is malformed");
			return -EINVAL;
		}
		vsi = w[1];
		put_unaligned_le16(vsi, pr);
		put_unaligned_le16(qid, pr + VC_TXQ_QID);
		put_unaligned_le16(tx_n, pr + VC_TXQ_RING_LEN);
		put_unaligned_le16(w[4], pr + VC_TXQ_HEADWB_EN);
		ret = tx_n ? i40e_ring_base(q, I40E_RING_TX(qid), false, tx_n,
					    tx_base, w[4], &base) : 0;
		if (ret)
			return ret;
		put_unaligned_le64(tx_n ? base : tx_base, pr + VC_TXQ_RING_ADDR);
		put_unaligned_le64((u64)w[8] << 32 | w[7], pr + VC_TXQ_HEADWB_ADDR);
		put_unaligned_le16(vsi, rx);
		put_unaligned_le16(qid, rx + VC_RXQ_QID);
		put_unaligned_le32(rx_n, rx + VC_RXQ_RING_LEN);
		put_unaligned_le16(w[10] & 0xffff, rx + VC_RXQ_HDR_SIZE);
		put_unaligned_le16(w[10] >> 16, rx + VC_RXQ_SPLIT_EN);
		put_unaligned_le32(w[11], rx + VC_RXQ_DBUF_SIZE);
		put_unaligned_le32(w[12], rx + VC_RXQ_MAX_PKT);
		rx[VC_RXQ_RXDID] = w[13] & 0xff;
		rx[VC_RXQ_RXDID - 1] = (w[13] >> 8) & 0xff;
		ret = rx_n ? i40e_ring_base(q, I40E_RING_RX(qid), true, rx_n,
					    rx_base, false, &base) : 0;
		if (ret)
			return ret;
		put_unaligned_le64(rx_n ? base : rx_base, rx + VC_RXQ_RING_ADDR);
		n++;
	}
	if (!n)
		return 0;
	put_unaligned_le16(vsi, q->buf);
	put_unaligned_le16(n, q->buf + 2);
	return i40e_mq_send(q, VC_CONFIG_VSI_QUEUES,
			    VC_VSIQ_HDR + n * VC_QPAIR_SIZE, NULL, 0, NULL);
}

/* The VSI id the log's messages name (0 without any). */
static u16 i40e_log_vsi(const struct vfm_replay *r)
{
	struct vfm_match_info m;

	i40e_match(r->log, r->nlog, &m);
	return m.fam[I40E_FAM_VSI] ? m.fam[I40E_FAM_VSI] - 1 : 0;
}

/* ENABLE_QUEUES or DISABLE_QUEUES of the rings in @rings. */
static int i40e_queues_op(struct i40e_mq *q, u32 op, u64 rings)
{
	u32 rx = 0, tx = 0, i;

	for (i = 0; i < I40E_QUEUES; i++) {
		rx |= rings & BIT_ULL(I40E_RING_RX(i)) ? BIT(i) : 0;
		tx |= rings & BIT_ULL(I40E_RING_TX(i)) ? BIT(i) : 0;
	}
	if (!rx && !tx)
		return 0;
	memset(q->buf, 0, VC_QSEL_SIZE);
	put_unaligned_le16(i40e_log_vsi(q->r), q->buf);
	put_unaligned_le32(rx, q->buf + VC_QSEL_RX);
	put_unaligned_le32(tx, q->buf + VC_QSEL_TX);
	return i40e_mq_send(q, op, VC_QSEL_SIZE, NULL, 0, NULL);
}

static int i40e_rec_short(struct i40e_mq *q, const struct vfm_cfg_rec *rec)
{
	snprintf(q->r->why, sizeof(q->r->why), "a record of op %u is too short",
		 i40e_rec_op(rec));
	return -EINVAL;
}

/*
 * CONFIG_RSS_KEY or CONFIG_RSS_LUT whole again from its chunk records
 * (vsi_id and length, then the bytes): its length, or 0 when a chunk is
 * missing or malformed.
 */
static u32 i40e_rss_message(struct i40e_mq *q, u32 op)
{
	const struct vfm_replay *r = q->r;
	u32 n = 0, have = 0, i, off, chunk;

	for (i = 0; i < r->nlog; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];

		if (i40e_rec_op(rec) != op || rec->words < 3)
			continue;
		off = rec->msg[2] & 0xffff;
		chunk = rec->msg[2] >> 16;
		if (!n) {
			n = rec->msg[1] >> 16;
			put_unaligned_le32(rec->msg[1], q->buf);
		}
		if (!chunk || chunk > 48 || off + chunk > n ||
		    n > (op == VC_CONFIG_RSS_KEY ? VC_RSS_KEY_MAX : VC_RSS_LUT_MAX) ||
		    rec->words < 3 + DIV_ROUND_UP(chunk, 4))
			return 0;
		memcpy(q->buf + VC_RSS_HDR + off, &rec->msg[3], chunk);
		have += chunk;
	}
	return n && have == n ? VC_RSS_HDR + n : 0;
}

/* One message rebuilt from one record (everything but the queues). */
static int i40e_replay_rec(struct i40e_mq *q, const struct vfm_cfg_rec *rec)
{
	u32 op = i40e_rec_op(rec), len;
	const u8 *b = i40e_rec_bytes(rec);
	int ret = 0;

	switch (op) {
	case VC_CONFIG_IRQ_MAP:
		/* One vector a record, one vector a message. */
		if (rec->words < 1 + VC_VECMAP_SIZE / 4)
			return i40e_rec_short(q, rec);
		put_unaligned_le16(1, q->buf);
		memcpy(q->buf + VC_IRQMAP_HDR, b, VC_VECMAP_SIZE);
		len = VC_IRQMAP_HDR + VC_VECMAP_SIZE;
		break;
	case VC_ADD_ETH_ADDR:
	case VC_ADD_VLAN:
		if (rec->words < (op == VC_ADD_VLAN ? 3 : 4))
			return i40e_rec_short(q, rec);
		put_unaligned_le16(rec->msg[1], q->buf);
		put_unaligned_le16(1, q->buf + 2);
		if (op == VC_ADD_VLAN) {
			put_unaligned_le16(rec->msg[2], q->buf + VC_VLAN_HDR);
			len = VC_VLAN_HDR + 2;
		} else {
			memcpy(q->buf + VC_ETHADDR_HDR, b + 4, VC_ETHADDR_SIZE);
			len = VC_ETHADDR_HDR + VC_ETHADDR_SIZE;
		}
		break;
	case VC_ADD_VLAN_V2:
		memset(q->buf, 0, VC_VLANV2_HDR + VC_VLANV2_SIZE);
		ret = i40e_rec_payload(q, rec, 16);
		if (!ret) {
			memmove(q->buf + VC_VLANV2_HDR, q->buf, 16);
			memset(q->buf, 0, VC_VLANV2_HDR);
			memset(q->buf + VC_VLANV2_HDR + 16, 0, 16);
			put_unaligned_le16(i40e_log_vsi(q->r), q->buf);
			put_unaligned_le16(1, q->buf + 2);
		}
		len = VC_VLANV2_HDR + VC_VLANV2_SIZE;
		break;
	case VC_CONFIG_RSS_KEY:
	case VC_CONFIG_RSS_LUT:
		/* Its chunks (48 bytes a record) go as one, with the first. */
		if (rec->words < 3)
			return i40e_rec_short(q, rec);
		if (rec->msg[2] & 0xffff)
			return 0;
		len = i40e_rss_message(q, op);
		if (!len) {
			snprintf(q->r->why, sizeof(q->r->why),
				 "RSS records of op %u are incomplete", op);
			return -EINVAL;
		}
		break;
	case VC_CONFIG_PROMISC:
		ret = i40e_rec_payload(q, rec, 4);
		len = 4;
		break;
	case VC_SET_RSS_HENA:
		ret = i40e_rec_payload(q, rec, 8);
		len = 8;
		break;
	case VC_ENABLE_VLAN_STRIP:
	case VC_DISABLE_VLAN_STRIP:
		len = 0;
		break;
	case VC_ENABLE_VLAN_STRIP_V2:
	case VC_DISABLE_VLAN_STRIP_V2:
	case VC_ENABLE_VLAN_INSERT_V2:
	case VC_DISABLE_VLAN_INSERT_V2:
		ret = i40e_rec_payload(q, rec, 16);
		len = 16;
		break;
	default:
		snprintf(q->r->why, sizeof(q->r->why), "a record of op %u cannot be replayed",
			 op);
		return -EINVAL;
	}
	if (ret)
		return ret;
	return i40e_mq_send(q, op, len, NULL, 0, NULL);
}

/* The PF-side configuration after the queues, in the guest's order. */
static int i40e_replay_rest(struct i40e_mq *q)
{
	const struct vfm_replay *r = q->r;
	const struct vfm_cfg_rec *en;
	unsigned int i;
	int ret;

	for (i = 0; i < r->nlog; i++) {
		switch (i40e_rec_op(&r->log[i])) {
		case VC_VERSION:
		case VC_RESET_VF:
		case VC_GET_VF_RESOURCES:
		case VC_REQUEST_QUEUES:
		case VC_CONFIG_VSI_QUEUES:
		case VC_ENABLE_QUEUES:
			continue;
		}
		ret = i40e_replay_rec(q, &r->log[i]);
		if (ret)
			return ret;
	}
	en = i40e_find(r, VC_ENABLE_QUEUES);
	return en ? i40e_queues_op(q, VC_ENABLE_QUEUES, r->enabled) : 0;
}

/**
 * i40e_replay - rebuild the guest's PF-side configuration on this VF
 * @p: port on a VF that just had a function reset (or, with
 *	@r->restart, the source's VF whose queues i40e_stop() stopped)
 * @r: what to replay; @r->pf_mac, @r->head and @r->why are filled in
 *
 * Returns 0 or a negative errno, @r->why saying what failed.  The admin
 * queue registers are left cleared for the core to give the guest's back.
 */
static int i40e_replay(struct vfm_port *p, struct vfm_replay *r)
{
	struct i40e_mq q;
	int ret;

	if (!r->restart) {
		ret = i40e_wait_reset(p, r);
		if (ret)
			return ret;
	}
	ret = i40e_mq_open(&q, p, r);
	if (ret)
		return ret;
	if (r->restart) {
		struct vfm_match_info m;

		i40e_match(r->log, r->nlog, &m);
		i40e_pad_frame(&q, m.mac);
		ret = i40e_replay_queues(&q);
		if (!ret)
			ret = i40e_queues_op(&q, VC_ENABLE_QUEUES, r->enabled);
		goto out_close;
	}
	ret = i40e_hello(&q);
	if (!ret)
		ret = i40e_request_queues(&q);
	if (ret || r->probe)
		goto out_close;
	i40e_pad_frame(&q, r->want && is_valid_ether_addr(r->want->mac) ?
		       r->want->mac : r->pf_mac);
	ret = i40e_replay_queues(&q);
	if (!ret)
		ret = i40e_replay_rest(&q);
out_close:
	i40e_mq_close(&q);
	return ret;
}

/* Where each stopped RX ring's device head is, from its descriptors. */
static int i40e_find_heads(struct vfm_port *p, struct vfm_replay *r)
{
	unsigned int i, q;
	u8 *descs = NULL;
	int ret = 0;

	for (i = 0; i < r->nlog && !ret; i++) {
		const struct vfm_cfg_rec *rec = &r->log[i];
		u32 count, s;
		u8 ring;
		int h;

		if (i40e_rec_op(rec) != VC_CONFIG_VSI_QUEUES || rec->words < 16)
			continue;
		q = rec->msg[2] & 0xffff;
		count = rec->msg[9];
		if (q >= I40E_QUEUES || !count || count > I40E_RX_RING_MAX)
			continue;
		ring = I40E_RING_RX(q);
		if (!(r->enabled & BIT_ULL(ring)))
			continue;
		kvfree(descs);
		descs = kvmalloc_array(count, I40E_RX_DESC_SIZE, GFP_KERNEL);
		if (!descs)
			return -ENOMEM;
		for (s = 0; s < count && !ret; s++)
			ret = p->desc_read(p, ring, s,
					   descs + s * I40E_RX_DESC_SIZE);
		h = ret ? ret : i40e_rx_head(descs, count, r->tail[ring]);
		if (h < 0) {
			snprintf(r->why, sizeof(r->why),
				 "RX ring %u: its descriptors cannot be read", q);
			ret = h;
			break;
		}
		r->head[ring] = h;
	}
	kvfree(descs);
	return ret;
}

/**
 * i40e_stop - stop the queues (source), find the RX heads
 * @p: port
 * @r: @r->enabled the rings to stop, @r->tail their tails; out:
 *	@r->head (RX: from the descriptors; TX: drained, its tail)
 *
 * The guest's admin queue is disabled (the core did it): DISABLE_QUEUES
 * goes through the mediator's own, which is cleared again after.
 */
static int i40e_stop(struct vfm_port *p, struct vfm_replay *r)
{
	struct i40e_mq q;
	unsigned int i;
	int ret;

	ret = i40e_mq_open(&q, p, r);
	if (ret)
		return ret;
	ret = i40e_queues_op(&q, VC_DISABLE_QUEUES, r->enabled);
	i40e_mq_close(&q);
	if (ret)
		return ret;
	for (i = 0; i < I40E_QUEUES; i++)
		r->head[I40E_RING_TX(i)] = r->tail[I40E_RING_TX(i)];
	return i40e_find_heads(p, r);
}

const struct vfm_mig_ops i40e_mig_ops = {
	/* the interrupt registers */
	.dev_regs = I40E_NR_DEV_REGS, .dev_save = i40e_dev_save,
	.dev_resume = i40e_dev_resume, .check_regs = i40e_check_regs,
	/* the admin queue: disabled, then given back rotated at its heads */
	.ring_disable = i40e_ring_disable, .rotate_heads = true,
	/* the PF side, through the mediator's own admin queue */
	.match = i40e_match, .replay = i40e_replay, .stop = i40e_stop,
};
EXPORT_SYMBOL_IF_KUNIT(i40e_mig_ops);
