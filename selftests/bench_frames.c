// SPDX-License-Identifier: GPL-2.0
/*
 * bench_frames: frames per second from VF A to VF B through the PF's
 * VF-to-VF switch, the two VFs as mdevs and the same two VFs bound to
 * vfio-pci, in the same rig with the same rings and frame sizes.
 *
 * The userspace igbvf guest driver polls (no interrupts) and rings the TX
 * doorbell every 8 frames; on the mdev every TDT and RDT write is trapped
 * and mediated, on vfio-pci they are stores into the mmapped BAR.  Every
 * frame is checked byte-exact on arrival.  Runs alternate between the
 * backends (mdev, vfio-pci, mdev, vfio-pci...) so that a slow period of
 * the host weighs on both; each run passes every size for about the same
 * time, in chunks of frames (-n) until -t ms have passed.  The rate is
 * a chunk's frames over the median chunk time of every run: a rig on a
 * loaded host stalls now and then for milliseconds (its threads are
 * preempted), which a mean over a whole run would count in and a median
 * leaves out.
 *
 *   bench_frames [-r rounds] [-t ms per size and run] [-n frames per chunk]
 *                [-R ring]
 *
 * Lengths are what the guest hands the NIC, without the 4-byte FCS; the
 * mix is the simple IMIX, 7:4:1 of 60, 590 and 1514 bytes (64, 594 and
 * 1518 on the wire).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "testenv.h"

#define FB_NB		2
#define FB_MDEV		0
#define FB_VFIO		1
#define FB_NSIZES	4
#define FB_MAX_ROUNDS	16

static const unsigned int fb_imix[] = {
	60, 590, 60, 60, 590, 60, 1514, 60, 590, 60, 590, 60,
};

struct fb_size {
	const char *name;
	unsigned int len;	/* 0: the IMIX */
};

static const struct fb_size fb_sizes[FB_NSIZES] = {
	{ "64", 64 }, { "512", 512 }, { "1514", 1514 }, { "imix", 0 },
};

static const enum vfm_backend fb_backend[FB_NB] = {
	VFM_BACKEND_MDEV, VFM_BACKEND_VFIO_PCI,
};

static const char *const fb_tag[FB_NB] = { "mdev", "vfio_pci" };

struct fb_cell {
	__u64 frames;
	__u64 bytes;
	__u64 ns;
	struct vfm_samples chunk_ns;	/* time of each chunk of frames */
	double rate[FB_MAX_ROUNDS];	/* frames/s of each run, by round */
	unsigned int runs;
};

struct fb_opts {
	unsigned int rounds;
	unsigned int run_ms;	/* per size and run */
	unsigned int chunk;	/* frames per vfm_traffic_run() */
	unsigned int ring;
};

struct fb_results {
	bool have[FB_NB];
	char why[FB_NB][512];
	struct fb_cell cell[FB_NB][FB_NSIZES];
};

static void fb_traffic(struct vfm_traffic *t, unsigned int frames,
		       const struct fb_size *sz)
{
	vfm_traffic_default(t);
	t->frames = frames;
	if (sz->len) {
		t->min_len = sz->len;
		t->max_len = sz->len;
	} else {
		t->lens = fb_imix;
		t->nlens = ARRAY_SIZE(fb_imix);
	}
}

/* One run: both VFs on backend @b, every size once. */
static int fb_run(int b, unsigned int round, const struct fb_opts *o,
		  struct fb_results *r)
{
	struct vfm_traffic_result res;
	struct igbvf_guest g[2];
	bool up[2] = { false, false };
	struct vfm_traffic t;
	struct igbvf_cfg cfg;
	struct vfm_pair p;
	unsigned int s;
	int i, ret;

	ret = vfm_pair_setup(&p, fb_backend[b], r->why[b], sizeof(r->why[b]));
	if (ret)
		return ret;
	igbvf_cfg_default(&cfg);
	cfg.tx_count = o->ring;
	cfg.rx_count = o->ring;
	cfg.msix = false;
	for (i = 0; i < 2; i++) {
		ret = igbvf_init(&g[i], &p.dev[i], &cfg);
		if (ret) {
			snprintf(r->why[b], sizeof(r->why[b]),
				 "igbvf init on %s: %s", p.dev[i].name,
				 strerror(-ret));
			goto out;
		}
		up[i] = true;
	}
	/* warm-up, not counted: every buffer pinned, the emulator's code hot */
	fb_traffic(&t, 4 * o->ring, &fb_sizes[3]);
	ret = vfm_traffic_run(&g[0], &g[1], &t, &res);
	if (ret) {
		snprintf(r->why[b], sizeof(r->why[b]), "warm-up: %s", res.msg);
		goto out;
	}
	for (s = 0; s < FB_NSIZES; s++) {
		struct fb_cell *c = &r->cell[b][s];
		__u64 frames = 0, bytes = 0, ns = 0;

		fb_traffic(&t, o->chunk, &fb_sizes[s]);
		while (ns < o->run_ms * 1000000ULL) {
			ret = vfm_traffic_run(&g[0], &g[1], &t, &res);
			if (ret) {
				snprintf(r->why[b], sizeof(r->why[b]),
					 "size %s: %s (%llu of %llu frames)",
					 fb_sizes[s].name, res.msg,
					 (unsigned long long)res.received,
					 (unsigned long long)res.sent);
				goto out;
			}
			frames += res.received;
			bytes += res.bytes;
			ns += res.ns;
			vfm_samples_add(&c->chunk_ns, res.ns);
		}
		c->frames += frames;
		c->bytes += bytes;
		c->ns += ns;
		c->rate[round] = frames * 1e9 / ns;
		c->runs++;
	}
out:
	for (i = 0; i < 2; i++)
		if (up[i])
			igbvf_fini(&g[i]);
	vfm_pair_teardown(&p);
	return ret;
}

