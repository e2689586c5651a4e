// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: BAR accesses that reach the core through read()/write().
 *
 * Pages the family traps are dispatched by register class; everything
 * else goes to the device as is (the VMM normally mmaps those pages and
 * never comes here).  The mailbox is passed through with two shadows: the
 * read-to-clear bits any read by the mediator consumed, handed to the
 * guest on its next read, and the message words the guest wrote, which
 * the family reads to keep the configuration log that migration replays.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "vfm.h"

/**
 * vfm_mbx_r2c_merge - account read-to-clear bits of a mailbox read
 * @shadow: bits consumed by the mediator that the guest has not seen
 * @hw: value the hardware returned (its read-to-clear bits are now clear)
 * @r2c_mask: the read-to-clear bits
 * @guest: the read is the guest's
 *
 * Returns what the reader sees.  The guest sees the hardware value plus
 * every event the mediator consumed since the guest's last read; the
 * mediator sees the same without clearing the shadow.  Pure.
 */
u32 vfm_mbx_r2c_merge(u32 *shadow, u32 hw, u32 r2c_mask, bool guest)
{
	u32 val = hw | *shadow;

	if (guest)
		*shadow = 0;
	else
		*shadow |= hw & r2c_mask;
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_mbx_r2c_merge);

static void vfm_cfg_log_del(struct vfm_mbx *m, unsigned int i)
{
	memmove(&m->log[i], &m->log[i + 1],
		(m->nlog - i - 1) * sizeof(m->log[0]));
	m->nlog--;
}

static void vfm_cfg_log_append(struct vfm_mbx *m, u32 key, const u32 *msg,
			       unsigned int words)
{
	struct vfm_cfg_rec *rec;

	if (m->nlog == VFM_CFG_LOG_MAX)
		vfm_cfg_log_del(m, 0);	/* bounded: the oldest goes */
	rec = &m->log[m->nlog++];
	rec->key = key;
	rec->words = words;
	memcpy(rec->msg, msg, words * sizeof(u32));
}

/**
 * vfm_cfg_log_apply - apply an acknowledged message to the configuration log
 * @m: mailbox state
 * @act: the family's reading of the message
 * @msg: the message
 * @words: its length in words
 *
 * Records keep the order the guest created them in, so that replaying them
 * rebuilds the same PF state.  Pure.
 */
void vfm_cfg_log_apply(struct vfm_mbx *m, const struct vfm_mbx_action *act,
		       const u32 *msg, unsigned int words)
{
	unsigned int i;

	words = min_t(unsigned int, words, VFM_MBX_MAX_WORDS);
	switch (act->op) {
	case VFM_MBX_RECORD:
		for (i = 0; i < m->nlog; i++) {
			if (m->log[i].key == act->key) {
				vfm_cfg_log_del(m, i);
				break;
			}
		}
		vfm_cfg_log_append(m, act->key, msg, words);
		break;
	case VFM_MBX_FORGET:
		for (i = 0; i < m->nlog; i++) {
			if (m->log[i].key == act->key) {
				vfm_cfg_log_del(m, i);
				break;
			}
		}
		break;
	case VFM_MBX_FORGET_CLASS:
		for (i = 0; i < m->nlog; ) {
			if ((m->log[i].key & act->mask) == (act->key & act->mask))
				vfm_cfg_log_del(m, i);
			else
				i++;
		}
		if (act->record)
			vfm_cfg_log_append(m, act->key, msg, words);
		break;
	case VFM_MBX_RESET:
		m->nlog = 0;
		if (act->record)
			vfm_cfg_log_append(m, act->key, msg, words);
		break;
	default:
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_cfg_log_apply);

/*
 * The PF's reply to the pending message is in the buffer (word 0 is
 * @word0): apply the message to the log if the PF took it; under
 * mbx_lock.  A kept reply is read from the buffer (no side effects).
 */
static void vfm_mbx_settle(struct vfm_dev *vd, u32 word0)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_mbx *m = &vd->mbx;
	struct vfm_cfg_rec *rec;
	unsigned int i;
	int st;

	if (!m->has_pending)
		return;
	st = fam->mbx_reply(word0, m->pending.id);
	if (st < 0)
		return;
	m->has_pending = false;
	if (!st)
		return;
	if (m->pending.key_reply)
		m->pending.key |= ioread32(vd->par->bar0 + vd->par->map.mbx_mem +
					   4) & 0xffff;
	vfm_cfg_log_apply(m, &m->pending, m->pending_msg, fam->mbx_words);
	if (!m->pending.keep_reply || !m->nlog)
		return;
	rec = &m->log[m->nlog - 1];
	if (rec->key != m->pending.key)
		return;
	rec->rwords = fam->mbx_words;
	for (i = 0; i < fam->mbx_words; i++)
		rec->reply[i] = ioread32(vd->par->bar0 + vd->par->map.mbx_mem +
					 4 * i);
}

