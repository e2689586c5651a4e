// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: a hostile guest.
 *
 * Guest A programs rings, descriptors and doorbells that no honest igbvf
 * would, and the VMM side feeds the VFIO device bad offsets, sizes and
 * ioctl arguments.  For the mdev every DMA target is translated by the
 * driver at the doorbell, so an IOVA the VMM never mapped must fail the
 * register write with EFAULT (and nothing is sent); a tail outside the
 * ring fails with EINVAL; a rewound tail is accepted.  The vfio_pci
 * variant checks the VFIO API answers against vfio-pci and, where real
 * DMA faults happen instead, brackets them in the kernel log with
 * "vfmdev-test: expect-iommu-fault begin/end".  After every abuse the VF
 * must reset and pass traffic again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "testenv.h"
#include "hw_fixture.h"

#define UNMAPPED_IOVA	0x7000000000ULL	/* never mapped by these tests */

struct hg_ctx {
	struct vfm_pair p;
	struct igbvf_guest g[2];
	bool up[2];
	bool fault_open;
	int kmsg;
};

FIXTURE(hostile) {
	struct hg_ctx c;
};

FIXTURE_VARIANT(hostile) {
	enum vfm_backend backend;
};

FIXTURE_VARIANT_ADD(hostile, mdev) {
	.backend = VFM_BACKEND_MDEV,
};

FIXTURE_VARIANT_ADD(hostile, vfio_pci) {
	.backend = VFM_BACKEND_VFIO_PCI,
};

static int hg_up(struct hg_ctx *c, int i, unsigned int ring, unsigned int hdr)
{
	struct igbvf_cfg cfg;
	int ret;

	if (c->up[i]) {
		igbvf_fini(&c->g[i]);
		c->up[i] = false;
	}
	igbvf_cfg_default(&cfg);
	cfg.tx_count = ring;
	cfg.rx_count = ring;
	cfg.hdr_len = hdr;
	cfg.msix = false;
	ret = igbvf_init(&c->g[i], &c->p.dev[i], &cfg);
	if (!ret)
		c->up[i] = true;
	return ret;
}

static void fault_begin(struct hg_ctx *c)
{
	vfm_kmsg("vfmdev-test: expect-iommu-fault begin\n");
	c->fault_open = true;
}

static void fault_end(struct hg_ctx *c)
{
	if (!c->fault_open)
		return;
	/* let the IOMMU fault reports reach the log inside the bracket */
	usleep(200000);
	vfm_kmsg("vfmdev-test: expect-iommu-fault end\n");
	c->fault_open = false;
}

FIXTURE_SETUP(hostile)
{
	char why[256] = "";
	int ret;

	self->c.kmsg = -1;
	ret = vfm_pair_setup(&self->c.p, variant->backend, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s: %s", vfm_backend_name(variant->backend), why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	self->c.kmsg = vfm_kmsg_watch_open();
	ASSERT_EQ(0, hg_up(&self->c, 1, 64, 0));
}

FIXTURE_TEARDOWN(hostile)
{
	struct vfm_kmsg_report k;
	int i;

	fault_end(&self->c);
	/*
	 * Host log clean: no splat ever; for the mdev not even an IOMMU
	 * fault, since every address the device sees was translated.
	 */
	if (self->c.kmsg >= 0 && !vfm_kmsg_scan(self->c.kmsg, &k)) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		if (variant->backend == VFM_BACKEND_MDEV)
			EXPECT_EQ(0, k.iommu_faults)
				TH_LOG("IOMMU fault (%u): %s", k.iommu_faults,
				       k.first_fault);
		close(self->c.kmsg);
	}
	for (i = 0; i < 2; i++)
		if (self->c.up[i])
			igbvf_fini(&self->c.g[i]);
	vfm_pair_teardown(&self->c.p);
}

#define IS_MDEV (variant->backend == VFM_BACKEND_MDEV)

