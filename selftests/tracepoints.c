// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the vf_mdev tracepoints and the debugfs state file,
 * as an operator would read them during a live migration.
 *
 * The events of the vf_mdev system are enabled in a tracefs instance of
 * the test's own; the live-migration scenario of lib/mig_scenario.h runs
 * (mdev A receiving from C, pre-copied in rounds through the type1
 * container's dirty log or the device's DMA logging, stopped with a frame
 * held, its state resumed on B, the guest continuing there); then the
 * buffer is read back and every event checked against what the test did
 * and saw: the state machine's arcs in order, each within the time the
 * test measured for its call; the stream frames with the bytes and
 * records the test read and wrote; the dirty reports with the pages the
 * test's reports held; the doorbells with the descriptors the debugfs
 * counters moved by, the held tail, the restart on B; the pin cache's
 * trims and the unmaps at A's close.  The debugfs state file is read at
 * each step for the migration state and its counters.
 *
 * Post-copy: A's state resumes on B in post-copy mode with the RX
 * buffers not declared resident; B's restart requests them, the test
 * acknowledges what it takes, and the events (requests, acknowledgments,
 * the doorbell waiting then going on) and debugfs' prefault line must
 * match.  A request left unanswered times out: its event, and the arc to
 * ERROR.
 *
 * SKIP when the kernel has no tracefs with event tracing.
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
#include "observe.h"
#include "prefault.h"

#define TP_INST		"vfmdev_tracepoints"
#define TP_BUF_KB	8192
#define TP_STATE	8192
#define TP_RINGS	8
#define INFO(f)		offsetof(struct vf_mdev_prefault_info, f)

/* What debugfs shows of one mdev, the part the checks need. */
struct tp_dbg {
	int nrings;
	__u64 base[TP_RINGS];
	__u64 doorbells[TP_RINGS];
	__u64 descs[TP_RINGS];
	__u64 cached;		/* pin_cache: pages */
	__u64 trimmed;		/* sweep: trimmed */
};

static int tp_dbg(const char *uuid, struct tp_dbg *d)
{
	char st[TP_STATE], line[16];
	int i;

	memset(d, 0, sizeof(*d));
	if (vfm_state_read(uuid, st, sizeof(st)))
		return -ENOENT;
	for (i = 0; i < TP_RINGS; i++) {
		snprintf(line, sizeof(line), "ring %d:", i);
		if (vfm_state_u64(st, line, "doorbells", &d->doorbells[i]) ||
		    vfm_state_u64(st, line, "descs", &d->descs[i]) ||
		    vfm_state_u64(st, line, "base", &d->base[i]))
			break;
	}
	d->nrings = i;
	if (!i || vfm_state_u64(st, "pin_cache:", "pages", &d->cached) ||
	    vfm_state_u64(st, "sweep:", "trimmed", &d->trimmed))
		return -EPROTO;
	return 0;
}

/* The core's index of the ring at @base (from debugfs), or -1. */
static int tp_ring_at(const struct tp_dbg *d, __u64 base)
{
	int i;

	for (i = 0; i < d->nrings; i++)
		if (d->base[i] == base)
			return i;
	return -1;
}

/* A debugfs field, for a check: the value, or ~0 when it is missing. */
static __u64 tp_state_u64(const char *uuid, const char *line, const char *key)
{
	char st[TP_STATE];
	__u64 v;

	if (vfm_state_read(uuid, st, sizeof(st)) ||
	    vfm_state_u64(st, line, key, &v))
		return ~0ULL;
	return v;
}

static bool tp_state_is(const char *uuid, const char *line, const char *key,
			const char *want)
{
	char st[TP_STATE], v[64];

	return !vfm_state_read(uuid, st, sizeof(st)) &&
	       !vfm_state_str(st, line, key, v, sizeof(v)) && !strcmp(v, want);
}

static __u64 tev_u64(const struct vfm_tev *e, const char *key)
{
	__u64 v;

	return vfm_tev_u64(e, key, &v) ? ~0ULL : v;
}

static long long tev_s64(const struct vfm_tev *e, const char *key)
{
	long long v;

	return vfm_tev_s64(e, key, &v) ? -0x7fffffffLL : v;
}

static bool tev_str_is(const struct vfm_tev *e, const char *key,
		       const char *want)
{
	char v[64];

	return !vfm_tev_str(e, key, v, sizeof(v)) && !strcmp(v, want);
}

/* Records of the frame at @p, as the test reads them from its bytes. */
static int tp_frame_recs(const void *p)
{
	struct vfm_rec recs[64];

	return vfm_frame_recs(p, recs, 64);
}

/* An arc the state machine must have walked, and the call it was in. */
struct tp_arc {
	const char *from, *to, *target;
	int call;
};

/*
 * The vf_mdev_mig_state events of @mdev: exactly @want, in order, each
 * without error and taking time; the arcs of one call take at most the
 * time the test measured for it (@call_ns).
 */