/* Forget mailbox mediation state (function reset, open, close). */
void vfm_mbx_reset(struct vfm_dev *vd)
{
	spin_lock(&vd->mbx_lock);
	vd->mbx.r2c = 0;
	vd->mbx.has_pending = false;
	vd->mbx.in_flight = false;
	memset(vd->mbx.out, 0, sizeof(vd->mbx.out));
	vd->mbx.nlog = 0;
	spin_unlock(&vd->mbx_lock);
	vfm_msg_reset(vd);
}

/* A read of the mailbox control showed @val; under mbx_lock. */
static void vfm_mbx_seen(struct vfm_dev *vd, u32 val)
{
	if (val & vfm_fam(vd)->mbx_bits.pfsts)
		vd->mbx.in_flight = false;
}

/**
 * vfm_mbx_read_ctrl - the mediator reads the mailbox control register
 * @vd: device
 * @off: its BAR0 offset (found by classification at probe)
 *
 * Read-to-clear events the read consumes are kept for the guest.
 */
u32 vfm_mbx_read_ctrl(struct vfm_dev *vd, u32 off)
{
	u32 val;

	spin_lock(&vd->mbx_lock);
	val = vfm_mbx_r2c_merge(&vd->mbx.r2c, ioread32(vd->par->bar0 + off),
				vfm_fam(vd)->mbx_r2c, false);
	vfm_mbx_seen(vd, val);
	spin_unlock(&vd->mbx_lock);
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_mbx_read_ctrl);

/**
 * vfm_mbx_quiesce - the mailbox at a message boundary, for a snapshot
 * @vd: device (stopped: the guest does not run)
 * @mem: out: the mailbox buffer
 *
 * A message the guest sent and the PF has not answered yet is waited for
 * (bounded): its reply must be in the buffer the guest will read on the
 * destination, and its effect in the configuration log.  The events the
 * waiting consumes are kept for the guest, as for any mediator read.
 */
void vfm_mbx_quiesce(struct vfm_dev *vd, u32 *mem)
{
	const struct vfm_family *fam = vfm_fam(vd);
	int waited;
	u32 i;

	for (waited = 0; waited < 200; waited++) {
		spin_lock(&vd->mbx_lock);
		if (!vd->mbx.in_flight) {
			spin_unlock(&vd->mbx_lock);
			break;
		}
		spin_unlock(&vd->mbx_lock);
		vfm_mbx_read_ctrl(vd, vd->par->mbx_ctrl_off);
		usleep_range(1000, 1500);
	}
	spin_lock(&vd->mbx_lock);
	if (vd->mbx.in_flight)
		vfm_err_rl(vd, "the PF did not answer the guest's last mailbox message\n");
	for (i = 0; i < fam->mbx_words; i++)
		mem[i] = ioread32(vd->par->bar0 + vd->par->map.mbx_mem + 4 * i);
	vfm_mbx_settle(vd, mem[0]);
	spin_unlock(&vd->mbx_lock);
}

/**
 * vfm_mbx_restore - give the guest back its view of the mailbox
 * @vd: device (stopped; the mediator's own messages are done)
 * @r2c: events the guest had not seen
 * @mem: the buffer as the guest left it (or a reply it has not read)
 * @out: the words it wrote
 */
void vfm_mbx_restore(struct vfm_dev *vd, u32 r2c, const u32 *mem,
		     const u32 *out)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 i;

	spin_lock(&vd->mbx_lock);
	for (i = 0; i < fam->mbx_words; i++)
		iowrite32(mem[i], vd->par->bar0 + vd->par->map.mbx_mem + 4 * i);
	vd->mbx.r2c = r2c & fam->mbx_r2c;
	memcpy(vd->mbx.out, out, sizeof(vd->mbx.out));
	vd->mbx.has_pending = false;
	vd->mbx.in_flight = false;
	spin_unlock(&vd->mbx_lock);
}

/* Counter @i is half of a wider counter (the family's stat_hi). */
bool vfm_stat_paired(const struct vfm_family *fam, unsigned int i)
{
	return fam->stat_hi & (BIT(i) | BIT(i + 1));
}

/* The pair counter @i belongs to: its low and high counters. */
static void vfm_stat_pair(const struct vfm_family *fam, unsigned int i,
			  unsigned int *lo, unsigned int *hi)
{
	*lo = fam->stat_hi & BIT(i) ? i - 1 : i;
	*hi = *lo + 1;
}

