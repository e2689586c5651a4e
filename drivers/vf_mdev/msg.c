// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: message rings, for VFs whose configuration travels through
 * queues in guest memory rather than a register mailbox (the X710's admin
 * queue: virtchnl messages in ATQ buffers, the PF's answers on the ARQ).
 *
 * A ring of direction VFM_RING_MSG_TX is a doorbell like any other, with
 * one more step per descriptor: before the device may see it, the core
 * copies its buffer out of guest memory and has the family read it
 * (msg_parse).  What the message does to rings (the only place some VFs
 * have ring addresses) is applied first: geometry, enable (the ring is
 * mapped: memory the VMM did not map refuses the message), disable.  Then
 * the descriptor alone is forwarded.  A message the family refuses never
 * reaches the device: the tail stops before it and the write fails, as
 * for a bad data descriptor, so the guest's request goes unanswered.
 *
 * Its configuration log changes wait for the PF's answer: each time the
 * guest reads the head of a VFM_RING_MSG_RX ring, the descriptors the
 * device wrote back since are shown to the family (msg_reply), and a
 * successful answer applies them.  One message is pending at a time
 * (virtchnl drivers wait for each answer); a newer one replaces it.
 *
 * As with data descriptors, a guest that rewrites a buffer after posting
 * it makes the PF read something the core did not: the device still
 * reaches only memory the core mapped.
 *
 * Locking: ring->msg -> ring->setup -> pc->lock -> ring->lock; mbx_lock
 * is taken alone.
 */
#include <linux/highmem.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfm.h"

/**
 * struct vfm_msg_pending - log changes waiting for the PF's answer
 * @id: what identifies the answer
 * @nlog: entries in @log
 * @log: the changes
 */
struct vfm_msg_pending {
	u32 id;
	unsigned int nlog;
	struct vfm_log_op log[];
};

/* Copy @len bytes of guest memory at @iova through the pin cache. */
static int vfm_msg_copy(struct vfm_dev *vd, u64 iova, u8 *dst, u32 len)
{
	while (len) {
		unsigned long pfn = iova >> PAGE_SHIFT;
		u32 off = iova & ~PAGE_MASK;
		u32 n = min_t(u32, len, PAGE_SIZE - off);
		struct vfm_pin *p;
		void *va;
		int ret;

		ret = vfm_pcache_fill(vd, pfn, 1);
		if (ret)
			return ret;
		/* A dma_unmap takes held pages too: not while we read. */
		mutex_lock(&vd->pc.lock);
		p = vfm_pcache_get(vd, pfn);
		if (!p) {
			mutex_unlock(&vd->pc.lock);
			return -ENOSPC;
		}
		va = kmap_local_page(p->page);
		memcpy(dst, va + off, n);
		kunmap_local(va);
		vfm_pcache_put_pfn(vd, pfn, false);
		mutex_unlock(&vd->pc.lock);
		dst += n;
		iova += n;
		len -= n;
	}
	return 0;
}

/* The message descriptor @desc posts, read by the family into @act. */
static int vfm_msg_read(struct vfm_dev *vd, struct vfm_ring *r,
			const u8 *desc, struct vfm_msg_action *act)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u8 *buf = NULL;
	u32 len = 0;
	int nt, ret;

	nt = fam->decode(&r->cfg, desc, t);
	if (nt < 0)
		return nt;
	nt &= ~VFM_DESC_MORE;
	if (nt > 1 || (nt && (t[0].len > VFM_MSG_MAX_BUF ||
			      t[0].iova + t[0].len - 1 < t[0].iova)))
		return -EINVAL;
	if (nt) {
		len = t[0].len;
		buf = kmalloc(len, GFP_KERNEL_ACCOUNT);
		if (!buf)
			return -ENOMEM;
		ret = vfm_msg_copy(vd, t[0].iova, buf, len);
		if (ret) {
			kfree(buf);
			return ret;
		}
	}
	memset(act, 0, sizeof(*act));
	fam->msg_parse(desc, buf, len, act);
	kfree(buf);
	if (act->err)
		vfm_err_rl(vd, "ring %u: message refused: %s: %pe\n",
			   (u32)(r - vd->rings), act->why ?: "", ERR_PTR(act->err));
	return act->err;
}

/* What the message does to the data rings, before the device sees it. */
static int vfm_msg_rings(struct vfm_dev *vd, const struct vfm_msg_action *act)
{
	const struct vfm_family *fam = vfm_fam(vd);
	unsigned int i;
	int ret;

	for (i = 0; i < act->nrings; i++) {
		u8 ring = act->rings[i].ring;

		if (ring >= fam->nr_rings || fam->ring_dir[ring] > VFM_RING_TX)
			return -EINVAL;
		ret = vfm_ring_configure(vd, ring, &act->rings[i].cfg);
		if (ret)
			return ret;
	}
	for (i = 0; i < fam->nr_rings; i++) {
		if (!((act->enable | act->disable) & BIT_ULL(i)))
			continue;
		if (fam->ring_dir[i] > VFM_RING_TX)
			return -EINVAL;
		ret = vfm_ring_set_enabled(vd, i, act->enable & BIT_ULL(i));
		if (ret)
			return ret;
	}
	return 0;
}

