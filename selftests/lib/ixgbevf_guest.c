// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: an ixgbevf "guest driver" in userspace, for the
 * hardware suite (82599, X540, X550 VFs; none in the QEMU rig, so this
 * ran only as far as its SKIP there: unproven on hardware).
 *
 * As Linux's ixgbevf: VFCTRL.RST, wait while the PF resets, VF_RESET over
 * the mailbox (the PF answers with the MAC address), API negotiation
 * (1.4 down to 1.0), then queue 0: advanced one-buffer RX descriptors of
 * 2 KiB, advanced TX data descriptors with DD write-back.  Polling only.
 * Offsets from hardware.md 1A (Linux's ixgbevf regs.h, mbx.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw_guest.h"

#define XV_VFCTRL	0x0000
#define XV_CTRL_RST	BIT(26)
#define XV_VTEIMC	0x010c
#define XV_MBMEM	0x0200
#define XV_MAILBOX	0x02fc
#define XV_RXQ		0x1000
#define XV_TXQ		0x2000
#define XV_BAL		0x00
#define XV_BAH		0x04
#define XV_LEN		0x08
#define XV_HEAD		0x10
#define XV_SRRCTL	0x14
#define XV_TAIL		0x18
#define XV_DCTL		0x28
#define XV_ENABLE	BIT(25)
#define XV_SRRCTL_ONEBUF_2K	(0x02000000U | 2)

#define XV_MBX_REQ	0x01
#define XV_MBX_ACK	0x02
#define XV_MBX_VFU	0x04
#define XV_MBX_PFSTS	0x10
#define XV_MBX_PFACK	0x20
#define XV_MBX_RSTI	0x40
#define XV_MBX_RSTD	0x80
#define XV_MBX_R2C	(XV_MBX_PFSTS | XV_MBX_PFACK | XV_MBX_RSTD)
#define XV_MSG_ACK	0x80000000U
#define XV_MSG_NACK	0x40000000U
#define XV_MSG_RESET	0x01
#define XV_MSG_API	0x08
#define XV_MSG_CTRL	0x0100
#define XV_API_14	5	/* enum ixgbe_pfvf_api_rev: 1.0=0 ... 1.4=5 */

#define XV_COUNT	64
#define XV_BUF		2048
#define XV_TIMEOUT_MS	2000

#define XV_TXD_DATA	(0x00300000U | 0x20000000U)	/* DTYP 3, DEXT */
#define XV_TXD_EOP_IFCS_RS	(0x01000000U | 0x02000000U | 0x08000000U)

struct xv_guest {
	struct vfm_hw_guest g;
	__u32 mbx_cache;
	struct vfm_dma *rxd, *txd, *rxb, *txb;
	unsigned int rx_next, tx_next;
};

static struct xv_guest *xv(struct vfm_hw_guest *g)
{
	return (struct xv_guest *)g;
}

static int xv_mbx_bits(struct xv_guest *x, __u32 mask)
{
	__u32 v;
	int ret = vfm_hw_rd(&x->g, XV_MAILBOX, &v);

	if (ret)
		return ret;
	x->mbx_cache |= v & XV_MBX_R2C;
	v |= x->mbx_cache;
	x->mbx_cache &= ~mask;
	return !!(v & mask);
}

static int xv_mbx_wait(struct xv_guest *x, __u32 mask)
{
	__u64 end = vfm_now_ns() + XV_TIMEOUT_MS * 1000000ULL;
	int ret;

	while (!(ret = xv_mbx_bits(x, mask))) {
		if (vfm_now_ns() > end)
			return -ETIMEDOUT;
		usleep(100);
	}
	return ret < 0 ? ret : 0;
}

/* Send @n words, take the answer (PF control messages skipped). */
static int xv_request(struct xv_guest *x, __u32 *msg, unsigned int n)
{
	__u32 id = msg[0] & 0xffff, v;
	unsigned int i, tries;
	int ret;

	ret = vfm_hw_wr(&x->g, XV_MAILBOX, XV_MBX_VFU);
	if (!ret)
		ret = vfm_hw_rd(&x->g, XV_MAILBOX, &v);
	if (ret)
		return ret;
	x->mbx_cache |= v & XV_MBX_R2C;
	x->mbx_cache &= ~(XV_MBX_PFACK | XV_MBX_PFSTS);
	for (i = 0; i < n && !ret; i++)
		ret = vfm_hw_wr(&x->g, XV_MBMEM + 4 * i, msg[i]);
	if (!ret)
		ret = vfm_hw_wr(&x->g, XV_MAILBOX, XV_MBX_REQ);
	if (!ret)
		ret = xv_mbx_wait(x, XV_MBX_PFACK);
	for (tries = 0; !ret && tries < 8; tries++) {
		ret = xv_mbx_wait(x, XV_MBX_PFSTS);
		for (i = 0; !ret && i < 16; i++)
			ret = vfm_hw_rd(&x->g, XV_MBMEM + 4 * i, &msg[i]);
		if (!ret)
			ret = vfm_hw_wr(&x->g, XV_MAILBOX, XV_MBX_ACK);
		if (!ret && (msg[0] & 0xffff) != XV_MSG_CTRL)
			break;
	}
	if (ret)
		return ret;
	if ((msg[0] & 0xffff) != id)
		return -EPROTO;
	return msg[0] & XV_MSG_ACK ? 0 : -EPERM;
}

static int xv_reset(struct xv_guest *x)
{
	__u32 msg[16] = { XV_MSG_RESET }, v;
	__u64 end = vfm_now_ns() + XV_TIMEOUT_MS * 1000000ULL;
	int ret, api;

	ret = vfm_hw_wr(&x->g, XV_VFCTRL, XV_CTRL_RST);
	while (!ret) {
		usleep(1000);
		ret = vfm_hw_rd(&x->g, XV_MAILBOX, &v);
		x->mbx_cache |= v & XV_MBX_R2C;
		if (!(v & XV_MBX_RSTI))
			break;
		if (vfm_now_ns() > end)
			return -ETIMEDOUT;
	}
	if (!ret)
		ret = xv_request(x, msg, 1);
	if (ret && ret != -EPERM)	/* a NACK: the PF has no MAC for us */
		return ret;
	if (!ret)
		memcpy(x->g.mac, &msg[1], 6);
	for (api = XV_API_14; api >= 0; api--) {
		if (api == 1)		/* 2.0 is Solaris's */
			continue;
		memset(msg, 0, sizeof(msg));
		msg[0] = XV_MSG_API;
		msg[1] = api;
		ret = xv_request(x, msg, 3);
		if (ret != -EPERM)
			return ret;
	}
	return ret;
}

static int xv_rx_post(struct xv_guest *x, unsigned int i)
{
	__le64 *d = (__le64 *)x->rxd->vaddr + 2 * i;

	d[0] = x->rxb->iova + (__u64)i * XV_BUF;
	d[1] = 0;
	return 0;
}

static int xv_init(struct vfm_hw_guest *g, struct vfm_dev *d)
{
	struct xv_guest *x = xv(g);
	unsigned int i;
	int ret;

	g->dev = d;
	ret = vfm_enable_bus_master(d);
	if (!ret)
		ret = xv_reset(x);
	if (!ret)
		ret = vfm_hw_wr(g, XV_VTEIMC, 7);
	if (ret)
		return ret;
	x->rxd = vfm_dma_alloc(d, XV_COUNT * 16, 0);
	x->txd = vfm_dma_alloc(d, XV_COUNT * 16, 0);
	x->rxb = vfm_dma_alloc(d, XV_COUNT * XV_BUF, 0);
	x->txb = vfm_dma_alloc(d, XV_COUNT * XV_BUF, 0);
	if (!x->rxd || !x->txd || !x->rxb || !x->txb)
		return -ENOMEM;
	for (i = 0; i < XV_COUNT; i++)
		xv_rx_post(x, i);
	ret = vfm_hw_wr(g, XV_RXQ + XV_BAL, (__u32)x->rxd->iova) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_BAH, x->rxd->iova >> 32) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_LEN, XV_COUNT * 16) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_SRRCTL, XV_SRRCTL_ONEBUF_2K) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_HEAD, 0) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_TAIL, 0) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_DCTL, XV_ENABLE) ?:
	      vfm_hw_wr(g, XV_RXQ + XV_TAIL, XV_COUNT - 1) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_BAL, (__u32)x->txd->iova) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_BAH, x->txd->iova >> 32) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_LEN, XV_COUNT * 16) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_HEAD, 0) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_TAIL, 0) ?:
	      vfm_hw_wr(g, XV_TXQ + XV_DCTL, XV_ENABLE);
	x->rx_next = 0;
	x->tx_next = 0;
	return ret;
}