/* Nothing must reach B for @ms milliseconds. */
static int quiet_for(struct hg_ctx *c, int ms)
{
	__u8 buf[2048];
	size_t len;
	int n = 0;

	usleep(ms * 1000);
	while (igbvf_rx(&c->g[1], buf, sizeof(buf), &len) != 0)
		n++;
	igbvf_rx_refill(&c->g[1]);
	return n;
}

/* Reset A through VFIO, bring it up again and pass traffic to B. */
static void recover(struct __test_metadata *_metadata, struct hg_ctx *c)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	__u8 flush[64];
	int ret;

	if (c->up[0])
		igbvf_fini(&c->g[0]);
	c->up[0] = false;
	vfm_expect_errors(true);
	quiet_for(c, 0);
	vfm_expect_errors(false);
	ASSERT_EQ(0, vfm_reset(&c->p.dev[0]));
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	/*
	 * QEMU keeps a half-assembled TX packet across a VF reset: after
	 * garbage without EOP the next frame completes (and may drop) it.
	 * One throw-away frame, ignored by the checker, flushes that.
	 */
	memset(flush, 0, sizeof(flush));
	memcpy(flush, c->g[1].mac, 6);
	memcpy(flush + 6, c->g[0].mac, 6);
	ASSERT_EQ(0, igbvf_xmit(&c->g[0], flush, sizeof(flush)));
	vfm_traffic_default(&t);
	t.frames = 100;
	t.sweep = false;
	ret = vfm_traffic_run(&c->g[0], &c->g[1], &t, &r);
	ASSERT_EQ(0, ret) TH_LOG("after recovery: %s", r.msg);
	ASSERT_EQ(t.frames, r.received);
}

static int bar_wr(struct hg_ctx *c, __u32 reg, __u32 val)
{
	return vfm_bar_write32(&c->p.dev[0], VFIO_PCI_BAR0_REGION_INDEX, reg,
			       val);
}

static int ioctl_err(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* --------------------------------------------------------------------- */

TEST_F(hostile, bad_region_access)
{
	struct vfm_dev *d = &self->c.p.dev[0];
	struct vfm_region *bar0 = &d->regions[VFIO_PCI_BAR0_REGION_INDEX];
	struct vfm_region *cfg = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	__u8 buf[8] = { 0 };
	void *p;

	vfm_expect_errors(true);
	/* past the end of BAR0 and of config space */
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, bar0->size, buf, 4));
	EXPECT_EQ(-EINVAL, vfm_region_write(d, 0, bar0->size + 0x1000, buf,
					    4));
	/* vfio-pci answers EFAULT past config space, the mdev EINVAL */
	EXPECT_EQ(IS_MDEV ? -EINVAL : -EFAULT,
		  vfm_cfg_read(d, cfg->size, buf, 4));
	/* regions that do not exist */
	EXPECT_EQ(-EINVAL, vfm_region_read(d, d->info.num_regions, 0, buf, 4));
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 15, 0, buf, 4));
	EXPECT_GT(0, vfm_region_read(d, VFIO_PCI_BAR1_REGION_INDEX, 0, buf,
				     4));
	vfm_expect_errors(false);
	if (!IS_MDEV)
		return;
	/* trapped BAR0 pages take aligned 4-byte accesses only */
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, IGBVF_STATUS, buf, 2));
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, IGBVF_STATUS, buf, 1));
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, IGBVF_STATUS, buf, 8));
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, IGBVF_STATUS + 2, buf, 4));
	EXPECT_EQ(-EINVAL, vfm_region_write(d, 0, IGBVF_TXQ(0) + IGBVF_Q_TAIL
					    + 1, buf, 4));
	EXPECT_EQ(-EINVAL, vfm_region_write(d, 0, IGBVF_RXQ(0) + IGBVF_Q_TAIL,
					    buf, 2));
	EXPECT_EQ(-EINVAL, vfm_region_read(d, 0, bar0->size - 2, buf, 4));
	vfm_expect_errors(false);
	/* and cannot be mmapped */
	p = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d->device_fd, bar0->offset);
	EXPECT_EQ(MAP_FAILED, p) {
		munmap(p, 0x1000);
	}
	p = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d->device_fd, bar0->offset + 0x3000);
	EXPECT_EQ(MAP_FAILED, p) {
		munmap(p, 0x1000);
	}
	/* the device still answers */
	EXPECT_EQ(0, vfm_bar_read32(d, 0, IGBVF_STATUS, (__u32 *)buf));
}