static void tp_check_arcs(struct __test_metadata *_metadata,
			  const struct vfm_trace *t, const char *mdev,
			  const struct tp_arc *want, int n,
			  const __u64 *call_ns)
{
	__u64 sum[8] = { 0 };
	int i, k = 0;

	for (i = 0; i < t->nev; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (!vfm_tev_is(e, "vf_mdev_mig_state", mdev))
			continue;
		ASSERT_GT(n, k) TH_LOG("%s: an arc more: %s", mdev, e->fields);
		EXPECT_TRUE(tev_str_is(e, "from", want[k].from) &&
			    tev_str_is(e, "to", want[k].to) &&
			    tev_str_is(e, "target", want[k].target))
			TH_LOG("%s: arc %d is %s, expected %s->%s (target %s)",
			       mdev, k, e->fields, want[k].from, want[k].to,
			       want[k].target);
		EXPECT_EQ(0, tev_s64(e, "err")) TH_LOG("%s", e->fields);
		EXPECT_LT(0, tev_u64(e, "duration_ns")) TH_LOG("%s", e->fields);
		sum[want[k].call] += tev_u64(e, "duration_ns");
		k++;
	}
	EXPECT_EQ(n, k) TH_LOG("%s: %d arcs traced, %d walked", mdev, k, n);
	for (i = 0; i < n; i++)
		EXPECT_GE(call_ns[want[i].call], sum[want[i].call])
			TH_LOG("%s: the arcs of call %d took %llu ns, the call %llu",
			       mdev, want[i].call,
			       (unsigned long long)sum[want[i].call],
			       (unsigned long long)call_ns[want[i].call]);
}

/* The frames of one save or load: their bytes, records and the total. */
static void tp_check_frames(struct __test_metadata *_metadata,
			    const struct vfm_trace *t, const char *event,
			    const char *mdev, const struct vfm_buf *initial,
			    const struct vfm_buf *final)
{
	const struct vfm_buf *want[2] = { initial, final };
	static const char *const kind[2] = { "initial", "final" };
	__u64 total = 0;
	int i, k = 0;

	for (i = 0; i < t->nev; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (!vfm_tev_is(e, event, mdev))
			continue;
		ASSERT_GT(2, k) TH_LOG("%s: a frame more: %s", event, e->fields);
		total += want[k]->len;
		EXPECT_TRUE(tev_str_is(e, "frame", kind[k])) TH_LOG("%s", e->fields);
		EXPECT_EQ(want[k]->len, tev_u64(e, "bytes")) TH_LOG("%s", e->fields);
		EXPECT_EQ(tp_frame_recs(want[k]->p), tev_u64(e, "records"))
			TH_LOG("%s", e->fields);
		EXPECT_EQ(total, tev_u64(e, "total")) TH_LOG("%s", e->fields);
		EXPECT_EQ(0, tev_s64(e, "err")) TH_LOG("%s", e->fields);
		k++;
	}
	EXPECT_EQ(2, k) TH_LOG("%s of %s: %d events", event, mdev, k);
}

/* Sum of field @key over the events @name of @mdev in [@from, @to). */
static __u64 tp_sum(const struct vfm_trace *t, int from, int to,
		    const char *name, const char *mdev, const char *key,
		    int *count)
{
	__u64 s = 0;
	int i;

	if (count)
		*count = 0;
	for (i = from < 0 ? 0 : from; i < to && i < t->nev; i++) {
		if (!vfm_tev_is(&t->ev[i], name, mdev))
			continue;
		s += tev_u64(&t->ev[i], key);
		if (count)
			(*count)++;
	}
	return s;
}

static void tp_mark(struct __test_metadata *_metadata, struct vfm_trace *t,
		    const char *fmt, int k)
{
	char text[64];

	snprintf(text, sizeof(text), fmt, k);
	ASSERT_EQ(0, vfm_trace_mark(t, "%s", text));
}

/* The first event of each kind, as the trace shows it (the test's log). */
static void tp_show(const struct vfm_trace *t)
{
	const char *seen[32];
	int i, k, n = 0;

	for (i = 0; i < t->nev && n < 32; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (strncmp(e->name, "vf_mdev_", 8))
			continue;
		for (k = 0; k < n && strcmp(seen[k], e->name); k++)
			;
		if (k < n)
			continue;
		seen[n++] = e->name;
		fprintf(stderr, "# %s: %s\n", e->name, e->fields);
	}
}

/* Live migration ---------------------------------------------------------- */

FIXTURE(mig) {
	struct mig_ctx c;
	struct vfm_trace t;
};

FIXTURE_VARIANT(mig) {
	bool dlog;		/* the device's DMA logging, else type1 */
};

FIXTURE_VARIANT_ADD(mig, type1) {
	.dlog = false,
};

FIXTURE_VARIANT_ADD(mig, dma_logging) {
	.dlog = true,
};