static void xv_fini(struct vfm_hw_guest *g)
{
	struct xv_guest *x = xv(g);

	if (!g->dev)
		return;
	vfm_hw_wr(g, XV_RXQ + XV_DCTL, 0);
	vfm_hw_wr(g, XV_TXQ + XV_DCTL, 0);
	vfm_hw_wr(g, XV_VFCTRL, XV_CTRL_RST);
	if (x->rxd)
		vfm_dma_free(g->dev, x->rxd);
	if (x->txd)
		vfm_dma_free(g->dev, x->txd);
	if (x->rxb)
		vfm_dma_free(g->dev, x->rxb);
	if (x->txb)
		vfm_dma_free(g->dev, x->txb);
	memset(x, 0, sizeof(*x));
}

static int xv_xmit(struct vfm_hw_guest *g, const void *frame, size_t len)
{
	struct xv_guest *x = xv(g);
	unsigned int i = x->tx_next;
	__le32 *d = (__le32 *)x->txd->vaddr + 4 * i;
	__u64 end = vfm_now_ns() + XV_TIMEOUT_MS * 1000000ULL;
	__u64 buf = x->txb->iova + (__u64)i * XV_BUF;
	int ret;

	if (len > XV_BUF)
		return -EMSGSIZE;
	memcpy((char *)x->txb->vaddr + (size_t)i * XV_BUF, frame, len);
	d[0] = (__u32)buf;
	d[1] = buf >> 32;
	d[2] = XV_TXD_DATA | XV_TXD_EOP_IFCS_RS | len;
	d[3] = (__u32)len << 14;
	x->tx_next = (i + 1) % XV_COUNT;
	ret = vfm_hw_wr(g, XV_TXQ + XV_TAIL, x->tx_next);
	while (!ret && !(vfm_load32(&d[3]) & 1)) {	/* DD */
		if (vfm_now_ns() > end)
			return -ETIMEDOUT;
		usleep(50);
	}
	return ret;
}

