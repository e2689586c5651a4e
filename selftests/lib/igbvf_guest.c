// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: igbvf guest driver in userspace.
 *
 * Facts used (not code): igbvf e1000_reset_hw_vf / mbx.c for the reset
 * and mailbox handshakes, igbvf_configure_{tx,rx}/igbvf_configure_msix for
 * the register sequences, QEMU igb_core.c for how the emulated device
 * answers (synchronous TX on TDT, DD written last, read-to-clear mailbox
 * bits, EIAC auto-clear, header write-back when TDWBAL bit 0 is set).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igbvf_guest.h"

#define IGBVF_MBX_POLL_US	100
#define IGBVF_RST_TIMEOUT_MS	2000

void igbvf_cfg_default(struct igbvf_cfg *c)
{
	const char *t = getenv("VFMDEV_MBX_TIMEOUT_MS");

	memset(c, 0, sizeof(*c));
	c->tx_count = 256;
	c->rx_count = 256;
	c->rx_buf_len = 2048;
	c->hdr_len = 0;
	c->rx_buf_off = 0;
	c->tx_buf_off = 0;
	c->tx_frag = 0;
	c->tx_head_wb = false;
	c->msix = true;
	c->itr = 0;
	c->max_frame = IGBVF_MAX_FRAME + 4 + 4;	/* + FCS + VLAN, as igbvf */
	c->mbx_timeout_ms = t ? atoi(t) : 5000;
}

const char *igbvf_mac_str(const __u8 mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int igbvf_rd(struct igbvf_guest *g, __u32 reg, __u32 *val)
{
	return vfm_bar_read32(g->dev, VFIO_PCI_BAR0_REGION_INDEX, reg, val);
}

int igbvf_wr(struct igbvf_guest *g, __u32 reg, __u32 val)
{
	return vfm_bar_write32(g->dev, VFIO_PCI_BAR0_REGION_INDEX, reg, val);
}

/* A CPU write to DMA memory, for whoever tracks them (a VMM's dirty log). */
static void igbvf_dirty(struct igbvf_guest *g, const void *p, size_t len)
{
	if (g->cpu_dirty)
		g->cpu_dirty(g->cpu_dirty_arg, p, len);
}

static unsigned int igbvf_tx_frag(const struct igbvf_guest *g)
{
	return g->cfg.tx_frag ? g->cfg.tx_frag : IGBVF_TX_BUF_LEN;
}

/* Mailbox ---------------------------------------------------------------- */

/* Read V2PMAILBOX keeping read-to-clear bits until they are consumed. */
static int igbvf_mbx_status(struct igbvf_guest *g, __u32 *val)
{
	__u32 v;
	int ret;

	ret = igbvf_rd(g, IGBVF_V2PMAILBOX, &v);
	if (ret)
		return ret;
	v |= g->mbx_cache;
	g->mbx_cache |= v & IGBVF_MBX_R2C;
	*val = v;
	return 0;
}

/* 1 if any of @mask is set (consuming the cached bits), 0 if not. */
static int igbvf_mbx_check(struct igbvf_guest *g, __u32 mask)
{
	__u32 v;
	int ret;

	ret = igbvf_mbx_status(g, &v);
	if (ret)
		return ret;
	g->mbx_cache &= ~mask;
	return !!(v & mask);
}

static int igbvf_mbx_poll(struct igbvf_guest *g, __u32 mask, const char *what)
{
	__u64 deadline = vfm_now_ns() +
			 (__u64)g->cfg.mbx_timeout_ms * 1000000ULL;
	int ret;

	for (;;) {
		ret = igbvf_mbx_check(g, mask);
		if (ret)
			return ret < 0 ? ret : 0;
		if (vfm_now_ns() > deadline)
			break;
		usleep(IGBVF_MBX_POLL_US);
	}
	vfm_err("%s: mailbox: timeout after %d ms waiting for %s",
		g->dev->name, g->cfg.mbx_timeout_ms, what);
	return -ETIMEDOUT;
}

static int igbvf_mbx_lock(struct igbvf_guest *g)
{
	int tries;
	__u32 v;
	int ret;

	for (tries = 0; tries < 100; tries++) {
		ret = igbvf_wr(g, IGBVF_V2PMAILBOX, IGBVF_MBX_VFU);
		if (ret)
			return ret;
		ret = igbvf_mbx_status(g, &v);
		if (ret)
			return ret;
		if (v & IGBVF_MBX_VFU)
			return 0;
		usleep(1000);
	}
	vfm_err("%s: mailbox: could not take VFU (PF holds the buffer)",
		g->dev->name);
	return -EBUSY;
}

int igbvf_mbx_write(struct igbvf_guest *g, const __u32 *msg, unsigned int n)
{
	unsigned int i;
	int ret;

	if (n > IGBVF_MBX_WORDS)
		return -EINVAL;
	ret = igbvf_mbx_lock(g);
	if (ret)
		return ret;
	/* drop stale acks and messages: the buffer is about to change */
	igbvf_mbx_check(g, IGBVF_MBX_PFACK);
	igbvf_mbx_check(g, IGBVF_MBX_PFSTS);
	for (i = 0; i < n; i++) {
		ret = igbvf_wr(g, IGBVF_VMBMEM + 4 * i, msg[i]);
		if (ret)
			return ret;
	}
	/* REQ without VFU: interrupt the PF and release the buffer */
	ret = igbvf_wr(g, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);
	if (ret)
		return ret;
	g->st.mbx_tx++;
	return igbvf_mbx_poll(g, IGBVF_MBX_PFACK, "PFACK");
}

int igbvf_mbx_read(struct igbvf_guest *g, __u32 *msg, unsigned int n)
{
	unsigned int i;
	int ret;

	if (n > IGBVF_MBX_WORDS)
		return -EINVAL;
	ret = igbvf_mbx_poll(g, IGBVF_MBX_PFSTS, "PFSTS (PF message)");
	if (ret)
		return ret;
	ret = igbvf_mbx_lock(g);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = igbvf_rd(g, IGBVF_VMBMEM + 4 * i, &msg[i]);
		if (ret)
			return ret;
	}
	/* ACK without VFU: acknowledge and release the buffer */
	ret = igbvf_wr(g, IGBVF_V2PMAILBOX, IGBVF_MBX_ACK);
	if (ret)
		return ret;
	g->st.mbx_rx++;
	return 0;
}