FIXTURE_SETUP(mig)
{
	struct mig_ctx *c = &self->c;
	struct vfm_kmsg_report k;
	char why[256] = "";
	bool have_k;
	int ret;

	ret = vfm_trace_open(&self->t, TP_INST, "vf_mdev", TP_BUF_KB, why,
			     sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ret = mig_scn_setup(c, false, why, sizeof(why));
	if (ret)
		vfm_trace_close(&self->t);
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	if (variant->dlog && vfm_dlog_probe(&c->dev[MIG_A])) {
		mig_scn_teardown(c, &k, &have_k);
		vfm_trace_close(&self->t);
		SKIP(return, "no DMA logging on this kernel (no IOMMUFD_DRIVER)");
	}
	c->report = variant->dlog ? mig_report_dlog : mig_report_type1;
}

FIXTURE_TEARDOWN(mig)
{
	struct vfm_kmsg_report k;
	bool have_k;

	vfm_trace_close(&self->t);
	mig_scn_teardown(&self->c, &k, &have_k);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

/* One report round between markers, for the dirty report checks. */
static void tp_round(struct __test_metadata *_metadata, struct mig_ctx *c,
		     struct vfm_trace *t, struct mig_stats *st)
{
	int k = st->rounds;

	tp_mark(_metadata, t, "tp report %d start", k);
	ASSERT_EQ(0, mig_round(c, st, false));
	tp_mark(_metadata, t, "tp report %d end", k);
}

/*
 * The dirty reports of A: DMA logging, one event per mapping per round,
 * their pages the pages the round's reports held; type1, the pinned set
 * each sweep left, which the next report holds at least.
 */
static void tp_check_dirty(struct __test_metadata *_metadata,
			   const struct vfm_trace *t, const char *a, bool dlog,
			   const struct mig_stats *st, int nmem)
{
	const char *other = dlog ? "type1" : "dma_logging";
	int k, i, n, begin, start, end, sweeps = 0;
	char text[64];
	__u64 pages;

	for (i = 0; i < t->nev; i++)
		if (vfm_tev_is(&t->ev[i], "vf_mdev_dirty_report", a))
			EXPECT_FALSE(tev_str_is(&t->ev[i], "channel", other))
				TH_LOG("%s", t->ev[i].fields);
	begin = vfm_trace_find_mark(t, 0, "tp dirty start");
	ASSERT_LE(0, begin);
	for (k = 1; k < (int)st->rounds; k++) {
		snprintf(text, sizeof(text), "tp report %d start", k);
		start = vfm_trace_find_mark(t, begin, text);
		snprintf(text, sizeof(text), "tp report %d end", k);
		end = vfm_trace_find_mark(t, start, text);
		ASSERT_LE(0, start) TH_LOG("no marker for report %d", k);
		ASSERT_LT(start, end) TH_LOG("no end marker for report %d", k);
		if (dlog) {
			pages = tp_sum(t, start, end, "vf_mdev_dirty_report", a,
				       "pages", &n);
			EXPECT_EQ(nmem, n) TH_LOG("round %d: %d reports", k, n);
			EXPECT_EQ(st->reported[k], pages)
				TH_LOG("round %d: the events say %llu pages, the reports held %llu",
				       k, (unsigned long long)pages,
				       (unsigned long long)st->reported[k]);
		} else {
			for (i = begin; i < start; i++) {
				const struct vfm_tev *e = &t->ev[i];

				if (!vfm_tev_is(e, "vf_mdev_dirty_report", a))
					continue;
				sweeps++;
				EXPECT_TRUE(tev_str_is(e, "channel", "type1"));
				EXPECT_GE(st->reported[k], tev_u64(e, "pages"))
					TH_LOG("round %d: %llu pages pinned, %llu reported",
					       k, (unsigned long long)tev_u64(e, "pages"),
					       (unsigned long long)st->reported[k]);
			}
		}
		begin = end;
	}
	if (!dlog)
		EXPECT_LT(0, sweeps) TH_LOG("no type1 event before a report");
}

TEST_F_TIMEOUT(mig, precopy_and_restore, 300)
{
	struct mig_ctx *c = &self->c;
	struct vfm_trace *t = &self->t;
	const char *a = c->set.uuid[MIG_A], *b = c->set.uuid[MIG_B];
	struct vfm_buf initial = { 0 }, final = { 0 };
	struct tp_dbg a0, b0, a1, b1;
	struct mig_stats st = { 0 };
	__u64 call_a[4], call_b[2], t0, len0, dirty0, total, pages;
	int sfd = -1, rfd = -1, rx, tx, i, n, move, bad;
	unsigned int held_tail;
	char why[256] = "";
	bool ended;

	/* Where the trace starts, the counters are read. */
	ASSERT_EQ(0, vfm_trace_clear(t));
	ASSERT_EQ(0, tp_dbg(a, &a0)) TH_LOG("no debugfs state for %s", a);
	ASSERT_EQ(0, tp_dbg(b, &b0)) TH_LOG("no debugfs state for %s", b);
	rx = tp_ring_at(&a0, c->ga.rx.desc->iova);
	tx = tp_ring_at(&a0, c->ga.tx.desc->iova);
	ASSERT_LE(0, rx);
	ASSERT_LE(0, tx);
	ASSERT_TRUE(tp_state_is(a, "migration:", "state", "RUNNING"));

	ASSERT_EQ(0, mig_warm_up(c, why, sizeof(why))) TH_LOG("%s", why);
	if (c->report == mig_report_dlog) {
		struct vfm_dma *m[VFM_MAX_DMA];

		for (i = 0; i < c->nmem; i++)
			m[i] = c->mem[i].src;
		ASSERT_EQ(0, vfm_dlog_start(&c->dev[MIG_A], m, c->nmem));
		ASSERT_TRUE(tp_state_is(a, "dma_logging:", "on", "1"));
		ASSERT_EQ(4096, tp_state_u64(a, "dma_logging:", "page_size"));
	} else {
		ASSERT_EQ(0, vfm_dirty_start(&c->dev[MIG_A]));
	}
	ASSERT_EQ(0, vfm_trace_mark(t, "tp dirty start"));
	ASSERT_EQ(0, mig_round(c, &st, true));

	/* PRE_COPY: the initial frame, the sweep. */
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_PRE_COPY,
				 &sfd));
	call_a[0] = vfm_now_ns() - t0;
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, vfm_mig_precopy_info(sfd, &len0, &dirty0));
	ASSERT_EQ((long)len0, vfm_mig_read(sfd, &initial, &ended));
	ASSERT_TRUE(tp_state_is(a, "migration:", "state", "PRE_COPY"));
	ASSERT_TRUE(tp_state_is(a, "migration:", "migrating", "1"));
	ASSERT_TRUE(tp_state_is(a, "sweep:", "migrating", "1"));
	ASSERT_EQ(initial.len, tp_state_u64(a, "migration:", "saved_bytes"));

	ASSERT_EQ(0, mig_open_dest(c));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RESUMING,
				 &rfd));
	call_b[0] = vfm_now_ns() - t0;
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, vfm_mig_write(rfd, initial.p, initial.len, 0));
	ASSERT_TRUE(tp_state_is(b, "migration:", "state", "RESUMING"));
	ASSERT_EQ(initial.len, tp_state_u64(b, "migration:", "loaded_bytes"));

	for (i = 0; i < MIG_ROUNDS; i++) {
		tp_round(_metadata, c, t, &st);
		ASSERT_EQ(0, mig_precopy_traffic(c, i, why, sizeof(why)))
			TH_LOG("%s", why);
	}
	if (c->report == mig_report_dlog) {
		/* The DMA logging counters: every report and its pages. */
		for (pages = 0, i = 1; i < (int)st.rounds; i++)
			pages += st.reported[i];
		EXPECT_EQ((__u64)MIG_ROUNDS * c->nmem,
			  tp_state_u64(a, "dma_logging:", "reports"));
		EXPECT_EQ(pages, tp_state_u64(a, "dma_logging:", "pages"));
	} else {
		/* The sweep keeps the pinned set (what type1 reports) small. */
		EXPECT_LT(0, tp_state_u64(a, "sweep:", "sweeps"));
		EXPECT_EQ(tp_state_u64(a, "pin_cache:", "pages"),
			  tp_state_u64(a, "sweep:", "pinned"));
	}
	ASSERT_EQ(0, mig_before_stop(c));

	/* Stopping: the frame A queues now is held. */
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A],
				 VFIO_DEVICE_STATE_PRE_COPY_P2P, NULL));
	call_a[1] = vfm_now_ns() - t0;
	ASSERT_EQ(0, mig_a2c_queue(c));
	ASSERT_EQ(0, igbvf_tx_kick(&c->ga));
	held_tail = c->ga.tx.next_to_use;
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP_COPY,
				 NULL));
	call_a[2] = vfm_now_ns() - t0;
	ASSERT_LT(0, vfm_mig_read(sfd, &final, &ended));
	ASSERT_TRUE(ended);
	ASSERT_TRUE(tp_state_is(a, "migration:", "state", "STOP_COPY"));
	tp_round(_metadata, c, t, &st);
	bad = mig_compare(c, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages missed: %s", bad, why);
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP, NULL));
	call_a[3] = vfm_now_ns() - t0;
	close(sfd);
	total = initial.len + final.len;
	st.stream = total;
	st.initial = initial.len;
	st.stop_ns = call_a[2];
	ASSERT_TRUE(tp_state_is(a, "migration:", "state", "STOP"));
	ASSERT_TRUE(tp_state_is(a, "migration:", "last", "STOP_COPY->STOP"));
	ASSERT_TRUE(tp_state_is(a, "sweep:", "migrating", "0"));
	ASSERT_EQ(total, tp_state_u64(a, "migration:", "saved_bytes"));

	/* B: the rest of the stream, then it runs. */
	ASSERT_EQ(0, vfm_msix_enable(&c->dev[MIG_B], IGBVF_NR_VECS));
	ASSERT_EQ(0, vfm_mig_write(rfd, final.p, final.len, 1000));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING,
				 NULL));
	call_b[1] = vfm_now_ns() - t0;
	st.restore_ns = call_b[1];
	close(rfd);
	ASSERT_TRUE(tp_state_is(b, "migration:", "state", "RUNNING"));
	ASSERT_TRUE(tp_state_is(b, "migration:", "last", "RUNNING_P2P->RUNNING"));
	ASSERT_EQ(total, tp_state_u64(b, "migration:", "loaded_bytes"));
	ASSERT_TRUE(tp_state_is(b, "prefault:", "mode", "off"));

	/* A's counters before the guest leaves it; then A closes. */
	ASSERT_EQ(0, tp_dbg(a, &a1));
	ASSERT_EQ(0, vfm_trace_mark(t, "tp move"));
	ASSERT_EQ(0, mig_continue_on_b(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, tp_dbg(b, &b1));

	ASSERT_LE(0, vfm_trace_read(t));
	ASSERT_EQ(t->entries, t->written)
		TH_LOG("%llu events lost: a larger buffer is needed",
		       (unsigned long long)(t->written - t->entries));
	TH_LOG("%d events, %llu bytes of trace", t->nev,
	       (unsigned long long)t->len);
	tp_show(t);

	/* The state machine, arc by arc. */
	{
		const struct tp_arc arcs_a[] = {
			{ "RUNNING", "PRE_COPY", "PRE_COPY", 0 },
			{ "PRE_COPY", "PRE_COPY_P2P", "PRE_COPY_P2P", 1 },
			{ "PRE_COPY_P2P", "STOP_COPY", "STOP_COPY", 2 },
			{ "STOP_COPY", "STOP", "STOP", 3 },
		};
		const struct tp_arc arcs_b[] = {
			{ "RUNNING", "RUNNING_P2P", "RESUMING", 0 },
			{ "RUNNING_P2P", "STOP", "RESUMING", 0 },
			{ "STOP", "RESUMING", "RESUMING", 0 },
			{ "RESUMING", "STOP", "RUNNING", 1 },
			{ "STOP", "RUNNING_P2P", "RUNNING", 1 },
			{ "RUNNING_P2P", "RUNNING", "RUNNING", 1 },
		};

		tp_check_arcs(_metadata, t, a, arcs_a, ARRAY_SIZE(arcs_a),
			      call_a);
		tp_check_arcs(_metadata, t, b, arcs_b, ARRAY_SIZE(arcs_b),
			      call_b);
	}
	/* A closed in STOP: back to RUNNING, once. */
	move = vfm_trace_find_mark(t, 0, "tp move");
	ASSERT_LE(0, move);
	tp_sum(t, move, t->nev, "vf_mdev_mig_reset", a, "from", &n);
	EXPECT_EQ(1, n);
	for (i = move; i < t->nev; i++)
		if (vfm_tev_is(&t->ev[i], "vf_mdev_mig_reset", a))
			EXPECT_TRUE(tev_str_is(&t->ev[i], "from", "STOP"));

	/* The stream: what the test read from A is what B took. */
	tp_check_frames(_metadata, t, "vf_mdev_stream_save", a, &initial,
			&final);
	tp_check_frames(_metadata, t, "vf_mdev_stream_load", b, &initial,
			&final);
	for (i = 0, n = 0; i < t->nev; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (!vfm_tev_is(e, "vf_mdev_restore", b))
			continue;
		n++;
		EXPECT_EQ(0, tev_s64(e, "err")) TH_LOG("%s", e->fields);
		EXPECT_LT(0, tev_u64(e, "duration_ns"));
		EXPECT_GE(call_b[1], tev_u64(e, "duration_ns"));
	}
	EXPECT_EQ(1, n);

	tp_check_dirty(_metadata, t, a, c->report == mig_report_dlog, &st,
		       c->nmem);

	/*
	 * Doorbells: every descriptor the counters moved by is in an
	 * event, every guest tail write is one; nothing refused.
	 */
	for (i = 0; i < a0.nrings; i++) {
		char rn[8];
		int k, guest = 0;
		__u64 descs = 0;

		snprintf(rn, sizeof(rn), "%d", i);
		for (k = 0; k < t->nev; k++) {
			const struct vfm_tev *e = &t->ev[k];

			if (!vfm_tev_is(e, "vf_mdev_doorbell", a) ||
			    !tev_str_is(e, "ring", rn))
				continue;
			descs += tev_u64(e, "descs");
			guest += tev_u64(e, "guest") == 1;
			EXPECT_FALSE(tev_str_is(e, "action", "refused"))
				TH_LOG("%s", e->fields);
		}
		EXPECT_EQ(a1.descs[i] - a0.descs[i], descs) TH_LOG("A ring %d", i);
		EXPECT_EQ(a1.doorbells[i] - a0.doorbells[i], (__u64)guest)
			TH_LOG("A ring %d", i);
	}
	{
		__u64 bdescs = 0, b0descs = 0;
		bool held = false, restart = false, release = false;

		for (i = 0; i < t->nev; i++) {
			const struct vfm_tev *e = &t->ev[i];
			char rn[8];

			if (vfm_tev_is(e, "vf_mdev_doorbell", a)) {
				snprintf(rn, sizeof(rn), "%d", tx);
				held |= tev_str_is(e, "ring", rn) &&
					tev_str_is(e, "action", "held") &&
					tev_u64(e, "tail") == held_tail &&
					tev_u64(e, "guest") == 1;
			}
			if (!vfm_tev_is(e, "vf_mdev_doorbell", b))
				continue;
			bdescs += tev_u64(e, "descs");
			/* B's restart scans the posted RX buffers, cold. */
			snprintf(rn, sizeof(rn), "%d", rx);
			restart |= tev_str_is(e, "ring", rn) &&
				   tev_u64(e, "guest") == 0 &&
				   tev_str_is(e, "action", "fwd") &&
				   tev_u64(e, "descs") > 0 &&
				   tev_u64(e, "misses") > 0;
			/* The held frame goes out from B. */
			snprintf(rn, sizeof(rn), "%d", tx);
			release |= tev_str_is(e, "ring", rn) &&
				   tev_u64(e, "guest") == 0 &&
				   tev_str_is(e, "action", "fwd") &&
				   tev_u64(e, "tail") == held_tail;
		}
		for (i = 0; i < b0.nrings; i++)
			b0descs += b1.descs[i] - b0.descs[i];
		EXPECT_TRUE(held) TH_LOG("no held doorbell at tail %u on A", held_tail);
		EXPECT_TRUE(restart) TH_LOG("no cold restart of B's RX ring");
		EXPECT_TRUE(release) TH_LOG("B never forwarded the held tail %u",
					    held_tail);
		EXPECT_EQ(b0descs, bdescs);
	}

	/* The pin cache: the sweeps' trims, and A's memory leaving at close. */
	EXPECT_EQ(a1.trimmed - a0.trimmed,
		  tp_sum(t, 0, move, "vf_mdev_pcache_evict", a, "pages", NULL));
	for (i = 0; i < move; i++)
		if (vfm_tev_is(&t->ev[i], "vf_mdev_pcache_evict", a))
			EXPECT_TRUE(tev_str_is(&t->ev[i], "reason", "trim"))
				TH_LOG("%s", t->ev[i].fields);
	pages = tp_sum(t, move, t->nev, "vf_mdev_pcache_unmap", a, "pages", &n);
	EXPECT_EQ(a1.cached, pages) TH_LOG("%d unmaps", n);
	EXPECT_LT(0, n);

	mig_print(&st, c->report == mig_report_dlog ? "DMA logging" : "type1");
	vfm_buf_free(&initial);
	vfm_buf_free(&final);
}