TEST_F(hostile, bad_ioctl_argsz)
{
	struct vfm_dev *d = &self->c.p.dev[0];
	struct vfio_device_info info = { .argsz = 4 };
	struct vfio_region_info ri = { .argsz = 8, .index = 0 };
	struct vfio_irq_info ii = { .argsz = 8, .index = 2 };
	struct vfio_irq_set set = {
		.argsz = 8,
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSIX_IRQ_INDEX,
	};

	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd, VFIO_DEVICE_GET_INFO,
				     &info));
	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd,
				     VFIO_DEVICE_GET_REGION_INFO, &ri));
	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				     &ii));
	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd, VFIO_DEVICE_SET_IRQS,
				     &set));
	/* indexes past the end */
	ri.argsz = sizeof(ri);
	ri.index = d->info.num_regions;
	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd,
				     VFIO_DEVICE_GET_REGION_INFO, &ri));
	ii.argsz = sizeof(ii);
	ii.index = d->info.num_irqs;
	EXPECT_EQ(-EINVAL, ioctl_err(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				     &ii));
	/* an unknown ioctl */
	EXPECT_EQ(-ENOTTY, ioctl_err(d->device_fd, _IO(VFIO_TYPE,
						       VFIO_BASE + 60), NULL));
	/* and the honest ones still work */
	info.argsz = sizeof(info);
	EXPECT_EQ(0, ioctl_err(d->device_fd, VFIO_DEVICE_GET_INFO, &info));
}

TEST_F(hostile, bad_set_irqs)
{
	struct vfm_dev *d = &self->c.p.dev[0];
	__u32 trig = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	int fds[4] = { -1, -1, -1, -1 };
	int notev, ret;

	notev = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, notev);
	vfm_expect_errors(true);
	/* vectors past the 3 MSI-X vectors */
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, trig, 2,
					2, fds));
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, trig, 3,
					1, fds));
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, trig, 0,
					4, fds));
	/* an IRQ index that does not exist, or has no vectors */
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, 9, trig, 0, 1, fds));
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, trig, 0,
					1, fds));
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, trig, 0, 2,
					fds));
	/* two data types, two actions */
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX,
					VFIO_IRQ_SET_DATA_NONE |
					VFIO_IRQ_SET_DATA_BOOL |
					VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					NULL));
	/* vfio-pci finds no handler for two actions: ENOTTY */
	ret = vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE |
			   VFIO_IRQ_SET_ACTION_MASK |
			   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL);
	EXPECT_TRUE(ret == -EINVAL || ret == -ENOTTY) TH_LOG("%d", ret);
	/* eventfd data announced but not supplied (argsz too small) */
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, trig, 0,
					3, NULL));
	/* an fd that is not an eventfd */
	fds[0] = notev;
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX, trig, 0,
					1, fds));
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, trig, 0, 1,
					fds));
	vfm_expect_errors(false);
	close(notev);
	/* the device is unharmed: honest MSI-X and traffic work */
	ASSERT_EQ(0, vfm_msix_enable(d, 3));
	ASSERT_EQ(0, vfm_msix_disable(d));
	recover(_metadata, &self->c);
}

/*
 * TX ring base at an IOVA the VMM never mapped.  mdev: the enable or the
 * doorbell fails with EFAULT and nothing is sent.  vfio-pci: the device
 * really faults in the IOMMU (bracketed).
 */