int igbvf_mbx_request(struct igbvf_guest *g, __u32 *msg, unsigned int n_out,
		      unsigned int n_in)
{
	__u32 type = msg[0] & 0xffff;
	__u32 ans[IGBVF_MBX_WORDS];
	int ret, tries;

	ret = igbvf_mbx_write(g, msg, n_out);
	if (ret)
		return ret;
	for (tries = 0; tries < 8; tries++) {
		memset(ans, 0, sizeof(ans));
		ret = igbvf_mbx_read(g, ans, n_in ? n_in : 1);
		if (ret)
			return ret;
		if ((ans[0] & 0xffff) == IGBVF_MSG_PF_CONTROL) {
			/* unsolicited ping (link change, PF reset): skip */
			g->st.mbx_ctrl++;
			continue;
		}
		if ((ans[0] & 0xffff) != type) {
			vfm_err("%s: mailbox: answer %#x to request %#x",
				g->dev->name, ans[0], msg[0]);
			return -EPROTO;
		}
		memcpy(msg, ans, (n_in ? n_in : 1) * sizeof(__u32));
		if (ans[0] & IGBVF_MSG_NACK)
			return -EPERM;
		if (!(ans[0] & IGBVF_MSG_ACK)) {
			vfm_err("%s: mailbox: answer %#x neither ACK nor NACK",
				g->dev->name, ans[0]);
			return -EPROTO;
		}
		return 0;
	}
	vfm_err("%s: mailbox: no answer to %#x among PF control messages",
		g->dev->name, msg[0]);
	return -EPROTO;
}

