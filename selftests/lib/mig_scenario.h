/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: the live-migration scenario shared by the programs that
 * migrate a running guest (migration_v2 through VFIO migration v2,
 * migration_region through the migration region).
 *
 * The test is the VMM and the guest.  Mdev A (VF 1) receives a steady
 * stream of frames from mdev C (VF 2) and sends some back.  The VMM
 * pre-copies A's "guest memory" into a destination copy in rounds using
 * only the dirty reports (whichever channel the program picks, through
 * @report) plus the writes its own guest-driver code makes, stops A, does
 * the final round and compares the two memories byte for byte: a page the
 * device wrote that no report named differs.  Mdev B (VF 3, given A's MAC
 * by the PF as an operator would) gets the destination memory at the same
 * IOVAs and the stream; the same guest-driver state continues on B.
 *
 * The buffers straddle page boundaries (and in the jumbo variant span
 * three pages, with header split and TX frames over several descriptors
 * and pages): a dirty log that marks only a buffer's first page fails.
 */
#ifndef VFMDEV_MIG_SCENARIO_H
#define VFMDEV_MIG_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "mig.h"
#include "testenv.h"

#define MIG_PAGE	4096UL
#define MIG_ROUNDS	4
#define MIG_BURST	24		/* frames per burst, C to A */

enum { MIG_A, MIG_C, MIG_B };		/* index in the VF set */

/* One mapping of A's memory and its destination copy. */
struct mig_mem {
	struct vfm_dma *src;
	void *dst;
	bool adopted;
	__u64 size;
	__u64 pages;
	__u64 *dev_bm;			/* the device's report, this round */
	__u64 *cpu_bm;			/* the guest CPU's writes since a copy */
};

struct mig_stats {
	unsigned int rounds;
	__u64 reported[MIG_ROUNDS + 2];
	__u64 false_pos[MIG_ROUNDS + 2];
	__u64 copied[MIG_ROUNDS + 2];
	__u64 stream;
	__u64 initial;
	__u64 stop_ns;
	__u64 restore_ns;
};

struct mig_ctx {
	struct vfm_set set;
	struct vfm_dev dev[3];
	bool open[3];
	struct igbvf_guest ga, gc;
	bool up_a, up_c;
	struct mig_mem mem[VFM_MAX_DMA];
	int nmem;
	/* The device's report for one mapping, into m->dev_bm. */
	int (*report)(struct mig_ctx *c, struct mig_mem *m);
	void *report_arg;
	__u32 c2a_sent, c2a_seen;	/* frames C -> A */
	__u32 a2c_sent, a2c_seen;	/* frames A -> C */
	struct vfm_traffic lc2a, la2c;	/* their lengths */
	__u32 gprc_a;			/* A's received-packets counter at the stop */
	int kmsg;
};

/*
 * VF 1, 2, 3 as A, C, B; A and C open with their guest drivers up (A with
 * MSI-X, and @jumbo buffers if asked).  -ENODEV (with @why) when the rig
 * cannot: the test skips.
 */
int mig_scn_setup(struct mig_ctx *c, bool jumbo, char *why, size_t wl);
/* Close everything; the kernel log's verdict for the test to check. */
void mig_scn_teardown(struct mig_ctx *c, struct vfm_kmsg_report *k, bool *have_k);

/* The report channels every program can use. */
int mig_report_type1(struct mig_ctx *c, struct mig_mem *m);
int mig_report_dlog(struct mig_ctx *c, struct mig_mem *m);

/*
 * One round: the device's reports plus the guest CPU's writes are copied
 * to the destination (@all: every page, the bulk copy).  A reported page
 * whose content did not change since the last copy (and that the CPU did
 * not write) is a false positive.
 */
int mig_round(struct mig_ctx *c, struct mig_stats *st, bool all);
/* Every page equal; else the count of those that differ, @why the first. */
int mig_compare(struct mig_ctx *c, char *why, size_t wl);
/* B open, with the destination memory at A's IOVAs. */
int mig_open_dest(struct mig_ctx *c);

/* Traffic. */
int mig_c2a_send(struct mig_ctx *c, unsigned int n);
int mig_a_recv(struct mig_ctx *c, char *why, size_t wl);
int mig_a2c_queue(struct mig_ctx *c);
int mig_c_drain(struct mig_ctx *c, char *why, size_t wl);
/* Traffic before anything starts: a burst, taken and refilled. */
int mig_warm_up(struct mig_ctx *c, char *why, size_t wl);
/* A pre-copy round's traffic (round @k): C to A, some taken, A to C. */
int mig_precopy_traffic(struct mig_ctx *c, int k, char *why, size_t wl);
/* Frames in A's ring A has not looked at when it stops; VFGPRC noted. */
int mig_before_stop(struct mig_ctx *c);

/*
 * After the restore: the guest driver moves to B and A closes; no reset in
 * the mailbox, the link up, held and queued frames delivered, new traffic
 * with interrupts, VLAN requests served, statistics continuing.
 */
int mig_continue_on_b(struct mig_ctx *c, char *why, size_t wl);

/* The figures of one run, as "# " lines. */
void mig_print(const struct mig_stats *st, const char *what);

#endif /* VFMDEV_MIG_SCENARIO_H */