/* Post-copy ----------------------------------------------------------------- */

/* A post-copy destination, and what the test (its VMM) did. */
struct pc_ctx {
	struct mig_ctx c;
	struct vfm_trace t;
	struct vfm_pfc pfc;
	int rfd;
	unsigned int declares;	/* pages declared resident */
	unsigned int taken, taken_pages, acks;
	__u64 *taken_bm;	/* pages of the RX buffer mapping taken */
};

FIXTURE(pc) {
	struct pc_ctx x;
};

FIXTURE_SETUP(pc)
{
	struct pc_ctx *x = &self->x;
	char why[256] = "";
	int ret;

	x->rfd = -1;
	x->pfc.efd = -1;
	ret = vfm_trace_open(&x->t, TP_INST, "vf_mdev", TP_BUF_KB, why,
			     sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ret = mig_scn_setup(&x->c, false, why, sizeof(why));
	if (ret)
		vfm_trace_close(&x->t);
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(pc)
{
	struct pc_ctx *x = &self->x;
	struct vfm_kmsg_report k;
	bool have_k;

	vfm_trace_close(&x->t);
	if (x->rfd >= 0)
		close(x->rfd);
	vfm_pfc_release(&x->pfc);
	mig_scn_teardown(&x->c, &k, &have_k);
	free(x->taken_bm);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

/* The RX buffers of A's guest: the mapping B's restart must ask for. */
static const struct mig_mem *pc_rx_mem(struct mig_ctx *c)
{
	int i;

	for (i = 0; i < c->nmem; i++)
		if (c->mem[i].src == c->ga.rx.bufs)
			return &c->mem[i];
	return NULL;
}

/*
 * A stopped with RX buffers posted; its state resumed on B in post-copy
 * mode (timeout @timeout_ms if not 0) with every mapping but the RX
 * buffers declared resident; B runs.
 */
static void pc_resume(struct __test_metadata *_metadata, struct pc_ctx *x,
		      __u32 timeout_ms)
{
	struct mig_ctx *c = &x->c;
	const struct mig_mem *rxm;
	struct vf_mdev_prefault_range r[VFM_MAX_DMA];
	struct vfm_buf stream = { 0 };
	struct mig_stats st = { 0 };
	char why[256] = "";
	unsigned int n = 0;
	bool ended;
	int fd, i;

	ASSERT_EQ(0, mig_warm_up(c, why, sizeof(why))) TH_LOG("%s", why);
	/* Frames A has not looked at; its statistics at the stop. */
	ASSERT_EQ(0, mig_before_stop(c));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP_COPY,
				 &fd));
	ASSERT_LT(0, vfm_mig_read(fd, &stream, &ended));
	ASSERT_TRUE(ended);
	close(fd);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP, NULL));
	/* A's memory, all of it, at B (the test needs no userfaultfd). */
	ASSERT_EQ(0, mig_round(c, &st, true));
	ASSERT_EQ(0, mig_open_dest(c));
	ASSERT_EQ(0, vfm_pfc_find(&c->dev[MIG_B], &x->pfc));
	ASSERT_EQ(0, vfm_pfc_eventfd(&x->pfc));
	ASSERT_EQ(0, vfm_msix_enable(&c->dev[MIG_B], IGBVF_NR_VECS));
	if (timeout_ms)
		ASSERT_EQ(0, vfm_pfc_set(&x->pfc, INFO(timeout_ms),
					 timeout_ms));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RESUMING,
				 &x->rfd));
	ASSERT_EQ(0, vfm_pfc_set(&x->pfc, INFO(mode), VF_MDEV_PREFAULT_ON));
	rxm = pc_rx_mem(c);
	ASSERT_NE(NULL, rxm);
	for (i = 0; i < c->nmem; i++) {
		if (&c->mem[i] == rxm)
			continue;
		r[n].iova = c->mem[i].src->iova;
		r[n++].length = c->mem[i].size;
		x->declares += c->mem[i].pages;
	}
	ASSERT_EQ(0, vfm_pfc_cmd(&x->pfc, VF_MDEV_PREFAULT_DECLARE, r, n));
	ASSERT_EQ(0, vfm_mig_write(x->rfd, stream.p, stream.len, 0));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING,
				 NULL));
	close(x->rfd);
	x->rfd = -1;
	vfm_buf_free(&stream);
}

