// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: live migration of a running guest through the VFIO
 * migration region (the "v8" draft ABI of include/uapi/linux/vf_mdev.h),
 * driven as QEMU 5.2-7.2 drive it and by nothing else: no VFIO migration
 * v2 call touches the devices.
 *
 * The scenario is migration_v2's (selftests/lib/mig_scenario.c): mdev A
 * receives frames from C while its memory is pre-copied in rounds from the
 * dirty reports, stops, the memories are compared byte for byte, and the
 * same guest-driver state continues on B.  The reports come from the
 * region's dirty-pfn window, or from the type1 container as QEMU 7.2 takes
 * them.  The stream goes through the data window in window-sized chunks,
 * read through the mmap or by pread; the final round's dirty queries run
 * between reading a chunk's size and its data.  One variant gives the
 * guest enough configuration (VLAN filters) for the final frame to span
 * several chunks.
 *
 * Fixture "hw" (hw_fixture.h) saves a running ixgbevf or iavf guest
 * through the region and restores it where migration_v2's hw case does:
 * on the other VF, or (iavf) on the same VF after RESUMING's reset.  It
 * SKIPs, saying why, without such VFs (the QEMU rig has none).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mig_region.h"
#include "mig_scenario.h"
#include "hw_fixture.h"

struct mr_run {
	struct mig_ctx c;
	struct vfm_mr ma, mb;
	struct mig_stats st;
	__u64 between_ns;
};

FIXTURE(mreg) {
	struct mr_run r;
};

FIXTURE_VARIANT(mreg) {
	bool pfn;		/* the region's dirty-pfn window, else type1 */
	bool jumbo;		/* 10 KiB RX buffers, header split, TX frags */
	bool pread;		/* data by pread/pwrite, else the mmap */
	int vlans;		/* VLAN filters the guest sets up */
};

FIXTURE_VARIANT_ADD(mreg, pfn_window) {
	.pfn = true,
};

FIXTURE_VARIANT_ADD(mreg, pfn_window_jumbo_pread) {
	.pfn = true,
	.jumbo = true,
	.pread = true,
};

FIXTURE_VARIANT_ADD(mreg, type1) {
	.pfn = false,
};

FIXTURE_VARIANT_ADD(mreg, type1_jumbo) {
	.pfn = false,
	.jumbo = true,
};

FIXTURE_VARIANT_ADD(mreg, pfn_window_many_chunks) {
	.pfn = true,
	.vlans = 24,
};

/* The dirty-pfn window's report for one mapping of A's memory. */
static int mreg_report_pfn(struct mig_ctx *c, struct mig_mem *m)
{
	return vfm_mr_dirty(c->report_arg, m->src->iova, m->src->size,
			    m->dev_bm);
}

FIXTURE_SETUP(mreg)
{
	struct mig_ctx *c = &self->r.c;
	char why[256] = "";
	int ret;

	ret = mig_scn_setup(c, variant->jumbo, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, vfm_mr_find(&c->dev[MIG_A], &self->r.ma, !variant->pread))
		TH_LOG("no migration region on A");
	c->report = variant->pfn ? mreg_report_pfn : mig_report_type1;
	c->report_arg = &self->r.ma;
}

