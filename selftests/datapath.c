// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: VF-to-VF data path through two devices.
 *
 * Built twice from this source: "vfio_pci_baseline" (-DVFM_BASELINE) runs
 * every test against two VFs bound to vfio-pci; "datapath" runs the same
 * tests through two igbvf_mdev mdevs (and, for comparison, vfio-pci).
 * Frames go from VF A to VF B through the PF's VF-to-VF switch and must
 * arrive byte-exact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "testenv.h"
#ifndef VFM_BASELINE
#include "hw_fixture.h"
#endif

struct dp_ctx {
	struct vfm_pair p;
	struct igbvf_guest g[2];
	bool up[2];
	int kmsg;
};

FIXTURE(datapath) {
	struct dp_ctx c;
};

FIXTURE_VARIANT(datapath) {
	enum vfm_backend backend;
	bool cdev;	/* VFIO device cdev + iommufd instead of type1 */
};

#ifndef VFM_BASELINE
FIXTURE_VARIANT_ADD(datapath, mdev) {
	.backend = VFM_BACKEND_MDEV,
};

/* The same mdev through /dev/vfio/devices/vfioN bound to an iommufd IOAS. */
FIXTURE_VARIANT_ADD(datapath, mdev_cdev) {
	.backend = VFM_BACKEND_MDEV,
	.cdev = true,
};
#endif

FIXTURE_VARIANT_ADD(datapath, vfio_pci) {
	.backend = VFM_BACKEND_VFIO_PCI,
};

FIXTURE_SETUP(datapath)
{
	char why[256] = "";
	int ret;

	self->c.kmsg = -1;
	if (variant->cdev) {
		if (vfm_cdev_available())
			SKIP(return, "no /dev/iommu: kernel without IOMMUFD");
		vfm_use_cdev(true);
	}
	ret = vfm_pair_setup(&self->c.p, variant->backend, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s: %s", vfm_backend_name(variant->backend), why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	self->c.kmsg = vfm_kmsg_watch_open();
}

FIXTURE_TEARDOWN(datapath)
{
	struct vfm_kmsg_report k;
	int i;

	for (i = 0; i < 2; i++)
		if (self->c.up[i])
			igbvf_fini(&self->c.g[i]);
	vfm_pair_teardown(&self->c.p);
	/* honest traffic: no IOMMU fault, no kernel splat */
	if (self->c.kmsg >= 0 && !vfm_kmsg_scan(self->c.kmsg, &k)) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
		close(self->c.kmsg);
	}
}

static int dp_up(struct dp_ctx *self, int i, const struct igbvf_cfg *cfg)
{
	int ret;

	if (self->up[i]) {
		igbvf_fini(&self->g[i]);
		self->up[i] = false;
	}
	ret = igbvf_init(&self->g[i], &self->p.dev[i], cfg);
	if (!ret)
		self->up[i] = true;
	return ret;
}

static void dp_cfg(struct igbvf_cfg *c, unsigned int ring, bool msix)
{
	igbvf_cfg_default(c);
	c->tx_count = ring;
	c->rx_count = ring;
	c->msix = msix;
}

static void dp_log(struct __test_metadata *_metadata, const char *what,
		   const struct vfm_traffic_result *r)
{
	double s = r->ns / 1e9;

	TH_LOG("%s: %llu/%llu frames %llu B len %u..%u, %.3fs %.0f f/s %.1f Mb/s %llu irq %llu ign",
	       what, (unsigned long long)r->received,
	       (unsigned long long)r->sent, (unsigned long long)r->bytes,
	       r->min_seen, r->max_seen, s, s > 0 ? r->received / s : 0,
	       s > 0 ? r->bytes * 8 / s / 1e6 : 0,
	       (unsigned long long)r->rx_irqs, (unsigned long long)r->foreign);
}

static bool mac_valid(const __u8 *m)
{
	static const __u8 zero[6];

	return memcmp(m, zero, 6) && !(m[0] & 1);
}