/* Take and acknowledge every request until nothing waits. */
static void pc_serve(struct __test_metadata *_metadata, struct pc_ctx *x)
{
	struct vf_mdev_prefault_req req[VF_MDEV_PREFAULT_QUEUE_MAX];
	const struct mig_mem *rxm = pc_rx_mem(&x->c);
	struct vf_mdev_prefault_info info;
	__u64 deadline = vfm_now_ns() + 20000000000ULL, p;
	int n, k;
	__u32 j;

	ASSERT_NE(NULL, rxm);
	x->taken_bm = calloc((rxm->pages + 63) / 64, 8);
	ASSERT_NE(NULL, x->taken_bm);
	for (;;) {
		ASSERT_EQ(0, vfm_pfc_info(&x->pfc, &info));
		if (!info.queued && !info.outstanding && !info.held_rings)
			break;
		ASSERT_GT(deadline, vfm_now_ns())
			TH_LOG("still %u queued, %u outstanding, %u rings waiting",
			       info.queued, info.outstanding, info.held_rings);
		vfm_eventfd_wait(x->pfc.efd, 100);
		n = vfm_pfc_take(&x->pfc, req, VF_MDEV_PREFAULT_QUEUE_MAX);
		ASSERT_LE(0, n);
		for (k = 0; k < n; k++) {
			struct vf_mdev_prefault_range r = {
				.iova = req[k].iova,
				.length = (__u64)req[k].npages * MIG_PAGE,
			};

			/* Only the buffers that were not declared. */
			ASSERT_LE(rxm->src->iova, req[k].iova);
			ASSERT_GE(rxm->src->iova + rxm->size,
				  req[k].iova + r.length);
			for (j = 0; j < req[k].npages; j++) {
				p = (req[k].iova - rxm->src->iova) / MIG_PAGE + j;
				x->taken_bm[p / 64] |= 1ULL << (p % 64);
			}
			x->taken++;
			x->taken_pages += req[k].npages;
			ASSERT_EQ(0, vfm_pfc_cmd(&x->pfc,
						 VF_MDEV_PREFAULT_ACK, &r, 1));
			x->acks++;
		}
	}
}

