/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: helpers for the benchmark programs (bench_*).
 *
 * Benchmarks measure and print; they never pass or fail on speed.  Every
 * figure is printed twice: in a human-readable table, and as one line
 *
 *	bench: <name>=<value> <unit>
 *
 * that scripts and notes can quote (make bench collects them on the host).
 */
#ifndef VFMDEV_BENCH_H
#define VFMDEV_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vfio_lib.h"

/* A growing set of samples (nanoseconds, counts...). */
struct vfm_samples {
	__u64 *v;
	size_t n;
	size_t cap;
	bool sorted;
};

void vfm_samples_init(struct vfm_samples *s);
void vfm_samples_free(struct vfm_samples *s);
/* Returns 0 or -ENOMEM (the sample is then lost). */
int vfm_samples_add(struct vfm_samples *s, __u64 v);
/*
 * Nearest-rank quantile @q in [0, 1] (0.5: median, 0.9: p90); sorts the
 * samples in place.  0 when there are none.
 */
__u64 vfm_samples_quantile(struct vfm_samples *s, double q);

/* "bench: <name>=<value> <unit>" with @decimals after the point. */
void vfm_bench_figure(const char *name, double value, int decimals,
		      const char *unit);
/* Same, with the name made by printf. */
__printf(4, 5) void vfm_bench_figuref(double value, int decimals,
				      const char *unit, const char *fmt, ...);

/*
 * A figure this kernel or rig cannot give: "bench: <name>=n/a (<why>)",
 * never a made-up number.
 */
__printf(2, 3) void vfm_bench_unavailable(const char *why,
					  const char *fmt, ...);

/*
 * The caveat every benchmark prints first: under QEMU TCG, absolute
 * times and rates are emulation speeds; compare ratios.  On an
 * instrumented kernel (the rig's debug kernel: KASAN, lockdep) it says
 * that its times compare with nothing but each other.
 */
void vfm_bench_caveat(const char *prog);
/* The running kernel has lockdep (the rig's debug kernel). */
bool vfm_bench_debug_kernel(void);

/*
 * Keep the calling thread on one CPU (@cpu < 0: the last online one), so
 * that the guest scheduler does not move it between vCPUs mid-run.
 * Returns the CPU or -errno.
 */
int vfm_bench_pin_cpu(int cpu);

/* Counters the vf_mdev core shows in debugfs, summed over open devices. */
struct vfm_mdev_counters {
	unsigned int devices;	/* open mdevs seen */
	__u64 pc_pages;		/* pages in the pin caches */
	__u64 pc_misses;	/* pages pinned and mapped on demand */
	__u64 pc_evictions;
	__u64 doorbells;
	__u64 descs;		/* descriptors scanned at doorbells */
	__u64 hits;		/* pin cache hits (pages) */
	__u64 errors;		/* refused doorbells and ring writes */
};

/*
 * Read /sys/kernel/debug/vf_mdev/<dev>/state of every open device.
 * Returns 0, or -ENOENT when there is no such file (no debugfs, no
 * vf_mdev, format unknown).
 */
int vfm_mdev_counters(struct vfm_mdev_counters *c);
/* The same for one device, by its name (the mdev's UUID). */
int vfm_mdev_counters_dev(const char *name, struct vfm_mdev_counters *c);

#endif /* VFMDEV_BENCH_H */
