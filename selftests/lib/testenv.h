/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: test environment (two VFs of the igb PF opened through
 * one backend) and the VF-to-VF traffic generator/checker shared by the
 * vfio-pci baseline, the mdev datapath test and the demo.
 */
#ifndef VFMDEV_TESTENV_H
#define VFMDEV_TESTENV_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>

#include "host.h"
#include "igbvf_guest.h"
#include "vfio_lib.h"

#define VFM_ETHERTYPE		0x88b5	/* IEEE local experimental */
#define VFM_HDR_LEN		20	/* eth 14 + seq 4 + len 2 */

struct vfm_pair {
	enum vfm_backend backend;
	char pf[VFM_BDF_LEN];
	char ifname[IF_NAMESIZE];
	char vf[2][VFM_BDF_LEN];
	int vf_index[2];
	char uuid[2][VFM_UUID_LEN];	/* mdev backend */
	bool created[2];
	__u8 mac[2][6];			/* assigned through the PF */
	bool mac_assigned;
	struct vfm_dev dev[2];
	bool opened[2];
};

/*
 * Host side preparation for @b: find the PF (bring its interface up so it
 * serves the mailbox and switches VF-to-VF), make sure it has @n VFs,
 * assign each used VF a MAC through the PF, bind the VFs to vfio-pci or
 * to the mdev parent driver.  Returns 0, -ENODEV with @why filled when
 * the environment cannot run this backend (the tests SKIP), or -errno.
 */
int vfm_env_prepare(struct vfm_pair *p, enum vfm_backend b, int n,
		    char *why, size_t len);
/* Name of device @i for vfm_open(): BDF or created mdev UUID. */
const char *vfm_pair_name(struct vfm_pair *p, int i);
/* Create the mdev for VF @i (mdev backend; no-op for vfio-pci). */
int vfm_pair_create(struct vfm_pair *p, int i);
/* Remove stale mdevs left on VF @i by an earlier run. */
int vfm_pair_clean_vf(struct vfm_pair *p, int i);
/* prepare + create + open both devices. */
int vfm_pair_setup(struct vfm_pair *p, enum vfm_backend b, char *why,
		   size_t len);
void vfm_pair_teardown(struct vfm_pair *p);

/*
 * A set of the PF's VFs, each bound to the mdev family driver with an
 * mdev created on it (the migration tests use VF 1, 2 and 3).
 */
#define VFM_SET_MAX	4

struct vfm_set {
	char pf[VFM_BDF_LEN];
	char ifname[IF_NAMESIZE];
	int n;
	char vf[VFM_SET_MAX][VFM_BDF_LEN];
	int vf_index[VFM_SET_MAX];
	char uuid[VFM_SET_MAX][VFM_UUID_LEN];
	bool created[VFM_SET_MAX];
};

/*
 * Prepare VFs @idx[0..n-1] of the PF (as vfm_env_prepare does) and create
 * an mdev on each.  -ENODEV with @why filled when the rig cannot.
 */
int vfm_set_prepare(struct vfm_set *s, const int *idx, int n, char *why,
		    size_t len);
void vfm_set_teardown(struct vfm_set *s);
/* Give VF @i of the set the MAC @mac through the PF (its admin MAC). */
int vfm_set_mac(struct vfm_set *s, int i, const __u8 mac[6]);
/*
 * Give it back its own deterministic MAC, 02:76:66:6d:00:1<VF index>
 * (what vfm_set_prepare() gave it; a migration's destination borrows the
 * source's).
 */
int vfm_set_mac_default(struct vfm_set *s, int i);

/*
 * A VMM that gives the device back when asked: a thread waits (up to
 * @timeout_ms) on the device's request eventfd, then closes the device.
 * Removing an mdev, unbinding its VF or destroying the VFs while it is
 * open goes through that request.
 */
struct vfm_releaser {
	struct vfm_dev *d;
	pthread_t thread;
	int timeout_ms;
	long long req;		/* request count seen (0: timed out) */
	__u64 waited_ns;
};

int vfm_releaser_start(struct vfm_releaser *v, struct vfm_dev *d,
		       int timeout_ms);
void vfm_releaser_join(struct vfm_releaser *v);

/* Traffic ---------------------------------------------------------------- */

struct vfm_traffic {
	unsigned int frames;
	unsigned int min_len;	/* >= 60 */
	unsigned int max_len;	/* <= 1514, or IGBVF_MAX_JUMBO with LPE */
	bool sweep;		/* lengths min..max in order, then wrap */
	const unsigned int *lens;	/* if set: lengths cycle through these */
	unsigned int nlens;
	unsigned int seed;	/* random lengths when !sweep */
	bool use_irq;		/* wait on the RX vector eventfd */
	unsigned int window;	/* frames in flight (0: rx ring - 2) */
	unsigned int burst;	/* frames per doorbell (0: 8) */
	int timeout_ms;		/* give up when nothing arrives this long */
	bool broadcast;		/* send to ff:ff:ff:ff:ff:ff */
	const __u8 *dst;	/* explicit destination (NULL: rx MAC) */
};

struct vfm_traffic_result {
	__u64 sent;
	__u64 received;
	__u64 bytes;
	__u64 mismatched;
	__u64 rx_errors;
	__u64 foreign;		/* frames of other ethertypes, ignored */
	__u64 ns;
	__u64 rx_irqs;
	__u64 tx_doorbells;
	unsigned int min_seen, max_seen;
	char msg[256];		/* first failure, human readable */
};

void vfm_traffic_default(struct vfm_traffic *t);
unsigned int vfm_traffic_len(const struct vfm_traffic *t, unsigned int seq);
size_t vfm_frame_build(void *buf, const __u8 dst[6], const __u8 src[6],
		       __u32 seq, size_t len);
/*
 * Check a received frame against what vfm_frame_build() made; returns 0
 * or 1 + the offset of the first differing byte.
 */
size_t vfm_frame_check(const void *buf, size_t len, const __u8 dst[6],
		       const __u8 src[6], __u32 seq, size_t want_len);
/* Send t->frames frames from @tx to @rx and verify each one byte-exact. */
int vfm_traffic_run(struct igbvf_guest *tx, struct igbvf_guest *rx,
		    const struct vfm_traffic *t,
		    struct vfm_traffic_result *res);

#endif /* VFMDEV_TESTENV_H */