TEST_F(hostile, tx_ring_unmapped)
{
	struct hg_ctx *c = &self->c;
	__u32 q = IGBVF_TXQ(0);
	int en, tail;

	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	/* disabled and empty (head = tail = 0), then the bad base */
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_DCTL, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_HEAD, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_TAIL, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_BAL, (__u32)UNMAPPED_IOVA));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_BAH, UNMAPPED_IOVA >> 32));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_LEN, 32 * 16));
	if (!IS_MDEV)
		fault_begin(c);
	vfm_expect_errors(true);
	en = bar_wr(c, q + IGBVF_Q_DCTL, IGBVF_DCTL_ENABLE);
	tail = bar_wr(c, q + IGBVF_Q_TAIL, 4);
	vfm_expect_errors(false);
	TH_LOG("enable: %d, tail: %d", en, tail);
	if (IS_MDEV) {
		ASSERT_TRUE(en == -EFAULT || (en == 0 && tail == -EFAULT));
		ASSERT_TRUE(tail == 0 || tail == -EFAULT);
	} else {
		ASSERT_EQ(0, en);
		ASSERT_EQ(0, tail);
	}
	ASSERT_EQ(0, quiet_for(c, 200));
	fault_end(c);
	recover(_metadata, c);
}

/* A data descriptor whose buffer was never mapped. */
TEST_F(hostile, tx_buffer_unmapped)
{
	struct hg_ctx *c = &self->c;
	union igbvf_tx_desc *d;
	__u32 head = 0;
	int ret;

	if (!IS_MDEV)
		SKIP(return, "mdev only (vfio-pci would DMA-fault)");
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	d = c->g[0].tx.desc->vaddr;
	d->read.buffer_addr = htole64(UNMAPPED_IOVA + 0x800);
	d->read.cmd_type_len = htole32(IGBVF_TXD_DTYP_DATA |
				       IGBVF_TXD_CMD_DEXT |
				       IGBVF_TXD_CMD_IFCS | IGBVF_TXD_CMD_EOP |
				       IGBVF_TXD_CMD_RS | 100);
	d->read.olinfo_status = htole32(100 << IGBVF_TXD_PAYLEN_SHIFT);
	vfm_expect_errors(true);
	ret = bar_wr(c, IGBVF_TXQ(0) + IGBVF_Q_TAIL, 1);
	vfm_expect_errors(false);
	ASSERT_EQ(-EFAULT, ret);
	ASSERT_EQ(0, quiet_for(c, 200));
	ASSERT_EQ(0, vfm_bar_read32(&c->p.dev[0], 0,
				    IGBVF_TXQ(0) + IGBVF_Q_HEAD, &head));
	ASSERT_EQ(0, head);
	ASSERT_EQ(0, le32toh(d->wb.status) & IGBVF_TXD_STAT_DD);
	recover(_metadata, c);
}

/* The VMM unmaps the buffers after the guest queued them. */
TEST_F(hostile, tx_buffer_unmapped_later)
{
	struct hg_ctx *c = &self->c;
	__u8 frame[128];
	int ret;

	if (!IS_MDEV)
		SKIP(return, "mdev only (vfio-pci would DMA-fault)");
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	/* one honest frame first, so pages are pinned and in use */
	vfm_frame_build(frame, c->g[1].mac, c->g[0].mac, 0, sizeof(frame));
	ASSERT_EQ(0, igbvf_xmit(&c->g[0], frame, sizeof(frame)));
	ASSERT_EQ(1, igbvf_rx_wait(&c->g[1], 2000));
	ASSERT_EQ(1, quiet_for(c, 0));
	ASSERT_EQ(0, vfm_dma_unmap(&c->p.dev[0], c->g[0].tx.bufs));
	ASSERT_EQ(0, igbvf_tx_queue(&c->g[0], frame, sizeof(frame)));
	vfm_expect_errors(true);
	ret = igbvf_tx_kick(&c->g[0]);
	vfm_expect_errors(false);
	ASSERT_EQ(-EFAULT, ret);
	ASSERT_EQ(0, quiet_for(c, 200));
	recover(_metadata, c);
}