FIXTURE_TEARDOWN(mreg)
{
	struct vfm_kmsg_report k;
	bool have_k;

	mig_scn_teardown(&self->r.c, &k, &have_k);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

/*
 * The device stopped: frames sent to it now are lost, the final round of
 * dirty reports (between a chunk's data_size and its data).
 */
static int mreg_final_round(void *arg)
{
	struct mr_run *r = arg;
	__u64 t0 = vfm_now_ns();
	int ret;

	ret = mig_c2a_send(&r->c, 4);
	if (!ret)
		ret = mig_round(&r->c, &r->st, false);
	r->between_ns = vfm_now_ns() - t0;
	return ret;
}

TEST_F_TIMEOUT(mreg, precopy_and_restore, 240)
{
	struct mig_ctx *c = &self->r.c;
	struct vfm_buf initial = { 0 }, final = { 0 };
	struct mig_stats *st = &self->r.st;
	unsigned int chunks0, bchunks0;
	int k, bad;
	char why[256] = "";
	__u64 t0, pending;
	__u32 state;
	long n;

	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, vfm_mr_state(&self->r.ma, &state));
	ASSERT_EQ(VFM_V1_RUNNING, state);

	/* Traffic before anything starts; the configuration it keeps. */
	ASSERT_EQ(0, mig_warm_up(c, why, sizeof(why))) TH_LOG("%s", why);
	for (k = 0; k < variant->vlans; k++)
		ASSERT_EQ(0, igbvf_set_vlan(&c->ga, 200 + k, true))
			TH_LOG("VLAN %d", 200 + k);

	/*
	 * QEMU 7.2: the container's tracking starts with RAM's setup, then
	 * the device is asked for SAVING | RUNNING; the bulk copy follows.
	 */
	if (!variant->pfn)
		ASSERT_EQ(0, vfm_dirty_start(&c->dev[MIG_A]));
	ASSERT_EQ(0, vfm_mr_set_state(&self->r.ma, VFIO_DEVICE_STATE_MASK,
				      VFM_V1_SAVING));
	ASSERT_EQ(0, vfm_mr_state(&self->r.ma, &state));
	ASSERT_EQ(VFM_V1_SAVING | VFM_V1_RUNNING, state);
	ASSERT_EQ(0, mig_round(c, st, true));

	/* Pre-copy: the initial data, chunk by chunk, until none is pending. */
	ASSERT_EQ(0, vfm_mr_pending(&self->r.ma, &pending));
	ASSERT_LT(0, pending);
	for (k = 0; k < 8; k++) {
		n = vfm_mr_precopy_iterate(&self->r.ma, &initial);
		ASSERT_LE(0, n);
		if (!n)
			break;
	}
	ASSERT_LT(0, initial.len);
	ASSERT_EQ(0, vfm_mr_pending(&self->r.ma, &pending));
	ASSERT_EQ(0, pending);
	chunks0 = self->r.ma.chunks;

	/* The destination takes the initial data while the source runs. */
	ASSERT_EQ(0, mig_open_dest(c));
	ASSERT_EQ(0, vfm_mr_find(&c->dev[MIG_B], &self->r.mb, !variant->pread));
	ASSERT_EQ(0, vfm_mr_set_state(&self->r.mb, ~VFIO_DEVICE_STATE_MASK,
				      VFM_V1_RESUMING));
	ASSERT_EQ(0, vfm_mr_resume(&self->r.mb, initial.p, initial.len));
	bchunks0 = self->r.mb.chunks;

	/*
	 * Pre-copy rounds: each reports, then more traffic arrives; the
	 * device has no more data while it runs (QEMU asks each round).
	 */
	for (k = 0; k < MIG_ROUNDS; k++) {
		ASSERT_EQ(0, mig_round(c, st, false));
		ASSERT_EQ(0, vfm_mr_precopy_iterate(&self->r.ma, &initial));
		ASSERT_EQ(0, mig_precopy_traffic(c, k, why, sizeof(why)))
			TH_LOG("%s", why);
	}
	ASSERT_EQ(0, mig_before_stop(c));
	/* Sent before the stop, or held by it and sent by B: once. */
	ASSERT_EQ(0, mig_a2c_queue(c));
	ASSERT_EQ(0, igbvf_tx_kick(&c->ga));

	/*
	 * The VM stops: SAVING (stop-and-copy), the rest of the stream, the
	 * final dirty round between a chunk's size and its data, then STOP.
	 */
	t0 = vfm_now_ns();
	n = vfm_mr_stop_and_copy(&self->r.ma, &final, mreg_final_round, &self->r);
	st->stop_ns = vfm_now_ns() - t0 - self->r.between_ns;
	ASSERT_LT(0, n);
	ASSERT_EQ(st->rounds, MIG_ROUNDS + 2);
	ASSERT_EQ(0, vfm_mr_state(&self->r.ma, &state));
	ASSERT_EQ(VFM_V1_STOP, state);
	st->initial = initial.len;
	st->stream = initial.len + final.len;
	bad = mig_compare(c, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages missed: %s", bad, why);
	/* The frames sent to the stopped source are lost, as on a wire. */
	c->c2a_sent -= 4;
	if (variant->vlans)
		ASSERT_LT(1, self->r.ma.chunks - chunks0)
			TH_LOG("the final frame (%zu B) in one chunk", final.len);

	/* The destination: the rest of the stream, then RUNNING. */
	ASSERT_EQ(0, vfm_msix_enable(&c->dev[MIG_B], IGBVF_NR_VECS));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mr_resume(&self->r.mb, final.p, final.len));
	ASSERT_EQ(0, vfm_mr_set_state(&self->r.mb, ~VFIO_DEVICE_STATE_MASK,
				      VFM_V1_RUNNING));
	st->restore_ns = vfm_now_ns() - t0;
	ASSERT_EQ(0, vfm_mr_state(&self->r.mb, &state));
	ASSERT_EQ(VFM_V1_RUNNING, state);

	/* The same driver state, on B; the source goes away. */
	ASSERT_EQ(0, mig_continue_on_b(c, why, sizeof(why))) TH_LOG("%s", why);

	mig_print(st, variant->pfn ? "dirty-pfn window" : "type1");
	TH_LOG("chunks: source %u (initial %u, final %u), destination %u",
	       self->r.ma.chunks, chunks0, self->r.ma.chunks - chunks0,
	       self->r.mb.chunks);
	TH_LOG("  (destination initial %u, final %u), data by %s; dirty queries %u",
	       bchunks0, self->r.mb.chunks - bchunks0,
	       variant->pread ? "pread" : "mmap", self->r.ma.queries);
	vfm_buf_free(&initial);
	vfm_buf_free(&final);
}