int igbvf_reset_hw(struct igbvf_guest *g)
{
	__u32 ctrl, msg[3] = { IGBVF_MSG_RESET };
	__u64 deadline;
	int ret;

	g->mbx_cache = 0;
	ret = igbvf_rd(g, IGBVF_CTRL, &ctrl);
	if (ret)
		return ret;
	ret = igbvf_wr(g, IGBVF_CTRL, ctrl | IGBVF_CTRL_RST);
	if (ret)
		return ret;
	/* we cannot talk to the PF while RSTI/RSTD are asserted */
	deadline = vfm_now_ns() + IGBVF_RST_TIMEOUT_MS * 1000000ULL;
	for (;;) {
		ret = igbvf_mbx_check(g, IGBVF_MBX_RSTI | IGBVF_MBX_RSTD);
		if (ret < 0)
			return ret;
		if (!ret)
			break;
		if (vfm_now_ns() > deadline) {
			vfm_err("%s: PF still resetting (RSTI set for %d ms): is the PF interface up?",
				g->dev->name, IGBVF_RST_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		usleep(100);
	}
	ret = igbvf_mbx_write(g, msg, 1);
	if (ret)
		return ret;
	usleep(10000);
	ret = igbvf_mbx_read(g, msg, 3);
	if (ret)
		return ret;
	switch (msg[0] & ~IGBVF_MSG_CTS) {
	case IGBVF_MSG_RESET | IGBVF_MSG_ACK:
		memcpy(g->pf_mac, &msg[1], 6);
		memcpy(g->mac, g->pf_mac, 6);
		g->pf_gave_mac = true;
		return 0;
	case IGBVF_MSG_RESET | IGBVF_MSG_NACK:
		memset(g->pf_mac, 0, 6);
		memset(g->mac, 0, 6);
		g->pf_gave_mac = false;
		return 0;
	default:
		vfm_err("%s: VF_RESET answered %#x", g->dev->name, msg[0]);
		return -EPROTO;
	}
}

int igbvf_set_mac(struct igbvf_guest *g, const __u8 mac[6])
{
	__u32 msg[3] = { IGBVF_MSG_SET_MAC };
	int ret;

	memcpy(&msg[1], mac, 6);
	ret = igbvf_mbx_request(g, msg, 3, 3);
	if (!ret)
		memcpy(g->mac, mac, 6);
	return ret;
}

int igbvf_set_multicast(struct igbvf_guest *g, const __u8 *mc,
			unsigned int n)
{
	__u32 msg[IGBVF_MBX_WORDS] = { 0 };
	__u16 *hash = (__u16 *)&msg[1];
	unsigned int i;

	if (n > 30)
		n = 30;
	msg[0] = IGBVF_MSG_SET_MULTICAST | (n << IGBVF_MSGINFO_SHIFT);
	/* 4096-bit MTA hash: 12 bits from the last two address bytes */
	for (i = 0; i < n; i++)
		hash[i] = ((mc[6 * i + 4] >> 4) |
			   ((__u16)mc[6 * i + 5] << 4)) & 0xfff;
	return igbvf_mbx_request(g, msg, IGBVF_MBX_WORDS, 1);
}

int igbvf_set_vlan(struct igbvf_guest *g, __u16 vid, bool add)
{
	__u32 msg[2] = { IGBVF_MSG_SET_VLAN, vid };

	if (add)
		msg[0] |= 1U << IGBVF_MSGINFO_SHIFT;
	return igbvf_mbx_request(g, msg, 2, 2);
}

int igbvf_set_lpe(struct igbvf_guest *g, __u16 max_frame)
{
	__u32 msg[2] = { IGBVF_MSG_SET_LPE, max_frame };

	return igbvf_mbx_request(g, msg, 2, 1);
}

/* Rings ------------------------------------------------------------------ */

static int igbvf_alloc_ring(struct igbvf_guest *g, struct igbvf_ring *r,
			    unsigned int count, unsigned int buf_len,
			    unsigned int buf_off, unsigned int hdr_len, __u32 base)
{
	memset(r, 0, sizeof(*r));
	r->count = count;
	r->buf_len = buf_len;
	r->buf_off = buf_off;
	r->base = base;
	r->desc = vfm_dma_alloc(g->dev, (__u64)count * 16, 0);
	if (!r->desc)
		return -errno;
	r->bufs = vfm_dma_alloc(g->dev, (__u64)count * buf_len + buf_off, 0);
	if (!r->bufs)
		return -errno;
	if (hdr_len) {
		r->hdrs = vfm_dma_alloc(g->dev, (__u64)count * hdr_len, 0);
		if (!r->hdrs)
			return -errno;
	}
	return 0;
}

static int igbvf_check_cfg(const struct igbvf_cfg *c)
{
	if (c->tx_count < 8 || c->tx_count % 8 || c->tx_count > 4096 ||
	    c->rx_count < 8 || c->rx_count % 8 || c->rx_count > 4096) {
		vfm_err("ring sizes %u/%u: need multiples of 8 in 8..4096",
			c->tx_count, c->rx_count);
		return -EINVAL;
	}
	if (!c->rx_buf_len || c->rx_buf_len % 1024 ||
	    c->rx_buf_len > 127 * 1024) {
		vfm_err("rx buffer %u: need a multiple of 1024",
			c->rx_buf_len);
		return -EINVAL;
	}
	if (c->hdr_len % 64 || c->hdr_len > 15 * 64) {
		vfm_err("header buffer %u: need a multiple of 64 up to 960",
			c->hdr_len);
		return -EINVAL;
	}
	if (c->rx_buf_off > IGBVF_BUF_OFF_MAX ||
	    c->tx_buf_off > IGBVF_BUF_OFF_MAX ||
	    c->tx_frag > IGBVF_TX_BUF_LEN || (c->tx_frag && c->tx_frag < 64)) {
		vfm_err("buffer offsets %u/%u (at most %u), TX fragment %u (64..%u)",
			c->rx_buf_off, c->tx_buf_off, IGBVF_BUF_OFF_MAX,
			c->tx_frag, IGBVF_TX_BUF_LEN);
		return -EINVAL;
	}
	return 0;
}

int igbvf_configure_tx(struct igbvf_guest *g)
{
	struct igbvf_ring *r = &g->tx;
	__u32 q = r->base, dctl;
	__u64 ba = r->desc->iova;
	int ret;

	ret = igbvf_rd(g, q + IGBVF_Q_DCTL, &dctl);
	if (ret)
		return ret;
	ret = igbvf_wr(g, q + IGBVF_Q_DCTL, dctl & ~IGBVF_DCTL_ENABLE);
	if (ret)
		return ret;
	ret = igbvf_wr(g, q + IGBVF_Q_LEN, r->count * 16);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_BAL, (__u32)ba);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_BAH, (__u32)(ba >> 32));
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_HEAD, 0);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_TAIL, 0);
	if (ret)
		return ret;
	if (g->cfg.tx_head_wb) {
		__u64 wb = g->hwb->iova;

		vfm_store32(g->hwb->vaddr, 0);
		igbvf_dirty(g, g->hwb->vaddr, 4);
		ret = igbvf_wr(g, q + IGBVF_Q_WBAH, (__u32)(wb >> 32));
		ret = ret ? : igbvf_wr(g, q + IGBVF_Q_WBAL, (__u32)wb | 1);
	} else {
		ret = igbvf_wr(g, q + IGBVF_Q_WBAL, 0);
		ret = ret ? : igbvf_wr(g, q + IGBVF_Q_WBAH, 0);
	}
	if (ret)
		return ret;
	r->next_to_use = 0;
	r->next_to_clean = 0;
	r->pending = 0;
	return igbvf_wr(g, q + IGBVF_Q_DCTL, dctl | IGBVF_DCTL_ENABLE);
}