static void rx_bad(struct __test_metadata *_metadata, struct hg_ctx *c,
		   unsigned int hdr, __u64 pkt_addr, __u64 hdr_addr,
		   int expect)
{
	union igbvf_rx_desc *d;
	__u32 q = IGBVF_RXQ(0);
	int ret;

	ASSERT_EQ(0, hg_up(c, 0, 32, hdr));
	d = c->g[0].rx.desc->vaddr;
	/* descriptor RDT (count - 1) is armed but not yet the device's */
	d[31].read.pkt_addr = htole64(pkt_addr ? pkt_addr :
				      c->g[0].rx.bufs->iova + 31 * 2048);
	d[31].read.hdr_addr = htole64(hdr_addr);
	/* hand back everything: 31 -> tail 0 */
	vfm_expect_errors(true);
	ret = bar_wr(c, q + IGBVF_Q_TAIL, 0);
	vfm_expect_errors(false);
	ASSERT_EQ(expect, ret);
}

TEST_F(hostile, rx_buffer_unmapped)
{
	if (!IS_MDEV)
		SKIP(return, "mdev only");
	rx_bad(_metadata, &self->c, 0, UNMAPPED_IOVA, 0, -EFAULT);
	recover(_metadata, &self->c);
}

/* Header split: hdr_addr is a DMA target and must be mapped... */
TEST_F(hostile, rx_hdr_split_unmapped)
{
	if (!IS_MDEV)
		SKIP(return, "mdev only");
	rx_bad(_metadata, &self->c, 128, 0, UNMAPPED_IOVA + 0x100, -EFAULT);
	recover(_metadata, &self->c);
}

/* ...but in one-buffer mode hdr_addr is ignored, whatever it holds. */
TEST_F(hostile, rx_onebuf_ignores_hdr_addr)
{
	if (!IS_MDEV)
		SKIP(return, "mdev only");
	rx_bad(_metadata, &self->c, 0, 0, 0xdeadbeef000ULL, 0);
	recover(_metadata, &self->c);
}

TEST_F(hostile, rx_ring_unmapped)
{
	struct hg_ctx *c = &self->c;
	__u32 q = IGBVF_RXQ(0);
	int en, tail;

	if (!IS_MDEV)
		SKIP(return, "mdev only");
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_DCTL, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_HEAD, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_TAIL, 0));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_BAL, (__u32)UNMAPPED_IOVA));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_BAH, UNMAPPED_IOVA >> 32));
	ASSERT_EQ(0, bar_wr(c, q + IGBVF_Q_LEN, 32 * 16));
	vfm_expect_errors(true);
	en = bar_wr(c, q + IGBVF_Q_DCTL, IGBVF_DCTL_ENABLE);
	tail = bar_wr(c, q + IGBVF_Q_TAIL, 31);
	vfm_expect_errors(false);
	TH_LOG("enable: %d, tail: %d", en, tail);
	ASSERT_TRUE(en == -EFAULT || (en == 0 && tail == -EFAULT));
	recover(_metadata, c);
}

/* Tails outside the ring are refused; the device keeps working. */
TEST_F(hostile, tail_beyond_ring)
{
	struct hg_ctx *c = &self->c;
	static const __u32 bad[] = { 32, 33, 0xffff, 0x10000, 0xffffffff };
	unsigned int i;
	int ret;

	if (!IS_MDEV)
		SKIP(return, "mdev only (the device ignores such tails)");
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vfm_expect_errors(true);
		ret = bar_wr(c, IGBVF_TXQ(0) + IGBVF_Q_TAIL, bad[i]);
		vfm_expect_errors(false);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("TDT %#x", bad[i]);
		vfm_expect_errors(true);
		ret = bar_wr(c, IGBVF_RXQ(0) + IGBVF_Q_TAIL, bad[i]);
		vfm_expect_errors(false);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("RDT %#x", bad[i]);
	}
	ASSERT_EQ(0, quiet_for(c, 100));
	/* no reset needed: the honest path still works */
	{
		struct vfm_traffic t;
		struct vfm_traffic_result r;

		vfm_traffic_default(&t);
		t.frames = 100;
		ASSERT_EQ(0, vfm_traffic_run(&c->g[0], &c->g[1], &t, &r))
			TH_LOG("%s", r.msg);
		ASSERT_EQ(t.frames, r.received);
	}
}