/* Region and IRQ layout the VMM sees. */
TEST_F(datapath, regions)
{
	struct vfm_dev *d = &self->c.p.dev[0];
	struct vfm_region *bar0 = &d->regions[VFIO_PCI_BAR0_REGION_INDEX];
	struct vfm_region *bar3 = &d->regions[VFIO_PCI_BAR3_REGION_INDEX];
	struct vfm_region *cfg = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	__u16 vendor, device;
	__u32 status;

	ASSERT_GE(d->info.num_regions, VFIO_PCI_CONFIG_REGION_INDEX + 1);
	ASSERT_GE(d->info.num_irqs, VFIO_PCI_REQ_IRQ_INDEX + 1);
	ASSERT_TRUE(d->info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_EQ(16384, bar0->size);
	ASSERT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_READ);
	ASSERT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_WRITE);
	ASSERT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_GE(bar0->nr_mmaps, 1);
	ASSERT_NE(NULL, bar0->mmaps[0].addr);
	/* the interrupt page is directly mapped in both backends */
	ASSERT_NE(NULL, vfm_region_ptr(d, 0, IGBVF_EIMS, 4));
	ASSERT_EQ(16384, bar3->size);
	ASSERT_GE(cfg->size, 256);
	ASSERT_EQ(0, vfm_cfg_read16(d, PCI_VENDOR_ID, &vendor));
	ASSERT_EQ(0, vfm_cfg_read16(d, PCI_DEVICE_ID, &device));
	ASSERT_EQ(VFM_PF_VENDOR, vendor);
	ASSERT_EQ(VFM_VF_DEVICE, device);
	ASSERT_EQ(3, d->irqs[VFIO_PCI_MSIX_IRQ_INDEX].count);
	ASSERT_TRUE(d->irqs[VFIO_PCI_MSIX_IRQ_INDEX].flags &
		    VFIO_IRQ_INFO_EVENTFD);
	ASSERT_EQ(1, d->irqs[VFIO_PCI_REQ_IRQ_INDEX].count);
	/* STATUS reads through whichever path covers page 0 */
	ASSERT_EQ(0, vfm_bar_read32(d, 0, IGBVF_STATUS, &status));
	ASSERT_NE(0xffffffff, status);

	if (variant->backend == VFM_BACKEND_MDEV) {
		int i;

		/* only the interrupt page 0x1000 is mmapped */
		ASSERT_TRUE(bar0->has_sparse);
		ASSERT_EQ(1, bar0->nr_mmaps);
		ASSERT_EQ(0x1000, bar0->mmaps[0].offset);
		ASSERT_EQ(0x1000, bar0->mmaps[0].size);
		ASSERT_EQ(NULL, vfm_region_ptr(d, 0, IGBVF_V2PMAILBOX, 4));
		ASSERT_EQ(NULL, vfm_region_ptr(d, 0, IGBVF_RXQ(0), 4));
		ASSERT_EQ(NULL, vfm_region_ptr(d, 0, IGBVF_TXQ(0), 4));
		ASSERT_EQ(256, cfg->size);
		for (i = 1; i <= VFIO_PCI_ROM_REGION_INDEX; i++)
			if (i != VFIO_PCI_BAR3_REGION_INDEX)
				EXPECT_EQ(0, d->regions[i].size)
					TH_LOG("region %d", i);
		EXPECT_EQ(0, d->irqs[VFIO_PCI_INTX_IRQ_INDEX].count);
		EXPECT_EQ(0, d->irqs[VFIO_PCI_MSI_IRQ_INDEX].count);
	}
	vfm_dump(d, stderr);
}

/*
 * The error (AER) interrupt is there as on vfio-pci: one eventfd, which
 * the device fires on an AER error and userspace can fire to test it.
 */
TEST_F(datapath, error_irq)
{
	struct vfm_dev *d = &self->c.p.dev[0];
	const __u32 trig = VFIO_IRQ_SET_ACTION_TRIGGER;
	__u64 n = 0;
	int fd;

	ASSERT_EQ(1, d->irqs[VFIO_PCI_ERR_IRQ_INDEX].count);
	ASSERT_TRUE(d->irqs[VFIO_PCI_ERR_IRQ_INDEX].flags &
		    VFIO_IRQ_INFO_EVENTFD);
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vfm_set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX,
				  VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 1, &fd));
	ASSERT_EQ(0, vfm_set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX,
				  VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, NULL));
	ASSERT_EQ(sizeof(n), read(fd, &n, sizeof(n)));
	ASSERT_EQ(1, n);
	/* Two vectors on a one-vector index: refused. */
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX,
					VFIO_IRQ_SET_DATA_NONE | trig, 0, 2,
					NULL));
	vfm_expect_errors(false);
	/* Cleared: nothing left to fire (EINVAL, as vfio-pci). */
	ASSERT_EQ(0, vfm_set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX,
				  VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, NULL));
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX,
					VFIO_IRQ_SET_DATA_NONE | trig, 0, 1,
					NULL));
	vfm_expect_errors(false);
	EXPECT_EQ(-1, read(fd, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

/* Reset handshake: both VFs get the MAC the PF assigned. */
TEST_F(datapath, reset_mac_from_pf)
{
	char a[24], b[24];
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, dp_up(&self->c, i, NULL));
		ASSERT_TRUE(mac_valid(self->c.g[i].mac))
			TH_LOG("VF %d MAC %s", i,
			       igbvf_mac_str(self->c.g[i].mac, a, sizeof(a)));
		if (self->c.p.mac_assigned) {
			ASSERT_TRUE(self->c.g[i].pf_gave_mac);
			ASSERT_EQ(0, memcmp(self->c.g[i].mac, self->c.p.mac[i], 6))
				TH_LOG("VF %d: PF said %s, we assigned %s", i,
				       igbvf_mac_str(self->c.g[i].mac, a,
						     sizeof(a)),
				       igbvf_mac_str(self->c.p.mac[i], b,
						     sizeof(b)));
		}
		ASSERT_EQ(1, igbvf_link_up(&self->c.g[i]));
	}
	ASSERT_NE(0, memcmp(self->c.g[0].mac, self->c.g[1].mac, 6));
	/* a second reset handshake gives the same answer */
	memcpy(a, self->c.g[0].mac, 6);
	ASSERT_EQ(0, igbvf_reset_hw(&self->c.g[0]));
	ASSERT_EQ(0, memcmp(a, self->c.g[0].mac, 6));
}