TEST_F_TIMEOUT(pc, requests_and_acks, 300)
{
	struct pc_ctx *x = &self->x;
	struct mig_ctx *c = &x->c;
	struct vfm_trace *t = &x->t;
	const char *a = c->set.uuid[MIG_A], *b = c->set.uuid[MIG_B];
	const struct mig_mem *rxm;
	struct vf_mdev_prefault_range all;
	struct tp_dbg a0;
	__u64 *ev_bm, p, declared = 0, req_pages = 0, ack_pages = 0, rx_iova;
	int i, rx, n_req = 0, n_ack = 0, completed = 0, on = -1, off = -1;
	int first_req = -1, wait = -1, go = -1;
	char why[256] = "", rn[8];

	ASSERT_EQ(0, vfm_trace_clear(t));
	/* B's rings have A's indexes: the same family. */
	ASSERT_EQ(0, tp_dbg(a, &a0));
	pc_resume(_metadata, x, 0);

	/* Waiting: debugfs shows it. */
	ASSERT_TRUE(tp_state_is(b, "prefault:", "mode", "on"));
	ASSERT_TRUE(tp_state_is(b, "prefault:", "status", "on"));
	ASSERT_LE(1, tp_state_u64(b, "prefault:", "held_rings"));
	ASSERT_LE(1, tp_state_u64(b, "prefault:", "requests"));
	ASSERT_LE(1, tp_state_u64(b, "prefault:", "queued") +
		  tp_state_u64(b, "prefault:", "outstanding"));

	pc_serve(_metadata, x);
	ASSERT_LT(0, x->taken);
	EXPECT_EQ(0, tp_state_u64(b, "prefault:", "held_rings"));
	EXPECT_EQ(0, tp_state_u64(b, "prefault:", "queued"));
	EXPECT_EQ(0, tp_state_u64(b, "prefault:", "outstanding"));
	EXPECT_EQ(x->taken, tp_state_u64(b, "prefault:", "requests"));
	EXPECT_EQ(x->taken_pages, tp_state_u64(b, "prefault:", "pages"));
	EXPECT_EQ(x->acks, tp_state_u64(b, "prefault:", "acks"));
	EXPECT_LE(1, tp_state_u64(b, "prefault:", "holds"));

	/* Everything arrived: post-copy off; the guest continues on B. */
	rxm = pc_rx_mem(c);
	all.iova = rxm->src->iova;
	all.length = rxm->size;
	/* A's table, where rxm->src points, goes when A closes. */
	rx_iova = all.iova;
	ASSERT_EQ(0, vfm_pfc_cmd(&x->pfc, VF_MDEV_PREFAULT_DECLARE, &all, 1));
	ASSERT_EQ(0, vfm_pfc_set(&x->pfc, INFO(mode), VF_MDEV_PREFAULT_OFF));
	ASSERT_TRUE(tp_state_is(b, "prefault:", "mode", "off"));
	ASSERT_EQ(0, vfm_trace_mark(t, "tp served"));
	ASSERT_EQ(0, mig_continue_on_b(c, why, sizeof(why))) TH_LOG("%s", why);

	ASSERT_LE(0, vfm_trace_read(t));
	ASSERT_EQ(t->entries, t->written);
	tp_show(t);
	rx = tp_ring_at(&a0, c->ga.rx.desc->iova);
	ASSERT_LE(0, rx);
	snprintf(rn, sizeof(rn), "%d", rx);
	ev_bm = calloc((rxm->pages + 63) / 64, 8);
	ASSERT_NE(NULL, ev_bm);
	for (i = 0; i < t->nev; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (vfm_tev_is(e, "vf_mdev_prefault_mode", b)) {
			EXPECT_EQ(0, tev_s64(e, "err")) TH_LOG("%s", e->fields);
			if (tev_str_is(e, "mode", "on") && on < 0)
				on = i;
			if (tev_str_is(e, "mode", "off"))
				off = i;
		} else if (vfm_tev_is(e, "vf_mdev_prefault_request", b)) {
			__u64 iova = tev_u64(e, "iova"), np = tev_u64(e, "npages");

			if (first_req < 0)
				first_req = i;
			ASSERT_LE(rx_iova, iova) TH_LOG("%s", e->fields);
			ASSERT_GE(rx_iova + rxm->size, iova + np * MIG_PAGE)
				TH_LOG("%s", e->fields);
			for (p = 0; p < np; p++) {
				__u64 q = (iova - rx_iova) / MIG_PAGE + p;

				EXPECT_FALSE(ev_bm[q / 64] & (1ULL << (q % 64)))
					TH_LOG("page %#llx requested twice",
					       (unsigned long long)(iova + p * MIG_PAGE));
				ev_bm[q / 64] |= 1ULL << (q % 64);
			}
			req_pages += np;
			n_req += tev_u64(e, "merged") == 0;
		} else if (vfm_tev_is(e, "vf_mdev_prefault_ack", b)) {
			EXPECT_EQ(0, tev_s64(e, "err")) TH_LOG("%s", e->fields);
			if (tev_str_is(e, "op", "declare")) {
				declared += tev_u64(e, "pages");
				continue;
			}
			n_ack++;
			ack_pages += tev_u64(e, "pages");
			completed += tev_u64(e, "completed");
		} else if (vfm_tev_is(e, "vf_mdev_doorbell", b) &&
			   tev_str_is(e, "ring", rn)) {
			/* B's RX ring waits for its buffers, then goes on. */
			if (tev_str_is(e, "action", "wait") && wait < 0)
				wait = i;
			if (wait >= 0 && go < 0 && tev_str_is(e, "action", "fwd") &&
			    tev_u64(e, "guest") == 0 && tev_u64(e, "descs") > 0)
				go = i;
		}
	}
	ASSERT_LE(0, on);
	EXPECT_LT(on, first_req);
	EXPECT_LT(first_req, off);
	EXPECT_LE(0, wait);
	EXPECT_LT(wait, go) TH_LOG("no retry of B's RX ring after its wait");
	/* What the device asked for is what the test took and acknowledged. */
	for (p = 0; p < rxm->pages; p++)
		EXPECT_EQ(!!(x->taken_bm[p / 64] & (1ULL << (p % 64))),
			  !!(ev_bm[p / 64] & (1ULL << (p % 64))))
			TH_LOG("page %llu of the RX buffers", (unsigned long long)p);
	EXPECT_EQ(x->taken, (unsigned int)n_req);
	EXPECT_EQ(x->taken_pages, req_pages);
	EXPECT_EQ(x->acks, (unsigned int)n_ack);
	EXPECT_EQ(x->taken_pages, ack_pages);
	EXPECT_EQ(x->taken, (unsigned int)completed);
	EXPECT_LE(x->declares, declared);
	TH_LOG("%u requests (%u pages), %u acknowledgments, %llu pages declared",
	       x->taken, x->taken_pages, x->acks,
	       (unsigned long long)declared);
	free(ev_bm);
}