/*
 * A tail moved backwards: accepted (the ring then holds the descriptors
 * from head round to the new tail, all valid here).
 */
TEST_F(hostile, rewound_tail)
{
	struct hg_ctx *c = &self->c;
	union igbvf_tx_desc *d;
	__u8 frame[200];
	unsigned int i;
	int ret;

	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	for (i = 0; i < 10; i++) {
		vfm_frame_build(frame, c->g[1].mac, c->g[0].mac, i,
				sizeof(frame));
		ASSERT_EQ(0, igbvf_xmit(&c->g[0], frame, sizeof(frame)));
	}
	quiet_for(c, 50);
	igbvf_tx_clean(&c->g[0]);
	/* make every descriptor a valid frame, then rewind TDT 10 -> 5 */
	d = c->g[0].tx.desc->vaddr;
	for (i = 0; i < 32; i++) {
		__u64 ba = c->g[0].tx.bufs->iova + (__u64)i * IGBVF_TX_BUF_LEN;

		vfm_frame_build((char *)c->g[0].tx.bufs->vaddr +
				i * IGBVF_TX_BUF_LEN, c->g[1].mac,
				c->g[0].mac, 1000 + i, 64);
		d[i].read.buffer_addr = htole64(ba);
		d[i].read.cmd_type_len = htole32(IGBVF_TXD_DTYP_DATA |
						 IGBVF_TXD_CMD_DEXT |
						 IGBVF_TXD_CMD_IFCS |
						 IGBVF_TXD_CMD_EOP |
						 IGBVF_TXD_CMD_RS | 64);
		d[i].read.olinfo_status = htole32(64 <<
						  IGBVF_TXD_PAYLEN_SHIFT);
	}
	ret = bar_wr(c, IGBVF_TXQ(0) + IGBVF_Q_TAIL, 5);
	ASSERT_EQ(0, ret);
	TH_LOG("B got %d frames after the rewind", quiet_for(c, 200));
	/* RDT backwards as well */
	ret = bar_wr(c, IGBVF_RXQ(0) + IGBVF_Q_TAIL, 3);
	ASSERT_EQ(0, ret);
	recover(_metadata, c);
}

/* Random bytes as descriptors, many rounds; then a clean recovery. */
TEST_F_TIMEOUT(hostile, garbage_descriptors, 300)
{
	struct hg_ctx *c = &self->c;
	unsigned int round, i, seed = 12345;
	int ret, ok = 0, efault = 0, einval = 0;

	/*
	 * On plain vfio-pci nothing stands between garbage and the device:
	 * it faults at wild addresses, which is expected and not what this
	 * tests; under the debug rig kernel a fault storm also left a vCPU
	 * without timer interrupts (RCU stalls), so do not provoke it.
	 */
	if (!IS_MDEV)
		SKIP(return, "mdev only (vfio-pci would DMA-fault)");
	ASSERT_EQ(0, hg_up(c, 0, 32, 0));
	for (round = 0; round < 20; round++) {
		__u32 *w = c->g[0].tx.desc->vaddr;

		for (i = 0; i < 32 * 4; i++) {
			seed = seed * 1103515245 + 12345;
			w[i] = seed ^ (seed >> 16) ^ (round << 24);
		}
		vfm_expect_errors(true);
		ret = bar_wr(c, IGBVF_TXQ(0) + IGBVF_Q_TAIL,
			     (round * 7 + 3) % 32);
		vfm_expect_errors(false);
		if (!ret)
			ok++;
		else if (ret == -EFAULT)
			efault++;
		else if (ret == -EINVAL)
			einval++;
		else
			ASSERT_EQ(0, ret) TH_LOG("round %u: unexpected", round);
	}
	TH_LOG("20 rounds: %d accepted, %d EFAULT, %d EINVAL", ok, efault,
	       einval);
	quiet_for(c, 100);
	recover(_metadata, c);
}