/* Keep the message's log changes until its answer; the last one wins. */
static int vfm_msg_pend(struct vfm_dev *vd, const struct vfm_msg_action *act)
{
	struct vfm_msg_pending *p = NULL, *old;

	if (act->nlog) {
		p = kmalloc(struct_size(p, log, act->nlog), GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
		p->id = act->id;
		p->nlog = act->nlog;
		memcpy(p->log, act->log, act->nlog * sizeof(p->log[0]));
	}
	spin_lock(&vd->mbx_lock);
	old = vd->msg_pending;
	vd->msg_pending = p;
	spin_unlock(&vd->mbx_lock);
	kfree(old);
	return 0;
}

/**
 * vfm_msg_doorbell - the guest posted messages up to @new_tail
 * @vd: device
 * @r: a VFM_RING_MSG_TX ring
 * @new_tail: the tail the guest wrote
 *
 * Each new descriptor is read, applied and forwarded in turn; the first
 * refused one stops the tail.  Returns 0 or a negative errno.
 */
int vfm_msg_doorbell(struct vfm_dev *vd, struct vfm_ring *r, u32 new_tail)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 dsize = fam->desc_size[r->cfg.dir], idx, next;
	u8 desc[VFM_MAX_DESC_SIZE];
	struct vfm_msg_action *act;
	int ret = 0;

	spin_lock(&r->lock);
	idx = r->mapped ? U32_MAX : r->tail;
	spin_unlock(&r->lock);
	/* Nothing posted on an unmapped ring (set-up writes 0): as any. */
	if (!fam->msg_parse || idx == new_tail)
		return vfm_ring_doorbell(vd, r, new_tail, true);
	act = kvmalloc(sizeof(*act), GFP_KERNEL_ACCOUNT);
	if (!act)
		return -ENOMEM;
	mutex_lock(&r->msg);
	mutex_lock(&r->setup);
	ret = vfm_ring_map(vd, r);
	mutex_unlock(&r->setup);
	for (;;) {
		if (ret)
			break;
		spin_lock(&r->lock);
		if (!r->mapped || new_tail >= r->nslots) {
			ret = r->mapped ? -EINVAL : -EFAULT;
			spin_unlock(&r->lock);
			break;
		}
		idx = r->tail;
		next = (idx + 1) % r->nslots;
		if (idx != new_tail)
			vfm_desc_read(r, idx, desc, dsize);
		spin_unlock(&r->lock);
		if (idx == new_tail)
			break;
		ret = vfm_msg_read(vd, r, desc, act);
		if (!ret)
			ret = vfm_msg_rings(vd, act);
		if (!ret)
			ret = vfm_msg_pend(vd, act);
		if (!ret)
			ret = vfm_ring_doorbell(vd, r, next, true);
		spin_lock(&r->lock);
		if (!ret && r->tail == idx)	/* held, not taken: stop here */
			ret = 1;
		spin_unlock(&r->lock);
	}
	if (ret > 0)
		ret = 0;
	mutex_unlock(&r->msg);
	kvfree(act);
	return ret;
}

/**
 * vfm_log_ops_apply - apply a message's changes to the configuration log
 * @m: mailbox state (under mbx_lock)
 * @op: the changes
 * @n: how many
 */
void vfm_log_ops_apply(struct vfm_mbx *m, const struct vfm_log_op *op,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vfm_mbx_action a = {
			.op = op[i].op, .key = op[i].key, .mask = op[i].mask,
			.record = op[i].op == VFM_MBX_RESET,
		};

		vfm_cfg_log_apply(m, &a, op[i].w, op[i].words);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_log_ops_apply);

/* A descriptor the device wrote back: is it the pending answer? */
static void vfm_msg_answer(struct vfm_dev *vd, const u8 *desc)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_msg_pending *p, *done = NULL;
	int st;

	spin_lock(&vd->mbx_lock);
	p = vd->msg_pending;
	st = p ? fam->msg_reply(desc, p->id) : -1;
	if (st >= 0) {
		if (st)
			vfm_log_ops_apply(&vd->mbx, p->log, p->nlog);
		done = p;
		vd->msg_pending = NULL;
	}
	spin_unlock(&vd->mbx_lock);
	kfree(done);
}

/**
 * vfm_msg_seen - the guest read the head of a VFM_RING_MSG_RX ring
 * @vd: device
 * @r: the ring
 * @head: the head it read: descriptors before it are written back
 */
void vfm_msg_seen(struct vfm_dev *vd, struct vfm_ring *r, u32 head)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 dsize = fam->desc_size[r->cfg.dir], n;
	u8 desc[VFM_MAX_DESC_SIZE];

	if (!fam->msg_reply)
		return;
	for (n = 0; n < VFM_MSG_MAX_LOG; n++) {
		spin_lock(&r->lock);
		if (!r->mapped || head >= r->nslots || r->msg_seen == head ||
		    r->msg_seen >= r->nslots) {
			spin_unlock(&r->lock);
			return;
		}
		vfm_desc_read(r, r->msg_seen, desc, dsize);
		r->msg_seen = (r->msg_seen + 1) % r->nslots;
		spin_unlock(&r->lock);
		vfm_msg_answer(vd, desc);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_msg_seen);

/* Forget a pending message (function reset, open, close). */
void vfm_msg_reset(struct vfm_dev *vd)
{
	struct vfm_msg_pending *p;

	spin_lock(&vd->mbx_lock);
	p = vd->msg_pending;
	vd->msg_pending = NULL;
	spin_unlock(&vd->mbx_lock);
	kfree(p);
}