static void igbvf_rx_arm(struct igbvf_guest *g, unsigned int i)
{
	struct igbvf_ring *r = &g->rx;
	union igbvf_rx_desc *d = (union igbvf_rx_desc *)r->desc->vaddr + i;

	d->read.pkt_addr = htole64(r->bufs->iova + r->buf_off +
				   (__u64)i * r->buf_len);
	d->read.hdr_addr = r->hdrs ?
		htole64(r->hdrs->iova + (__u64)i * g->cfg.hdr_len) : 0;
	igbvf_dirty(g, d, sizeof(*d));
}

int igbvf_configure_rx(struct igbvf_guest *g)
{
	struct igbvf_ring *r = &g->rx;
	__u32 q = r->base, dctl, srrctl;
	__u64 ba = r->desc->iova;
	unsigned int i;
	int ret;

	ret = igbvf_rd(g, q + IGBVF_Q_DCTL, &dctl);
	if (ret)
		return ret;
	ret = igbvf_wr(g, q + IGBVF_Q_DCTL, dctl & ~IGBVF_DCTL_ENABLE);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_BAL, (__u32)ba);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_BAH, (__u32)(ba >> 32));
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_LEN, r->count * 16);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_HEAD, 0);
	ret = ret ? : igbvf_wr(g, q + IGBVF_Q_TAIL, 0);
	if (ret)
		return ret;
	srrctl = IGBVF_SRRCTL_DROP_EN |
		 (r->buf_len >> IGBVF_SRRCTL_BSIZEPKT_SHIFT);
	if (g->cfg.hdr_len)
		srrctl |= IGBVF_SRRCTL_SPLIT_ALWAYS |
			  (g->cfg.hdr_len << IGBVF_SRRCTL_BSIZEHDR_SHIFT);
	else
		srrctl |= IGBVF_SRRCTL_ONEBUF;
	ret = igbvf_wr(g, q + IGBVF_Q_SRRCTL, srrctl);
	if (ret)
		return ret;
	memset(r->desc->vaddr, 0, r->desc->size);
	igbvf_dirty(g, r->desc->vaddr, r->desc->size);
	for (i = 0; i < r->count; i++)
		igbvf_rx_arm(g, i);
	dctl &= 0xfff00000;
	dctl |= IGBVF_DCTL_ENABLE | 16 | (8 << 8) | (1 << 16);
	ret = igbvf_wr(g, q + IGBVF_Q_DCTL, dctl);
	if (ret)
		return ret;
	/* every descriptor is armed; the device owns [RDH, RDT) */
	r->next_to_clean = 0;
	r->next_to_use = r->count - 1;
	return igbvf_wr(g, q + IGBVF_Q_TAIL, r->next_to_use);
}