/* Every size 60..1514, then random sizes, small rings that wrap a lot. */
TEST_F_TIMEOUT(datapath, sizes_a_to_b, 900)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	dp_cfg(&c, 32, false);
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));

	vfm_traffic_default(&t);
	t.frames = IGBVF_MAX_FRAME - 60 + 1;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "sweep 60..1514 A->B", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_EQ(0, r.mismatched);
	ASSERT_EQ(60, r.min_seen);
	ASSERT_EQ(IGBVF_MAX_FRAME, r.max_seen);

	t.frames = 10000;
	t.sweep = false;
	t.seed = 42;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "random sizes A->B", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_EQ(0, r.mismatched);
	/* the 32-entry rings wrapped many times */
	ASSERT_GE(self->c.g[0].st.tx_done / 32, 100);
	ASSERT_EQ(0, self->c.g[0].st.doorbell_errors);
	ASSERT_EQ(0, self->c.g[1].st.rx_errors);
}

/* Interrupt driven receive: MSI-X on the RX vector eventfd. */
TEST_F_TIMEOUT(datapath, msix_b_to_a, 900)
{
	struct igbvf_hw_stats hs0, hs1;
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	dp_cfg(&c, 64, true);
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));
	ASSERT_EQ(0, igbvf_read_hw_stats(&self->c.g[0], &hs0));

	vfm_traffic_default(&t);
	t.frames = 2000;
	t.sweep = false;
	t.seed = 7;
	t.use_irq = true;
	t.burst = 4;
	ret = vfm_traffic_run(&self->c.g[1], &self->c.g[0], &t, &r);
	dp_log(_metadata, "B->A with MSI-X", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_EQ(0, r.mismatched);
	ASSERT_GT(r.rx_irqs, 0);
	ASSERT_LE(r.rx_irqs, t.frames);
	ASSERT_EQ(0, igbvf_read_hw_stats(&self->c.g[0], &hs1));
	TH_LOG("A VFGPRC %u -> %u, VFGORC %u -> %u, irqs tx %llu rx %llu other %llu",
	       hs0.gprc, hs1.gprc, hs0.gorc, hs1.gorc,
	       (unsigned long long)self->c.g[0].st.irqs[0],
	       (unsigned long long)self->c.g[0].st.irqs[1],
	       (unsigned long long)self->c.g[0].st.irqs[2]);
	EXPECT_GE(hs1.gprc - hs0.gprc, t.frames);
}

/* TX completion through the head write-back dword instead of DD. */
TEST_F_TIMEOUT(datapath, tx_head_writeback, 600)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	dp_cfg(&c, 16, false);
	c.tx_head_wb = true;
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	dp_cfg(&c, 64, false);
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));

	vfm_traffic_default(&t);
	t.frames = 600;
	t.sweep = false;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "A->B with TX head write-back", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_EQ(0, self->c.g[0].tx.pending);
	ASSERT_EQ(t.frames, self->c.g[0].st.tx_done);
	ASSERT_EQ(self->c.g[0].tx.next_to_use,
		  le32toh(*(__u32 *)self->c.g[0].hwb->vaddr));
}

/* RX header split: the frame is reassembled from both buffers. */
TEST_F_TIMEOUT(datapath, rx_header_split, 600)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	dp_cfg(&c, 32, false);
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	c.hdr_len = 128;
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));

	vfm_traffic_default(&t);
	t.frames = 500;
	t.sweep = false;
	t.seed = 3;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "A->B into header-split ring", &r);
	TH_LOG("frames using the header buffer: %llu",
	       (unsigned long long)self->c.g[1].st.rx_split);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_EQ(0, r.mismatched);
}

/*
 * Buffers that straddle page boundaries, jumbo buffers spanning three
 * pages with header split, and TX frames over several descriptors and
 * pages: every byte of every page of a buffer must be reachable.
 */