/* Chunks of the initial data a hw case takes at most (a window each). */
#define HW_MR_CHUNKS	256

/*
 * The families the rig lacks (hw_fixture.h; SKIP here): the v1 save of a
 * running guest, SAVING | RUNNING (the initial data) then SAVING (the
 * rest, then STOP), loaded through the region in RESUMING, then RUNNING.
 */
TEST_F_TIMEOUT(hw, migration, 120)
{
	struct vfm_buf st = { };
	struct vfm_mr src, dst, *mr;
	unsigned int saved;
	__u64 pending;
	__u32 state;
	long n;
	int k;

	if (hw_mig_open(_metadata, self))
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, vfm_mr_find(&self->dev[0], &src, true))
		TH_LOG("no migration region on %s", self->vfs[0]);
	ASSERT_EQ(0, vfm_mr_state(&src, &state));
	ASSERT_EQ(VFM_V1_RUNNING, state);

	/* Pre-copy: the initial data, chunk by chunk, until none is pending. */
	ASSERT_EQ(0, vfm_mr_set_state(&src, VFIO_DEVICE_STATE_MASK,
				      VFM_V1_SAVING));
	ASSERT_EQ(0, vfm_mr_state(&src, &state));
	ASSERT_EQ(VFM_V1_SAVING | VFM_V1_RUNNING, state);
	for (k = 0; k < HW_MR_CHUNKS; k++) {
		n = vfm_mr_precopy_iterate(&src, &st);
		ASSERT_LE(0, n);
		if (!n)
			break;
	}
	ASSERT_LT(0, st.len);
	ASSERT_EQ(0, vfm_mr_pending(&src, &pending));
	ASSERT_EQ(0, pending);

	/* Stop-and-copy: SAVING, the rest of the stream, then STOP. */
	n = vfm_mr_stop_and_copy(&src, &st, NULL, NULL);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, vfm_mr_state(&src, &state));
	ASSERT_EQ(VFM_V1_STOP, state);
	saved = src.chunks;

	/* Another VF, or (iavf) the same one after RESUMING's reset. */
	if (hw_mig_dst(self)) {
		ASSERT_EQ(0, vfm_mr_find(&self->dev[1], &dst, true))
			TH_LOG("no migration region on %s", self->vfs[1]);
		mr = &dst;
	} else {
		mr = &src;
	}
	ASSERT_EQ(0, vfm_mr_set_state(mr, ~VFIO_DEVICE_STATE_MASK,
				      VFM_V1_RESUMING));
	ASSERT_EQ(0, vfm_mr_state(mr, &state));
	ASSERT_EQ(VFM_V1_RESUMING, state);
	mr->chunks = 0;
	ASSERT_EQ(0, vfm_mr_resume(mr, st.p, st.len));
	ASSERT_EQ(0, vfm_mr_set_state(mr, ~VFIO_DEVICE_STATE_MASK,
				      VFM_V1_RUNNING));
	ASSERT_EQ(0, vfm_mr_state(mr, &state));
	ASSERT_EQ(VFM_V1_RUNNING, state);
	TH_LOG("%s: %zu bytes, %u chunks saved, %u loaded", self->fam->name,
	       st.len, saved, mr->chunks);
	vfm_buf_free(&st);
}

TEST_HARNESS_MAIN
