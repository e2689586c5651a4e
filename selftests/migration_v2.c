// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: live migration of a running guest, VFIO migration v2.
 *
 * The test is the VMM and the guest.  Mdev A (VF 1) receives a steady
 * stream of frames from mdev C (VF 2) and sends some back.  The VMM
 * pre-copies A's "guest memory" into a destination buffer in rounds using
 * only the dirty reports (the type1 container's, or the device's DMA
 * logging where the kernel offers it) plus the writes its own guest-driver
 * code makes, stops A, does the final round and compares the two
 * memories byte for byte: a page the device wrote that no report named
 * differs.  Mdev B (VF 3, given A's MAC by the PF as an operator would)
 * gets the destination memory at the same IOVAs and the stream; the same
 * guest-driver state continues on B, without re-initialising: frames C
 * sent before the stop are found in the ring, a frame queued while the
 * device was stopping is sent from B, new frames arrive, interrupts,
 * statistics and the mailbox continue.
 *
 * The buffers straddle page boundaries (and in the jumbo variant span
 * three pages, with header split and TX frames over several descriptors
 * and pages): a dirty log that marks only a buffer's first page fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mig.h"
#include "mig_scenario.h"
#include "hw_fixture.h"

FIXTURE(mig) {
	struct mig_ctx c;
	bool dlog;
};

FIXTURE_VARIANT(mig) {
	bool dlog;		/* the device's DMA logging, else type1 */
	bool jumbo;		/* 10 KiB RX buffers, header split, TX frags */
};

FIXTURE_VARIANT_ADD(mig, type1) {
	.dlog = false,
};

FIXTURE_VARIANT_ADD(mig, type1_jumbo) {
	.dlog = false,
	.jumbo = true,
};

FIXTURE_VARIANT_ADD(mig, dma_logging) {
	.dlog = true,
};

FIXTURE_VARIANT_ADD(mig, dma_logging_jumbo) {
	.dlog = true,
	.jumbo = true,
};

FIXTURE_SETUP(mig)
{
	struct mig_ctx *c = &self->c;
	char why[256] = "";
	int ret;

	ret = mig_scn_setup(c, variant->jumbo, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	self->dlog = variant->dlog;
	if (self->dlog && vfm_dlog_probe(&c->dev[MIG_A]))
		SKIP(return, "no DMA logging on this kernel (no IOMMUFD_DRIVER)");
	c->report = self->dlog ? mig_report_dlog : mig_report_type1;
}

FIXTURE_TEARDOWN(mig)
{
	struct vfm_kmsg_report k;
	bool have_k;

	mig_scn_teardown(&self->c, &k, &have_k);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

static int mig_dirty_start(struct mig_ctx *c, bool dlog)
{
	struct vfm_dma *m[VFM_MAX_DMA];
	int i;

	if (!dlog)
		return vfm_dirty_start(&c->dev[MIG_A]);
	for (i = 0; i < c->nmem; i++)
		m[i] = c->mem[i].src;
	return vfm_dlog_start(&c->dev[MIG_A], m, c->nmem);
}

TEST_F_TIMEOUT(mig, precopy_and_restore, 240)
{
	struct mig_ctx *c = &self->c;
	struct vfm_buf initial = { 0 }, final = { 0 };
	struct mig_stats st = { 0 };
	__u64 t0, t1, len0, dirty0, mig_flags, data_size;
	int sfd = -1, rfd = -1, k, bad;
	char why[256] = "";
	__u32 state;
	bool ended;
	long n;

	ASSERT_EQ(0, vfm_mig_flags(&c->dev[MIG_A], &mig_flags));
	ASSERT_EQ(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
		  VFIO_MIGRATION_PRE_COPY, mig_flags);
	ASSERT_EQ(0, vfm_mig_get(&c->dev[MIG_A], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);

	/* Traffic before anything starts. */
	ASSERT_EQ(0, mig_warm_up(c, why, sizeof(why))) TH_LOG("%s", why);

	/* Dirty tracking, the bulk copy, PRE_COPY and its initial data. */
	ASSERT_EQ(0, mig_dirty_start(c, self->dlog));
	ASSERT_EQ(0, mig_round(c, &st, true));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_PRE_COPY,
				 &sfd));
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, vfm_mig_precopy_info(sfd, &len0, &dirty0));
	ASSERT_LT(0, len0);
	ASSERT_EQ(0, dirty0);
	ASSERT_EQ(0, vfm_mig_data_size(&c->dev[MIG_A], &data_size));
	n = vfm_mig_read(sfd, &initial, &ended);
	ASSERT_EQ((long)len0, n);
	ASSERT_FALSE(ended);
	ASSERT_EQ(0, vfm_mig_precopy_info(sfd, &len0, &dirty0));
	ASSERT_EQ(0, len0);

	/* The destination takes the initial data while the source runs. */
	ASSERT_EQ(0, mig_open_dest(c));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RESUMING,
				 &rfd));
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, vfm_mig_write(rfd, initial.p, initial.len, 0));

	/* Pre-copy rounds: each one reports, then more traffic arrives. */
	for (k = 0; k < MIG_ROUNDS; k++) {
		ASSERT_EQ(0, mig_round(c, &st, false));
		ASSERT_EQ(0, mig_precopy_traffic(c, k, why, sizeof(why)))
			TH_LOG("%s", why);
	}
	/* Frames in A's ring that A has not looked at, when it stops. */
	ASSERT_EQ(0, mig_before_stop(c));

	/* Stopping: a frame queued now is held, and sent by B. */
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_PRE_COPY_P2P,
				 NULL));
	ASSERT_EQ(0, mig_a2c_queue(c));
	ASSERT_EQ(0, igbvf_tx_kick(&c->ga));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP_COPY,
				 NULL));
	n = vfm_mig_read(sfd, &final, &ended);
	st.stop_ns = vfm_now_ns() - t0;
	ASSERT_LT(0, n);
	ASSERT_TRUE(ended);
	ASSERT_EQ(final.len, data_size) TH_LOG("MIG_DATA_SIZE said %llu",
					       (unsigned long long)data_size);
	st.stream = initial.len + final.len;
	st.initial = initial.len;
	/* Stopped: nothing more reaches A's memory. */
	ASSERT_EQ(0, mig_c2a_send(c, 4));
	ASSERT_EQ(0, mig_round(c, &st, false));
	bad = mig_compare(c, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages missed: %s", bad, why);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP, NULL));
	close(sfd);
	/* The frames sent to the stopped source are lost, as on a wire. */
	c->c2a_sent -= 4;

	/* The destination: the rest of the stream, then it runs. */
	ASSERT_EQ(0, vfm_msix_enable(&c->dev[MIG_B], IGBVF_NR_VECS));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_write(rfd, final.p, final.len, 1000));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING,
				 NULL));
	t1 = vfm_now_ns();
	st.restore_ns = t1 - t0;
	close(rfd);

	/* The same driver state, on B; the source goes away. */
	ASSERT_EQ(0, mig_continue_on_b(c, why, sizeof(why))) TH_LOG("%s", why);

	mig_print(&st, self->dlog ? (variant->jumbo ? "DMA logging, jumbo" :
				     "DMA logging") :
		  (variant->jumbo ? "type1, jumbo" : "type1"));
	vfm_buf_free(&initial);
	vfm_buf_free(&final);
}