/* A pair as the hardware has it, low word read first (as drivers do). */
static u64 vfm_stat_hw64(struct vfm_dev *vd, unsigned int lo, unsigned int hi)
{
	u32 l = ioread32(vd->par->bar0 + vd->par->map.stat[lo]);
	u32 h = ioread32(vd->par->bar0 + vd->par->map.stat[hi]);

	return (u64)h << 32 | l;
}

static u64 vfm_stat_mask(const struct vfm_family *fam)
{
	return GENMASK_ULL(31 + min_t(u8, fam->stat_hi_bits, 32), 0);
}

/**
 * vfm_stat_read - statistics counter @i as the guest sees it
 * @vd: device
 * @i: counter index (< family nr_stats)
 *
 * The hardware's value plus the base a migration left.  Halves of a wider
 * counter add as one number, with the carry, and wrap at its width.
 */
u32 vfm_stat_read(struct vfm_dev *vd, unsigned int i)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 *base = vd->mbx.stat_base;
	unsigned int lo, hi;
	u64 v;

	if (!vfm_stat_paired(fam, i))
		return ioread32(vd->par->bar0 + vd->par->map.stat[i]) +
		       READ_ONCE(base[i]);
	vfm_stat_pair(fam, i, &lo, &hi);
	v = vfm_stat_hw64(vd, lo, hi) +
	    ((u64)READ_ONCE(base[hi]) << 32 | READ_ONCE(base[lo]));
	v &= vfm_stat_mask(fam);
	return i == lo ? lower_32_bits(v) : upper_32_bits(v);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stat_read);

/**
 * vfm_stat_rebase - make counter @i read as @want[@i] from now on
 * @vd: device
 * @i: counter index
 * @want: the guest-visible counters (a pair takes both of its words)
 */
void vfm_stat_rebase(struct vfm_dev *vd, unsigned int i, const u32 *want)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 *base = vd->mbx.stat_base;
	unsigned int lo, hi;
	u64 b;

	if (!vfm_stat_paired(fam, i)) {
		WRITE_ONCE(base[i], want[i] -
			   ioread32(vd->par->bar0 + vd->par->map.stat[i]));
		return;
	}
	vfm_stat_pair(fam, i, &lo, &hi);
	if (i != lo)
		return;		/* done with its low word */
	b = (((u64)want[hi] << 32 | want[lo]) - vfm_stat_hw64(vd, lo, hi)) &
	    vfm_stat_mask(fam);
	WRITE_ONCE(base[lo], lower_32_bits(b));
	WRITE_ONCE(base[hi], upper_32_bits(b));
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stat_rebase);