/* frames/s of a chunk that took quantile @q of the chunk times */
static double fb_rate(struct fb_cell *c, unsigned int chunk, double q)
{
	__u64 ns = vfm_samples_quantile(&c->chunk_ns, q);

	return ns ? chunk * 1e9 / ns : 0;
}

static void fb_report(struct fb_results *r, const struct fb_opts *o)
{
	double rate[FB_NB][FB_NSIZES] = { { 0 } };
	unsigned int s;
	int b;

	printf("\nbench_frames: VF A -> VF B through the PF switch, polling\n");
	printf("  rings of %u, TX doorbell every 8 frames, each size for %u ms per run\n",
	       o->ring, o->run_ms);
	printf("  %u rounds of (mdev run, vfio-pci run), the same two VFs\n",
	       o->rounds);
	printf("  lengths without FCS; imix: 7:4:1 of 60/590/1514 (64/594/1518 on the wire)\n");
	printf("  f/s: %u frames / the median time of a chunk of %u frames over every run;\n",
	       o->chunk, o->chunk);
	printf("  (p90..p10): the same at the 90th and 10th percentile chunk times\n\n");
	printf("  %-5s %9s %17s %7s %9s %17s %7s %10s\n", "size",
	       "mdev f/s", "(p90..p10)", "Mbit/s", "vfio f/s", "(p90..p10)",
	       "Mbit/s", "mdev/vfio");
	for (s = 0; s < FB_NSIZES; s++) {
		printf("  %-5s", fb_sizes[s].name);
		for (b = 0; b < FB_NB; b++) {
			struct fb_cell *c = &r->cell[b][s];
			char spread[40];

			if (!c->runs) {
				printf(" %9s %17s %7s", "-", "", "-");
				continue;
			}
			rate[b][s] = fb_rate(c, o->chunk, 0.5);
			snprintf(spread, sizeof(spread), "(%.0f..%.0f)",
				 fb_rate(c, o->chunk, 0.9),
				 fb_rate(c, o->chunk, 0.1));
			/* mean frame length of the runs, for the bit rate */
			printf(" %9.0f %17s %7.1f", rate[b][s], spread,
			       rate[b][s] * c->bytes * 8 / c->frames / 1e6);
		}
		if (rate[FB_MDEV][s] && rate[FB_VFIO][s])
			printf(" %9.2fx", rate[FB_MDEV][s] / rate[FB_VFIO][s]);
		printf("\n");
	}
	for (b = 0; b < FB_NB; b++)
		if (!r->have[b])
			printf("  %s not measured: %s\n",
			       vfm_backend_name(fb_backend[b]), r->why[b]);
	printf("  (QEMU TCG: absolute rates are emulation speeds; the ratio is the result)\n\n");

	for (s = 0; s < FB_NSIZES; s++) {
		for (b = 0; b < FB_NB; b++)
			if (rate[b][s])
				vfm_bench_figuref(rate[b][s], 0, "frames/s",
						  "frames.%s.%s", fb_tag[b],
						  fb_sizes[s].name);
		if (rate[FB_MDEV][s] && rate[FB_VFIO][s])
			vfm_bench_figuref(rate[FB_MDEV][s] / rate[FB_VFIO][s],
					  2, "x", "frames.mdev_vs_vfio_pci.%s",
					  fb_sizes[s].name);
	}
}

int main(int argc, char **argv)
{
	struct fb_opts o = {
		.rounds = 10,
		.run_ms = 300,
		.chunk = 1024,
		.ring = 256,
	};
	struct fb_results *r;
	unsigned int round, s;
	int opt, b, ret, cpu, failed = 0;
	__u64 t0;

	while ((opt = getopt(argc, argv, "r:t:n:R:h")) != -1) {
		switch (opt) {
		case 'r':
			o.rounds = strtoul(optarg, NULL, 0);
			break;
		case 't':
			o.run_ms = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			o.chunk = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			o.ring = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "%s [-r rounds] [-t ms] [-n chunk] [-R ring]\n",
				argv[0]);
			return 2;
		}
	}
	if (!o.rounds || o.rounds > FB_MAX_ROUNDS || !o.run_ms || !o.chunk ||
	    o.ring < 8 || o.ring % 8 || o.ring > 4096) {
		fprintf(stderr, "bench_frames: rounds 1..%d, ring 8..4096 (8 | ring)\n",
			FB_MAX_ROUNDS);
		return 2;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_frames: frames/s A -> B, two mdevs vs the same VFs on vfio-pci\n");
	vfm_bench_caveat("bench_frames");
	cpu = vfm_bench_pin_cpu(-1);
	if (cpu >= 0)
		printf("bench_frames: running on CPU %d\n", cpu);
	t0 = vfm_now_ns();
	for (round = 0; round < o.rounds; round++) {
		for (b = 0; b < FB_NB; b++) {
			if (round && !r->have[b])
				continue;
			ret = fb_run(b, round, &o, r);
			if (ret) {
				printf("bench_frames: %s: %s\n",
				       vfm_backend_name(fb_backend[b]),
				       r->why[b]);
				if (ret != -ENODEV)
					failed = 1;
				continue;
			}
			r->have[b] = true;
			printf("bench_frames: round %u %-8s", round + 1,
			       vfm_backend_name(fb_backend[b]));
			for (s = 0; s < FB_NSIZES; s++)
				printf(" %s %.0f", fb_sizes[s].name,
				       r->cell[b][s].rate[round]);
			printf(" f/s (at %.1f s)\n", (vfm_now_ns() - t0) / 1e9);
		}
	}
	fb_report(r, &o);
	return failed;
}