int igbvf_configure_msix(struct igbvf_guest *g)
{
	__u32 ivar, dummy;
	int ret;

	ret = vfm_msix_enable(g->dev, IGBVF_NR_VECS);
	if (ret)
		return ret;
	/* RX queue 0 -> vector 1 (byte 0), TX queue 0 -> vector 0 (byte 1) */
	ivar = (IGBVF_VEC_RX | IGBVF_IVAR_VALID) |
	       ((IGBVF_VEC_TX | IGBVF_IVAR_VALID) << 8);
	ret = igbvf_wr(g, IGBVF_IVAR0, ivar);
	ret = ret ? : igbvf_wr(g, IGBVF_IVAR_MISC,
			       IGBVF_VEC_OTHER | IGBVF_IVAR_VALID);
	ret = ret ? : igbvf_wr(g, IGBVF_EITR(IGBVF_VEC_TX), g->cfg.itr);
	ret = ret ? : igbvf_wr(g, IGBVF_EITR(IGBVF_VEC_RX), g->cfg.itr);
	if (ret)
		return ret;
	g->eims = (1U << IGBVF_NR_VECS) - 1;
	ret = igbvf_rd(g, IGBVF_EICR, &dummy);	/* clear stale causes */
	ret = ret ? : igbvf_wr(g, IGBVF_EIAC, g->eims);
	ret = ret ? : igbvf_wr(g, IGBVF_EIAM, g->eims);
	ret = ret ? : igbvf_wr(g, IGBVF_EIMS, g->eims);
	return ret;
}