VISIBLE_IF_KUNIT u32 vfm_trap_read(struct vfm_dev *vd, struct vfm_reg reg,
				   u32 off)
{
	const struct vfm_family *fam = vfm_fam(vd);
	void __iomem *addr = vd->par->bar0 + off;
	struct vfm_mbx *m = &vd->mbx;
	u32 val;

	switch (reg.cls) {
	case VFM_REG_DENY:
		return 0;
	case VFM_REG_MBX_CTRL:
		spin_lock(&vd->mbx_lock);
		val = vfm_mbx_r2c_merge(&m->r2c, ioread32(addr), fam->mbx_r2c,
					true);
		vfm_mbx_seen(vd, val);
		spin_unlock(&vd->mbx_lock);
		return val;
	case VFM_REG_MBX_MEM:
		val = ioread32(addr);
		if (reg.word)
			return val;
		/* Word 0 of the PF's reply says whether it took the message. */
		spin_lock(&vd->mbx_lock);
		vfm_mbx_settle(vd, val);
		spin_unlock(&vd->mbx_lock);
		return val;
	case VFM_REG_RING_HEAD:
		val = ioread32(addr);
		if (reg.ring >= fam->nr_rings)
			return val;
		/* A ring the device has rotated: the guest's index. */
		spin_lock(&vd->rings[reg.ring].lock);
		val = vfm_ring_guest_idx(&vd->rings[reg.ring], val);
		spin_unlock(&vd->rings[reg.ring].lock);
		if (fam->ring_dir[reg.ring] == VFM_RING_MSG_RX)
			vfm_msg_seen(vd, &vd->rings[reg.ring], val);
		return val;
	case VFM_REG_STAT:
		if (reg.word < fam->nr_stats && fam->stat_hi &&
		    vfm_stat_paired(fam, reg.word))
			return vfm_stat_read(vd, reg.word);
		val = ioread32(addr);
		if (reg.word < VFM_MAX_STATS)
			val += READ_ONCE(m->stat_base[reg.word]);
		return val;
	default:
		return ioread32(addr);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_trap_read);

VISIBLE_IF_KUNIT int vfm_trap_write(struct vfm_dev *vd, struct vfm_reg reg,
				    u32 off, u32 val)
{
	const struct vfm_family *fam = vfm_fam(vd);
	void __iomem *addr = vd->par->bar0 + off;
	struct vfm_mbx *m = &vd->mbx;

	switch (reg.cls) {
	case VFM_REG_DENY:
		return 0;
	case VFM_REG_RING_BASE_LO ... VFM_REG_RING_WB_HI:
		if (reg.ring >= fam->nr_rings)
			return -EINVAL;
		return vfm_ring_write(vd, reg, off, val);
	case VFM_REG_MBX_MEM:
		spin_lock(&vd->mbx_lock);
		if (reg.word < VFM_MBX_MAX_WORDS)
			m->out[reg.word] = val;
		iowrite32(val, addr);
		spin_unlock(&vd->mbx_lock);
		return 0;
	case VFM_REG_MBX_CTRL:
		spin_lock(&vd->mbx_lock);
		if (val & fam->mbx_req) {
			memset(&m->pending, 0, sizeof(m->pending));
			fam->mbx_parse(m->out, fam->mbx_words, &m->pending);
			memcpy(m->pending_msg, m->out, sizeof(m->pending_msg));
			m->has_pending = m->pending.op != VFM_MBX_IGNORE;
			m->in_flight = true;
		}
		iowrite32(val, addr);
		spin_unlock(&vd->mbx_lock);
		return 0;
	case VFM_REG_DEV_CTRL:
		if (fam->dev_reset(val)) {
			vfm_rings_reset(vd, false);
			vfm_mbx_reset(vd);
		}
		iowrite32(val, addr);
		return 0;
	default:
		iowrite32(val, addr);
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_trap_write);

static bool vfm_page_trapped(struct vfm_dev *vd, u32 off)
{
	u32 page = off >> VFM_PAGE_SHIFT;

	return page < 32 && (vfm_fam(vd)->trap_pages & BIT(page));
}

static ssize_t vfm_bar0_rw(struct vfm_dev *vd, char __user *buf, size_t count,
			   u32 off, bool write)
{
	struct vfm_reg reg;
	u32 val;
	int ret;

	if (!vfm_page_trapped(vd, off))
		return -EAGAIN;	/* plain pass-through */

	if (count != 4 || off & 3) {
		vfm_err_rl(vd, "trapped BAR0 access of %zu bytes at %#x refused\n",
			   count, off);
		return -EINVAL;
	}
	reg = vfm_fam(vd)->classify(off);
	if (write) {
		if (copy_from_user(&val, buf, 4))
			return -EFAULT;
		ret = vfm_trap_write(vd, reg, off, val);
		if (ret)
			return ret;
	} else {
		val = vfm_trap_read(vd, reg, off);
		if (copy_to_user(buf, &val, 4))
			return -EFAULT;
	}
	return 4;
}

/* Untrapped BAR space: naturally aligned 1, 2 or 4 byte accesses. */
static ssize_t vfm_bar_pass(void __iomem *io, char __user *buf, size_t count,
			    u32 off, bool write)
{
	u32 val = 0;

	if ((count != 1 && count != 2 && count != 4) || off & (count - 1))
		return -EINVAL;
	if (write) {
		if (copy_from_user(&val, buf, count))
			return -EFAULT;
		if (count == 1)
			iowrite8(val, io + off);
		else if (count == 2)
			iowrite16(val, io + off);
		else
			iowrite32(val, io + off);
	} else {
		if (count == 1)
			val = ioread8(io + off);
		else if (count == 2)
			val = ioread16(io + off);
		else
			val = ioread32(io + off);
		if (copy_to_user(buf, &val, count))
			return -EFAULT;
	}
	return count;
}

ssize_t vfm_bar_rw(struct vfm_dev *vd, int bar, char __user *buf,
		   size_t count, loff_t pos, bool write)
{
	struct vfm_parent *par = vd->par;
	u64 len = pci_resource_len(par->pdev, bar);
	ssize_t ret;

	if (!par->bars[bar] || pos < 0 || pos >= len || count > len - pos)
		return -EINVAL;

	if (bar == 0) {
		ret = vfm_bar0_rw(vd, buf, count, pos, write);
		if (ret != -EAGAIN)
			return ret;
	}
	if (write && bar == par->msix_bar && !vd->msi_isolated) {
		vfm_err_rl(vd, "MSI-X BAR write refused: MSI is not isolated\n");
		return -EPERM;
	}
	return vfm_bar_pass(par->bars[bar], buf, count, pos, write);
}