TEST_F_TIMEOUT(datapath, buffer_layouts, 900)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	/*
	 * QEMU's igb drops a TX buffer that crosses a page of its IOMMU
	 * (net_tx_pkt_add_raw_fragment_pci maps it in one piece): TX frames
	 * go over several descriptors and pages, each buffer in one page.
	 */
	dp_cfg(&c, 64, false);
	c.rx_buf_off = 3072;		/* every other buffer straddles */
	c.tx_frag = 1000;
	c.tx_buf_off = 1024;
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));
	vfm_traffic_default(&t);
	t.frames = 600;
	t.sweep = false;
	t.seed = 5;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "straddling buffers A->B", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);

	dp_cfg(&c, 64, false);
	c.rx_buf_len = 10240;		/* three pages and more */
	c.rx_buf_off = 1536;
	c.hdr_len = 256;
	c.tx_frag = 1000;		/* up to nine descriptors a frame */
	c.tx_buf_off = 1024;
	c.tx_head_wb = true;
	c.max_frame = IGBVF_MAX_JUMBO + 22;
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));
	t.frames = 300;
	t.max_len = IGBVF_MAX_JUMBO;
	t.window = 16;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "jumbo, header split, TX fragments A->B", &r);
	TH_LOG("frames using the header buffer: %llu",
	       (unsigned long long)self->c.g[1].st.rx_split);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_LT(8000, r.max_seen);
	ASSERT_EQ(0, self->c.g[0].st.doorbell_errors);
}

/* Broadcast and multicast (after SET_MULTICAST) reach the other VF. */
TEST_F_TIMEOUT(datapath, mailbox_and_multicast, 600)
{
	static const __u8 mc[2][6] = {
		{ 0x01, 0x00, 0x5e, 0x11, 0x22, 0x33 },
		{ 0x33, 0x33, 0x00, 0x00, 0x76, 0x66 },
	};
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int ret;

	dp_cfg(&c, 32, false);
	ASSERT_EQ(0, dp_up(&self->c, 0, &c));
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));
	ASSERT_EQ(0, igbvf_set_multicast(&self->c.g[1], mc[0], 2));
	ret = igbvf_set_vlan(&self->c.g[1], 100, true);
	ASSERT_TRUE(ret == 0 || ret == -EPERM) TH_LOG("SET_VLAN: %d", ret);
	if (!ret)
		ASSERT_EQ(0, igbvf_set_vlan(&self->c.g[1], 100, false));
	ASSERT_EQ(0, igbvf_set_lpe(&self->c.g[1], 1522));

	vfm_traffic_default(&t);
	t.frames = 100;
	t.broadcast = true;
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "broadcast A->B", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);

	t.broadcast = false;
	t.dst = mc[0];
	ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
	dp_log(_metadata, "multicast A->B", &r);
	ASSERT_EQ(0, ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(t.frames, r.received);
	ASSERT_GE(self->c.g[1].st.mbx_tx, 5);
}

/* VFIO_DEVICE_RESET in the middle: the VF comes back and passes traffic. */
TEST_F_TIMEOUT(datapath, device_reset, 600)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct igbvf_cfg c;
	int round, ret;

	dp_cfg(&c, 32, true);
	ASSERT_EQ(0, dp_up(&self->c, 1, &c));
	vfm_traffic_default(&t);
	t.frames = 200;
	t.sweep = false;
	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, dp_up(&self->c, 0, &c));
		t.seed = round + 11;
		ret = vfm_traffic_run(&self->c.g[0], &self->c.g[1], &t, &r);
		ASSERT_EQ(0, ret) TH_LOG("round %d: %s", round, r.msg);
		ASSERT_EQ(t.frames, r.received);
		igbvf_fini(&self->c.g[0]);
		self->c.up[0] = false;
		ASSERT_EQ(0, vfm_reset(&self->c.p.dev[0]));
	}
}

#ifndef VFM_BASELINE
/* The same on the families the rig lacks (hw_fixture.h): SKIP here. */
TEST_F(hw, datapath)
{
	static __u8 frame[VFM_HW_MAX_FRAME], got[VFM_HW_MAX_FRAME];
	struct vfm_hw_guest *a, *b;
	size_t len, flen;
	__u32 seq;

	if (hw_open(_metadata, self, 2, true))
		SKIP(return, "%s", self->why);
	a = self->g[0];
	b = self->g[1];
	for (seq = 0; seq < HW_FRAMES; seq++) {
		flen = 60 + (seq * 97) % (VFM_HW_MAX_FRAME - 60);
		vfm_frame_build(frame, b->mac, a->mac, seq, flen);
		ASSERT_EQ(0, self->fam->xmit(a, frame, flen));
		ASSERT_EQ(1, self->fam->rx(b, got, sizeof(got), &len, 2000));
		ASSERT_EQ(0, vfm_frame_check(got, len, b->mac, a->mac, seq, flen));
	}
}
#endif

TEST_HARNESS_MAIN