static int igbvf_handshake(struct igbvf_guest *g)
{
	struct vfm_dev *dev = g->dev;
	char mbuf[24];
	int ret;

	ret = igbvf_reset_hw(g);
	if (ret)
		return ret;
	if (g->cfg.set_mac) {
		ret = igbvf_set_mac(g, g->cfg.mac);
		if (ret) {
			vfm_err("%s: SET_MAC_ADDR %s: %s", dev->name,
				igbvf_mac_str(g->cfg.mac, mbuf, sizeof(mbuf)),
				strerror(-ret));
			return ret;
		}
	}
	if (g->cfg.max_frame) {
		ret = igbvf_set_lpe(g, g->cfg.max_frame);
		if (ret) {
			vfm_err("%s: SET_LPE %u: %s", dev->name,
				g->cfg.max_frame, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int igbvf_init(struct igbvf_guest *g, struct vfm_dev *dev,
	       const struct igbvf_cfg *cfg)
{
	char mbuf[24];
	int ret;

	memset(g, 0, sizeof(*g));
	g->dev = dev;
	if (cfg)
		g->cfg = *cfg;
	else
		igbvf_cfg_default(&g->cfg);
	if (g->cfg.mbx_timeout_ms <= 0)
		g->cfg.mbx_timeout_ms = 5000;
	ret = igbvf_check_cfg(&g->cfg);
	if (ret)
		return ret;
	ret = vfm_enable_bus_master(dev);
	if (ret)
		goto fail;
	ret = igbvf_handshake(g);
	if (ret == -ETIMEDOUT) {
		/*
		 * The PF resets its side (link change, PF reset) and then
		 * forgets a message in flight; igbvf recovers through its
		 * reset task, we start over once.
		 */
		vfm_err("%s: mailbox timed out: resetting again", dev->name);
		ret = igbvf_handshake(g);
	}
	if (ret)
		goto fail;
	ret = igbvf_alloc_ring(g, &g->tx, g->cfg.tx_count, IGBVF_TX_BUF_LEN,
			       g->cfg.tx_buf_off, 0, IGBVF_TXQ(0));
	if (ret)
		goto fail;
	g->tx.eop = calloc(g->cfg.tx_count, sizeof(*g->tx.eop));
	if (!g->tx.eop) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = igbvf_alloc_ring(g, &g->rx, g->cfg.rx_count, g->cfg.rx_buf_len,
			       g->cfg.rx_buf_off, g->cfg.hdr_len, IGBVF_RXQ(0));
	if (ret)
		goto fail;
	if (g->cfg.tx_head_wb) {
		g->hwb = vfm_dma_alloc(dev, 4096, 0);
		if (!g->hwb) {
			ret = -errno;
			goto fail;
		}
	}
	ret = igbvf_configure_tx(g);
	if (ret)
		goto fail;
	ret = igbvf_configure_rx(g);
	if (ret)
		goto fail;
	if (g->cfg.msix) {
		ret = igbvf_configure_msix(g);
		if (ret)
			goto fail;
	}
	g->up = true;
	vfm_info("%s: igbvf up, MAC %s (%s), rings %u/%u", dev->name,
		 igbvf_mac_str(g->mac, mbuf, sizeof(mbuf)),
		 g->pf_gave_mac ? "from PF" : "set by VF", g->cfg.tx_count,
		 g->cfg.rx_count);
	return 0;
fail:
	igbvf_fini(g);
	return ret;
}

void igbvf_fini(struct igbvf_guest *g)
{
	struct vfm_dev *d = g->dev;
	__u32 v;

	if (!d || d->device_fd < 0)
		return;
	/* best effort: the device may already refuse (hostile tests) */
	vfm_expect_errors(true);
	igbvf_wr(g, IGBVF_EIMC, ~0U);
	igbvf_wr(g, IGBVF_EIAC, 0);
	if (!igbvf_rd(g, IGBVF_TXQ(0) + IGBVF_Q_DCTL, &v))
		igbvf_wr(g, IGBVF_TXQ(0) + IGBVF_Q_DCTL,
			 v & ~IGBVF_DCTL_ENABLE);
	if (!igbvf_rd(g, IGBVF_RXQ(0) + IGBVF_Q_DCTL, &v))
		igbvf_wr(g, IGBVF_RXQ(0) + IGBVF_Q_DCTL,
			 v & ~IGBVF_DCTL_ENABLE);
	if (d->nr_msix)
		vfm_msix_disable(d);
	vfm_expect_errors(false);
	vfm_dma_free(d, g->tx.desc);
	vfm_dma_free(d, g->tx.bufs);
	vfm_dma_free(d, g->rx.desc);
	vfm_dma_free(d, g->rx.bufs);
	vfm_dma_free(d, g->rx.hdrs);
	vfm_dma_free(d, g->hwb);
	free(g->tx.eop);
	g->tx.eop = NULL;
	g->tx.desc = NULL;
	g->tx.bufs = NULL;
	g->rx.desc = NULL;
	g->rx.bufs = NULL;
	g->rx.hdrs = NULL;
	g->hwb = NULL;
	g->up = false;
}

/* The allocation of @to with the index @m has in @from's table. */
static struct vfm_dma *igbvf_dma_twin(struct vfm_dev *from,
				      struct vfm_dev *to, struct vfm_dma *m)
{
	struct vfm_dma *t;

	if (!m)
		return NULL;
	t = &to->dma[m - from->dma];
	if (!t->used || t->iova != m->iova || t->size != m->size)
		return NULL;
	return t;
}

int igbvf_move(struct igbvf_guest *g, struct vfm_dev *to)
{
	struct vfm_dev *from = g->dev;
	struct vfm_dma **p[] = {
		&g->tx.desc, &g->tx.bufs, &g->rx.desc, &g->rx.bufs,
		&g->rx.hdrs, &g->hwb,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		struct vfm_dma *t;

		if (!*p[i])
			continue;
		t = igbvf_dma_twin(from, to, *p[i]);
		if (!t) {
			vfm_err("%s: no twin of the DMA region at %#llx",
				to->name, (unsigned long long)(*p[i])->iova);
			return -ENOENT;
		}
		*p[i] = t;
	}
	g->dev = to;
	return 0;
}

int igbvf_link_up(struct igbvf_guest *g)
{
	__u32 st;
	int ret;

	ret = igbvf_rd(g, IGBVF_STATUS, &st);
	if (ret)
		return ret;
	return !!(st & IGBVF_STATUS_LU);
}

/* TX --------------------------------------------------------------------- */

int igbvf_tx_clean(struct igbvf_guest *g)
{
	struct igbvf_ring *r = &g->tx;
	union igbvf_tx_desc *ring = r->desc->vaddr;
	unsigned int head = 0;
	int done = 0;

	if (g->cfg.tx_head_wb) {
		head = le32toh(vfm_load32(g->hwb->vaddr));
		if (head >= r->count)
			return -EIO;
	}
	/* Frame by frame: the device reports only a frame's last descriptor. */
	while (r->pending) {
		unsigned int i = r->next_to_clean, e = r->eop[i], n, k;

		n = (e + r->count - i) % r->count + 1;
		if (g->cfg.tx_head_wb) {
			/* done when the head is past e */
			if ((head + r->count - i) % r->count < n)
				break;
		} else {
			__u32 st = le32toh(vfm_load32(&ring[e].wb.status));

			if (!(st & IGBVF_TXD_STAT_DD))
				break;
		}
		__sync_synchronize();
		for (k = 0; k < n; k++) {
			unsigned int j = (i + k) % r->count;

			memset(&ring[j], 0, sizeof(ring[j]));
			igbvf_dirty(g, &ring[j], sizeof(ring[j]));
		}
		r->next_to_clean = (e + 1) % r->count;
		r->pending -= n;
		done += n;
	}
	g->st.tx_done += done;
	return done;
}

int igbvf_tx_queue(struct igbvf_guest *g, const void *frame, size_t len)
{
	struct igbvf_ring *r = &g->tx;
	unsigned int frag = igbvf_tx_frag(g), n, k, first;
	const char *src = frame;

	if (!len || len > IGBVF_MAX_JUMBO)
		return -EINVAL;
	n = (len + frag - 1) / frag;
	if (n > r->count - 1)
		return -EINVAL;
	if (r->pending + n > r->count - 1) {
		igbvf_tx_clean(g);
		if (r->pending + n > r->count - 1) {
			g->st.tx_busy++;
			return -EBUSY;
		}
	}
	first = r->next_to_use;
	for (k = 0; k < n; k++) {
		unsigned int i = (first + k) % r->count;
		size_t off = (size_t)k * frag, piece = len - off;
		size_t slot = r->buf_off + (size_t)i * IGBVF_TX_BUF_LEN;
		union igbvf_tx_desc *d = (union igbvf_tx_desc *)r->desc->vaddr + i;
		__u32 cmd = IGBVF_TXD_DTYP_DATA | IGBVF_TXD_CMD_DEXT |
			    IGBVF_TXD_CMD_IFCS;

		if (piece > frag)
			piece = frag;
		else
			cmd |= IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS;
		memcpy((char *)r->bufs->vaddr + slot, src + off, piece);
		igbvf_dirty(g, (char *)r->bufs->vaddr + slot, piece);
		d->read.buffer_addr = htole64(r->bufs->iova + slot);
		d->read.olinfo_status = htole32((__u32)len <<
						IGBVF_TXD_PAYLEN_SHIFT);
		d->read.cmd_type_len = htole32(cmd | (__u32)piece);
		igbvf_dirty(g, d, sizeof(*d));
	}
	r->eop[first] = (first + n - 1) % r->count;
	r->next_to_use = (first + n) % r->count;
	r->pending += n;
	g->st.tx_frames++;
	g->st.tx_bytes += len;
	return 0;
}

int igbvf_tx_kick(struct igbvf_guest *g)
{
	int ret;

	__sync_synchronize();
	ret = igbvf_wr(g, g->tx.base + IGBVF_Q_TAIL, g->tx.next_to_use);
	if (ret)
		g->st.doorbell_errors++;
	return ret;
}

int igbvf_xmit(struct igbvf_guest *g, const void *frame, size_t len)
{
	int ret = igbvf_tx_queue(g, frame, len);

	return ret ? ret : igbvf_tx_kick(g);
}

/* RX --------------------------------------------------------------------- */

bool igbvf_rx_ready(struct igbvf_guest *g)
{
	union igbvf_rx_desc *d =
		(union igbvf_rx_desc *)g->rx.desc->vaddr + g->rx.next_to_clean;
	return le32toh(vfm_load32(&d->wb.status_error)) & IGBVF_RXD_STAT_DD;
}

int igbvf_rx(struct igbvf_guest *g, void *buf, size_t cap, size_t *len)
{
	struct igbvf_ring *r = &g->rx;
	size_t total = 0;
	bool bad = false, split = false;
	unsigned int used = 0;

	for (;;) {
		unsigned int i = (r->next_to_clean + used) % r->count;
		union igbvf_rx_desc *d =
			(union igbvf_rx_desc *)r->desc->vaddr + i;
		__u32 st = le32toh(vfm_load32(&d->wb.status_error));
		size_t plen, hlen = 0;

		if (!(st & IGBVF_RXD_STAT_DD)) {
			if (!used)
				return 0;
			/* partial multi-descriptor frame: wait for the rest */
			return 0;
		}
		__sync_synchronize();
		plen = le16toh(d->wb.length);
		if (g->cfg.hdr_len) {
			__u16 hi = le16toh(d->wb.hdr_info);

			hlen = (hi & IGBVF_RXD_HDRLEN_MASK) >>
			       IGBVF_RXD_HDRLEN_SHIFT;
			if (hlen > g->cfg.hdr_len)
				hlen = g->cfg.hdr_len;
			if (hlen)
				split = true;
		}
		if (plen > r->buf_len)
			bad = true;
		if (!bad && total + hlen + plen <= cap) {
			if (hlen)
				memcpy((char *)buf + total,
				       (char *)r->hdrs->vaddr +
				       (size_t)i * g->cfg.hdr_len, hlen);
			memcpy((char *)buf + total + hlen,
			       (char *)r->bufs->vaddr + r->buf_off +
			       (size_t)i * r->buf_len, plen);
		}
		total += hlen + plen;
		if (st & IGBVF_RXD_ERR_MASK)
			bad = true;
		used++;
		if (st & IGBVF_RXD_STAT_EOP)
			break;
		if (used >= r->count - 1) {
			bad = true;
			break;
		}
	}
	/* consume and re-arm the descriptors of this frame */
	while (used--) {
		igbvf_rx_arm(g, r->next_to_clean);
		r->next_to_clean = (r->next_to_clean + 1) % r->count;
	}
	*len = total;
	if (bad) {
		g->st.rx_errors++;
		return -EIO;
	}
	if (total > cap) {
		g->st.rx_errors++;
		return -EMSGSIZE;
	}
	g->st.rx_frames++;
	g->st.rx_bytes += total;
	if (split)
		g->st.rx_split++;
	return 1;
}

int igbvf_rx_refill(struct igbvf_guest *g)
{
	struct igbvf_ring *r = &g->rx;
	unsigned int tail = (r->next_to_clean + r->count - 1) % r->count;
	int ret;

	if (tail == r->next_to_use)
		return 0;
	__sync_synchronize();
	ret = igbvf_wr(g, r->base + IGBVF_Q_TAIL, tail);
	if (ret) {
		g->st.doorbell_errors++;
		return ret;
	}
	r->next_to_use = tail;
	return 0;
}

int igbvf_irq_service(struct igbvf_guest *g)
{
	unsigned int v;
	int ret = 0;

	if (!g->cfg.msix)
		return 0;
	for (v = 0; v < IGBVF_NR_VECS; v++) {
		long long n = vfm_eventfd_drain(g->dev->msix_fds[v]);

		if (n < 0)
			return (int)n;
		g->st.irqs[v] += n;
	}
	if (g->eims)
		ret = igbvf_wr(g, IGBVF_EIMS, g->eims);
	return ret;
}

int igbvf_rx_wait(struct igbvf_guest *g, int timeout_ms)
{
	__u64 deadline = vfm_now_ns() + (__u64)timeout_ms * 1000000ULL;
	long long n;
	int ret;

	if (igbvf_rx_ready(g))
		return 1;
	if (!g->cfg.msix) {
		while (vfm_now_ns() < deadline) {
			if (igbvf_rx_ready(g))
				return 1;
			usleep(20);
		}
		return igbvf_rx_ready(g);
	}
	for (;;) {
		__u64 now = vfm_now_ns();
		int left;

		if (now >= deadline)
			return igbvf_rx_ready(g);
		left = (int)((deadline - now + 999999) / 1000000);
		n = vfm_eventfd_wait(g->dev->msix_fds[IGBVF_VEC_RX], left);
		if (n < 0)
			return (int)n;
		if (n > 0) {
			g->st.irqs[IGBVF_VEC_RX] += n;
			/* re-enable the vector (no-op if not auto-masked) */
			ret = igbvf_wr(g, IGBVF_EIMS, 1U << IGBVF_VEC_RX);
			if (ret)
				return ret;
		}
		if (igbvf_rx_ready(g))
			return 1;
	}
}

int igbvf_read_hw_stats(struct igbvf_guest *g, struct igbvf_hw_stats *s)
{
	int ret;

	ret = igbvf_rd(g, IGBVF_VFGPRC, &s->gprc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGPTC, &s->gptc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGORC, &s->gorc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGOTC, &s->gotc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFMPRC, &s->mprc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGPRLBC, &s->gprlbc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGPTLBC, &s->gptlbc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGORLBC, &s->gorlbc);
	ret = ret ? : igbvf_rd(g, IGBVF_VFGOTLBC, &s->gotlbc);
	return ret;
}