/* The same on the families the rig lacks (hw_fixture.h): SKIP here. */
TEST_F(hw, migration)
{
	struct vfm_buf st = { };
	__u64 flags = 0;
	bool ended = false;
	int fd = -1, rfd = -1, dst;

	if (hw_mig_open(_metadata, self))
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, vfm_mig_flags(&self->dev[0], &flags));
	ASSERT_TRUE(flags & VFIO_MIGRATION_STOP_COPY);
	/* Source: stop and save; destination: load what it saved. */
	ASSERT_EQ(0, vfm_mig_set(&self->dev[0], VFIO_DEVICE_STATE_STOP_COPY, &fd));
	while (!ended)
		ASSERT_LE(0, vfm_mig_read(fd, &st, &ended));
	/* Another VF, or (iavf) the same one after RESUMING's reset. */
	dst = hw_mig_dst(self);
	if (!dst)
		ASSERT_EQ(0, vfm_mig_set(&self->dev[0], VFIO_DEVICE_STATE_STOP, NULL));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[dst], VFIO_DEVICE_STATE_RESUMING, &rfd));
	ASSERT_EQ(0, vfm_mig_write(rfd, st.p, st.len, 4096));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[dst], VFIO_DEVICE_STATE_RUNNING, NULL));
	close(fd);
	close(rfd);
	vfm_buf_free(&st);
}

TEST_HARNESS_MAIN