TEST_F_TIMEOUT(pc, timeout, 300)
{
	struct pc_ctx *x = &self->x;
	struct mig_ctx *c = &x->c;
	struct vfm_trace *t = &x->t;
	const char *b = c->set.uuid[MIG_B];
	__u64 deadline;
	int i, n = 0, fail = -1, to = -1;

	ASSERT_EQ(0, vfm_trace_clear(t));
	pc_resume(_metadata, x, 100);
	ASSERT_LE(1, tp_state_u64(b, "prefault:", "held_rings"));
	ASSERT_EQ(100, tp_state_u64(b, "prefault:", "timeout_ms"));
	/* Nobody answers. */
	deadline = vfm_now_ns() + 10000000000ULL;
	while (!tp_state_is(b, "prefault:", "status", "timed_out")) {
		ASSERT_GT(deadline, vfm_now_ns()) TH_LOG("no timeout after 10 s");
		usleep(20000);
	}
	ASSERT_TRUE(tp_state_is(b, "migration:", "state", "ERROR"));

	ASSERT_LE(0, vfm_trace_read(t));
	ASSERT_EQ(t->entries, t->written);
	for (i = 0; i < t->nev; i++) {
		const struct vfm_tev *e = &t->ev[i];

		if (vfm_tev_is(e, "vf_mdev_prefault_timeout", b)) {
			n++;
			to = i;
			EXPECT_EQ(100, tev_u64(e, "timeout_ms"));
			EXPECT_LE(1, tev_u64(e, "dropped"));
			EXPECT_LE(100000000ULL, tev_u64(e, "age_ns"));
		} else if (vfm_tev_is(e, "vf_mdev_mig_state", b) &&
			   tev_str_is(e, "to", "ERROR")) {
			fail = i;
			EXPECT_TRUE(tev_str_is(e, "from", "RUNNING"));
			EXPECT_EQ(-ETIMEDOUT, tev_s64(e, "err"));
		}
	}
	EXPECT_EQ(1, n);
	EXPECT_LE(0, to);
	EXPECT_LT(to, fail);
}

TEST_HARNESS_MAIN