static int xv_rx(struct vfm_hw_guest *g, void *buf, size_t cap, size_t *len,
		 int timeout_ms)
{
	struct xv_guest *x = xv(g);
	unsigned int i = x->rx_next;
	__le32 *d = (__le32 *)x->rxd->vaddr + 4 * i;
	__u64 end = vfm_now_ns() + (__u64)timeout_ms * 1000000ULL;
	__u32 st;

	while (!((st = vfm_load32(&d[2])) & 1)) {	/* DD */
		if (vfm_now_ns() > end)
			return 0;
		usleep(50);
	}
	*len = vfm_load32(&d[3]) & 0xffff;
	if (*len > cap || !(st & 2) || st >> 20)	/* EOP, no error */
		return -EIO;
	memcpy(buf, (char *)x->rxb->vaddr + (size_t)i * XV_BUF, *len);
	xv_rx_post(x, i);
	x->rx_next = (i + 1) % XV_COUNT;
	return vfm_hw_wr(g, XV_RXQ + XV_TAIL, i) ?: 1;
}

static int xv_bad_tail(struct vfm_hw_guest *g)
{
	return vfm_hw_wr(g, XV_TXQ + XV_TAIL, XV_COUNT + 3);
}

static const __u16 xv_ids[] = { 0x10ed, 0x1515, 0x1565, 0x15a8, 0x15c5 };

const struct vfm_hw_family vfm_hw_ixgbevf = {
	.name = "ixgbevf",
	.module = "ixgbevf_mdev",
	.mdev_type = "ixgbevf_mdev-vf",
	.env = "VFMDEV_HW_IXGBEVF_VFS",
	.ids = xv_ids,
	.nids = ARRAY_SIZE(xv_ids),
	.migration = true,
	.init = xv_init,
	.fini = xv_fini,
	.xmit = xv_xmit,
	.rx = xv_rx,
	.bad_tail = xv_bad_tail,
	.guest_size = sizeof(struct xv_guest),
};
