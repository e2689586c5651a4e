// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: an iavf "guest driver" in userspace, for the hardware
 * suite (X710/XXV710 VFs of an i40e PF; none in the QEMU rig, so this ran
 * only as far as its SKIP there: unproven on hardware).
 *
 * As Linux's iavf: the admin queue (32-entry ATQ and ARQ, 4 KiB buffers),
 * then virtchnl VERSION 1.1, GET_VF_RESOURCES (the VSI and the MAC
 * address), CONFIG_VSI_QUEUES for queue pair 0 (32-byte RX descriptors,
 * 2 KiB buffers), ENABLE_QUEUES.  Polling only.  Offsets and layouts from
 * hardware.md 1B, 2.2 and 3.3 (Linux's iavf_register.h, avf/virtchnl.h).
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw_guest.h"

#define AV_QTX_TAIL	0x0000
#define AV_QRX_TAIL	0x2000
#define AV_ARQBAH	0x6000
#define AV_ATQH		0x6400
#define AV_ATQLEN	0x6800
#define AV_ARQBAL	0x6c00
#define AV_ARQT		0x7000
#define AV_ARQH		0x7400
#define AV_ATQBAH	0x7800
#define AV_ATQBAL	0x7c00
#define AV_ARQLEN	0x8000
#define AV_ATQT		0x8400
#define AV_RSTAT	0x8800
#define AV_LEN_EN	BIT(31)

#define AV_AQ_N		32
#define AV_AQ_BUF	4096
#define AV_F_DD		0x0001
#define AV_F_BUF	0x1000
#define AV_F_LB		0x0200
#define AV_F_RD		0x0400
#define AV_F_SI		0x2000
#define AV_OP_TO_PF	0x0801

#define VC_VERSION		1
#define VC_GET_VF_RESOURCES	3
#define VC_CONFIG_VSI_QUEUES	6
#define VC_ENABLE_QUEUES	8
#define VC_EVENT		17

#define AV_COUNT	64	/* RX: a multiple of 32; TX: of 8 */
#define AV_BUF		2048
#define AV_TIMEOUT_MS	3000

struct av_guest {
	struct vfm_hw_guest g;
	struct vfm_dma *atq, *arq, *atqb, *arqb;
	unsigned int atq_next, arq_next;
	struct vfm_dma *rxd, *txd, *rxb, *txb;
	unsigned int rx_next, tx_next;
	__u16 vsi;
};

static struct av_guest *av(struct vfm_hw_guest *g)
{
	return (struct av_guest *)g;
}

static void av_put16(__u8 *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void av_put32(__u8 *p, __u32 v)
{
	av_put16(p, v);
	av_put16(p + 2, v >> 16);
}

static void av_put64(__u8 *p, __u64 v)
{
	av_put32(p, v);
	av_put32(p + 4, v >> 32);
}

/* A little-endian word the device may have written (4-byte aligned). */
static __u32 av_get32(const __u8 *p)
{
	return le32toh(vfm_load32(p));
}

/* Send one virtchnl message and wait until the device took it. */
static int av_send(struct av_guest *a, __u32 op, const void *msg, __u16 len)
{
	unsigned int i = a->atq_next;
	__u8 *d = (__u8 *)a->atq->vaddr + 32 * i;
	__u64 buf = a->atqb->iova + (__u64)i * AV_AQ_BUF;
	__u64 end = vfm_now_ns() + AV_TIMEOUT_MS * 1000000ULL;
	__u32 head;
	int ret;

	memset(d, 0, 32);
	av_put16(d, AV_F_SI | (len ? AV_F_BUF | AV_F_RD : 0) |
		 (len > 512 ? AV_F_LB : 0));
	av_put16(d + 2, AV_OP_TO_PF);
	av_put16(d + 4, len);
	av_put32(d + 8, op);
	av_put32(d + 24, buf >> 32);
	av_put32(d + 28, (__u32)buf);
	memcpy((char *)a->atqb->vaddr + (size_t)i * AV_AQ_BUF, msg, len);
	a->atq_next = (i + 1) % AV_AQ_N;
	ret = vfm_hw_wr(&a->g, AV_ATQT, a->atq_next);
	while (!ret) {
		ret = vfm_hw_rd(&a->g, AV_ATQH, &head);
		if (ret || head == a->atq_next)
			break;
		if (vfm_now_ns() > end)
			return -ETIMEDOUT;
		usleep(100);
	}
	return ret;
}

/* The PF's answer to @op (events skipped): its status, its payload. */
static int av_recv(struct av_guest *a, __u32 op, void *out, size_t cap)
{
	__u64 end = vfm_now_ns() + AV_TIMEOUT_MS * 1000000ULL;
	__u32 head, vop, vret, len;
	int ret;

	for (;;) {
		unsigned int i = a->arq_next;
		__u8 *d = (__u8 *)a->arq->vaddr + 32 * i;

		ret = vfm_hw_rd(&a->g, AV_ARQH, &head);
		if (ret)
			return ret;
		if ((head & 0x3ff) == i) {
			if (vfm_now_ns() > end)
				return -ETIMEDOUT;
			usleep(100);
			continue;
		}
		vop = av_get32(d + 8);
		vret = av_get32(d + 12);
		len = av_get32(d + 4) & 0xffff;
		if (vop == op && out)
			memcpy(out, (char *)a->arqb->vaddr + (size_t)i * AV_AQ_BUF,
			       len < cap ? len : cap);
		/* Hand the slot back to the device. */
		memset(d, 0, 32);
		av_put16(d, AV_F_BUF | AV_F_LB);
		av_put16(d + 4, AV_AQ_BUF);
		av_put32(d + 24, (a->arqb->iova + (__u64)i * AV_AQ_BUF) >> 32);
		av_put32(d + 28, (__u32)(a->arqb->iova + (__u64)i * AV_AQ_BUF));
		a->arq_next = (i + 1) % AV_AQ_N;
		ret = vfm_hw_wr(&a->g, AV_ARQT, i);
		if (ret)
			return ret;
		if (vop == op)
			return vret ? -EPROTO : 0;
		if (vop != VC_EVENT)
			return -EPROTO;
	}
}

static int av_call(struct av_guest *a, __u32 op, const void *msg, __u16 len,
		   void *out, size_t cap)
{
	return av_send(a, op, msg, len) ?: av_recv(a, op, out, cap);
}

static int av_aq_init(struct av_guest *a)
{
	struct vfm_dev *d = a->g.dev;
	unsigned int i;

	a->atq = vfm_dma_alloc(d, 32 * AV_AQ_N, 0);
	a->arq = vfm_dma_alloc(d, 32 * AV_AQ_N, 0);
	a->atqb = vfm_dma_alloc(d, AV_AQ_BUF * AV_AQ_N, 0);
	a->arqb = vfm_dma_alloc(d, AV_AQ_BUF * AV_AQ_N, 0);
	if (!a->atq || !a->arq || !a->atqb || !a->arqb)
		return -ENOMEM;
	for (i = 0; i < AV_AQ_N; i++) {
		__u8 *e = (__u8 *)a->arq->vaddr + 32 * i;
		__u64 b = a->arqb->iova + (__u64)i * AV_AQ_BUF;

		av_put16(e, AV_F_BUF | AV_F_LB);
		av_put16(e + 4, AV_AQ_BUF);
		av_put32(e + 24, b >> 32);
		av_put32(e + 28, (__u32)b);
	}
	return vfm_hw_wr(&a->g, AV_ATQH, 0) ?:
	       vfm_hw_wr(&a->g, AV_ATQT, 0) ?:
	       vfm_hw_wr(&a->g, AV_ATQBAL, (__u32)a->atq->iova) ?:
	       vfm_hw_wr(&a->g, AV_ATQBAH, a->atq->iova >> 32) ?:
	       vfm_hw_wr(&a->g, AV_ATQLEN, AV_AQ_N | AV_LEN_EN) ?:
	       vfm_hw_wr(&a->g, AV_ARQH, 0) ?:
	       vfm_hw_wr(&a->g, AV_ARQT, 0) ?:
	       vfm_hw_wr(&a->g, AV_ARQBAL, (__u32)a->arq->iova) ?:
	       vfm_hw_wr(&a->g, AV_ARQBAH, a->arq->iova >> 32) ?:
	       vfm_hw_wr(&a->g, AV_ARQLEN, AV_AQ_N | AV_LEN_EN) ?:
	       vfm_hw_wr(&a->g, AV_ARQT, AV_AQ_N - 1);
}

static void av_rx_post(struct av_guest *a, unsigned int i)
{
	__u8 *d = (__u8 *)a->rxd->vaddr + 32 * i;

	memset(d, 0, 32);
	av_put64(d, a->rxb->iova + (__u64)i * AV_BUF);
}

static int av_queues(struct av_guest *a)
{
	__u8 m[8 + 64] = { };
	__u8 *tx = m + 8, *rx = m + 8 + 24;
	__u8 sel[12] = { };

	av_put16(m, a->vsi);
	av_put16(m + 2, 1);
	av_put16(tx, a->vsi);
	av_put16(tx + 4, AV_COUNT);
	av_put64(tx + 8, a->txd->iova);
	av_put16(rx, a->vsi);
	av_put32(rx + 4, AV_COUNT);
	av_put32(rx + 12, AV_BUF);
	av_put32(rx + 16, VFM_HW_MAX_FRAME + 4);
	av_put64(rx + 24, a->rxd->iova);
	av_put16(sel, a->vsi);
	av_put32(sel + 4, 1);
	av_put32(sel + 8, 1);
	return av_call(a, VC_CONFIG_VSI_QUEUES, m, sizeof(m), NULL, 0) ?:
	       av_call(a, VC_ENABLE_QUEUES, sel, sizeof(sel), NULL, 0);
}

static int av_init(struct vfm_hw_guest *g, struct vfm_dev *d)
{
	struct av_guest *a = av(g);
	__u8 ver[8] = { 1, 0, 0, 0, 1, 0, 0, 0 }, res[256] = { };
	__u8 caps[4] = { 1, 0, 0, 0 };	/* VIRTCHNL_VF_OFFLOAD_L2 */
	unsigned int i;
	__u32 st;
	int ret;

	g->dev = d;
	ret = vfm_enable_bus_master(d) ?: vfm_hw_rd(g, AV_RSTAT, &st) ?:
	      av_aq_init(a) ?:
	      av_call(a, VC_VERSION, ver, sizeof(ver), NULL, 0) ?:
	      av_call(a, VC_GET_VF_RESOURCES, caps, sizeof(caps), res,
		      sizeof(res));
	if (ret)
		return ret;
	/* vf_resource: 20 bytes, then vsi_res[0]: vsi_id, ..., MAC at 10. */
	a->vsi = res[20] | res[21] << 8;
	memcpy(g->mac, res + 30, 6);
	a->rxd = vfm_dma_alloc(d, AV_COUNT * 32, 0);
	a->txd = vfm_dma_alloc(d, AV_COUNT * 16, 0);
	a->rxb = vfm_dma_alloc(d, AV_COUNT * AV_BUF, 0);
	a->txb = vfm_dma_alloc(d, AV_COUNT * AV_BUF, 0);
	if (!a->rxd || !a->txd || !a->rxb || !a->txb)
		return -ENOMEM;
	for (i = 0; i < AV_COUNT; i++)
		av_rx_post(a, i);
	return av_queues(a) ?: vfm_hw_wr(g, AV_QRX_TAIL, AV_COUNT - 1);
}

static void av_fini(struct vfm_hw_guest *g)
{
	struct av_guest *a = av(g);
	struct vfm_dma **m[] = { &a->atq, &a->arq, &a->atqb, &a->arqb,
				 &a->rxd, &a->txd, &a->rxb, &a->txb };
	unsigned int i;

	if (!g->dev)
		return;
	vfm_hw_wr(g, AV_ATQLEN, 0);
	vfm_hw_wr(g, AV_ARQLEN, 0);
	for (i = 0; i < ARRAY_SIZE(m); i++)
		if (*m[i])
			vfm_dma_free(g->dev, *m[i]);
	memset(a, 0, sizeof(*a));
}

static int av_xmit(struct vfm_hw_guest *g, const void *frame, size_t len)
{
	struct av_guest *a = av(g);
	unsigned int i = a->tx_next;
	__u8 *d = (__u8 *)a->txd->vaddr + 16 * i;
	__u64 buf = a->txb->iova + (__u64)i * AV_BUF;
	__u64 end = vfm_now_ns() + AV_TIMEOUT_MS * 1000000ULL;
	int ret;

	if (len > AV_BUF)
		return -EMSGSIZE;
	memcpy((char *)a->txb->vaddr + (size_t)i * AV_BUF, frame, len);
	av_put64(d, buf);
	/* DTYPE 0, CMD EOP|RS|ICRC (0x7) at 4, BUF_SZ at 34 */
	av_put64(d + 8, (__u64)0x7 << 4 | (__u64)len << 34);
	a->tx_next = (i + 1) % AV_COUNT;
	ret = vfm_hw_wr(g, AV_QTX_TAIL, a->tx_next);
	while (!ret && (av_get32(d + 8) & 0xf) != 0xf) {	/* DONE */
		if (vfm_now_ns() > end)
			return -ETIMEDOUT;
		usleep(50);
	}
	return ret;
}

static int av_rx(struct vfm_hw_guest *g, void *buf, size_t cap, size_t *len,
		 int timeout_ms)
{
	struct av_guest *a = av(g);
	unsigned int i = a->rx_next;
	__u8 *d = (__u8 *)a->rxd->vaddr + 32 * i;
	__u64 end = vfm_now_ns() + (__u64)timeout_ms * 1000000ULL;
	__u64 qw1;

	while (!(av_get32(d + 8) & 1)) {	/* DD */
		if (vfm_now_ns() > end)
			return 0;
		usleep(50);
	}
	qw1 = av_get32(d + 8) | (__u64)av_get32(d + 12) << 32;
	*len = (qw1 >> 38) & 0x3fff;		/* PBUF length */
	if (*len > cap || !(qw1 & 2) || (qw1 >> 19) & 0xff)	/* EOF, errors */
		return -EIO;
	memcpy(buf, (char *)a->rxb->vaddr + (size_t)i * AV_BUF, *len);
	av_rx_post(a, i);
	a->rx_next = (i + 1) % AV_COUNT;
	return vfm_hw_wr(g, AV_QRX_TAIL, i) ?: 1;
}

static int av_bad_tail(struct vfm_hw_guest *g)
{
	return vfm_hw_wr(g, AV_QTX_TAIL, AV_COUNT + 3);
}

static const __u16 av_ids[] = { 0x154c, 0x1889 };

const struct vfm_hw_family vfm_hw_iavf = {
	.name = "iavf",
	.module = "i40e_mdev",
	.mdev_type = "i40e_mdev-vf",
	.env = "VFMDEV_HW_IAVF_VFS",
	.ids = av_ids,
	.nids = ARRAY_SIZE(av_ids),
	.migration = true,
	.resume_in_place = true,
	.init = av_init,
	.fini = av_fini,
	.xmit = av_xmit,
	.rx = av_rx,
	.bad_tail = av_bad_tail,
	.guest_size = sizeof(struct av_guest),
};