/*
 * Every descriptor the device would read an address from must be
 * translated.  QEMU's igb takes a descriptor as "data" when both DTYP
 * bits 20 and 21 are set (DTYP 3, 7, 0xb, 0xf), as "context" when only
 * bit 21 is, and legacy descriptors (DEXT = 0) use buffer_addr too.
 * Each kind with an unmapped address: EFAULT, or accepted without the
 * device ever touching the address (no IOMMU fault in the log).
 */
TEST_F_TIMEOUT(hostile, tx_descriptor_kinds, 300)
{
	static const struct {
		const char *name;
		__u32 cmd;
	} kind[] = {
		{ "legacy (DEXT=0)", IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS },
		{ "DTYP 0x7", (0x7U << 20) | IGBVF_TXD_CMD_DEXT |
			      IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS },
		{ "DTYP 0xb", (0xbU << 20) | IGBVF_TXD_CMD_DEXT |
			      IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS },
		{ "DTYP 0xf", (0xfU << 20) | IGBVF_TXD_CMD_DEXT |
			      IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS },
		{ "data, no EOP", IGBVF_TXD_DTYP_DATA | IGBVF_TXD_CMD_DEXT |
				  IGBVF_TXD_CMD_RS },
		{ "data, length 0", IGBVF_TXD_DTYP_DATA | IGBVF_TXD_CMD_DEXT |
				    IGBVF_TXD_CMD_EOP | IGBVF_TXD_CMD_RS },
	};
	struct hg_ctx *c = &self->c;
	struct vfm_kmsg_report k;
	unsigned int i;
	int ret, bad = 0;

	if (!IS_MDEV)
		SKIP(return, "mdev only (vfio-pci would DMA-fault)");
	ASSERT_LE(0, c->kmsg);
	for (i = 0; i < ARRAY_SIZE(kind); i++) {
		union igbvf_tx_desc *d;
		__u32 len = strstr(kind[i].name, "length 0") ? 0 : 100;

		ASSERT_EQ(0, hg_up(c, 0, 32, 0));
		vfm_kmsg_scan(c->kmsg, &k);	/* forget older lines */
		d = c->g[0].tx.desc->vaddr;
		d->read.buffer_addr = htole64(UNMAPPED_IOVA + 0x4c0);
		d->read.cmd_type_len = htole32(kind[i].cmd | IGBVF_TXD_CMD_IFCS |
					       len);
		d->read.olinfo_status = htole32(len << IGBVF_TXD_PAYLEN_SHIFT);
		vfm_expect_errors(true);
		ret = bar_wr(c, IGBVF_TXQ(0) + IGBVF_Q_TAIL, 1);
		vfm_expect_errors(false);
		usleep(200000);
		ASSERT_EQ(0, vfm_kmsg_scan(c->kmsg, &k));
		TH_LOG("%-16s tail write %d, IOMMU faults %u", kind[i].name,
		       ret, k.iommu_faults);
		EXPECT_TRUE(ret == 0 || ret == -EFAULT) TH_LOG("%d", ret);
		if (k.iommu_faults)
			bad++;
		recover(_metadata, c);
	}
	EXPECT_EQ(0, bad) TH_LOG("%d descriptor kinds reached the device untranslated",
				 bad);
}

/* The same on the families the rig lacks (hw_fixture.h): SKIP here. */
TEST_F(hw, hostile_tail)
{
	if (hw_open(_metadata, self, 1, true))
		SKIP(return, "%s", self->why);
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, self->fam->bad_tail(self->g[0]));
	vfm_expect_errors(false);
}

TEST_HARNESS_MAIN
