// SPDX-License-Identifier: GPL-2.0
/*
 * bench_irqpage: what trapping the interrupt registers' page costs.
 *
 * On the 82599 VF the mailbox shares page 0 with the registers a guest
 * writes on every interrupt (VTEIMS, VTEIMC, VTEITR...), so ixgbevf_mdev
 * traps that page and passes those registers through one by one; on the
 * 82576 VF they have page 0x1000 to themselves and igbvf_mdev lets the VMM
 * map it.  The rig has no 82599, so this measures both ways on the 82576
 * VF it has, one mdev, same device model:
 *
 *   mapped   a store to EIMC (0x1528, value 0: no effect) through the mmap
 *            of the untrapped page 0x1000: what an igbvf guest's interrupt
 *            register write costs the host (nothing: no exit in a VM);
 *   trapped  a 4-byte pwrite of PSRTYPE (0x0f0c, its own value written
 *            back) on trapped page 0: igbvf_mdev classifies it PASS, as
 *            ixgbevf_mdev does VTEIMS: the path every ixgbevf interrupt
 *            register write takes (in a VM: an exit to the VMM, then
 *            this);
 *   trapped read  a pread of STATUS (0x0008, PASS on page 0): VTEICR's path.
 *
 * No bench-only mode was needed: a PASS register on a trapped page is the
 * same code path in the core for both families (vfm_bar0_rw, the family's
 * classify(), one ioread32/iowrite32).  Under QEMU TCG the absolute times
 * are the emulator's; the ratio is the figure to quote, and on hardware
 * the trapped path also pays the VM exit, which this does not include.
 *
 *   bench_irqpage [-n iterations]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "testenv.h"

#define IP_EIMC		0x1528
#define IP_PSRTYPE	0x0f0c
#define IP_STATUS	0x0008

static __u64 ip_median(struct vfm_samples *s)
{
	return vfm_samples_quantile(s, 0.5);
}

int main(int argc, char **argv)
{
	struct vfm_samples mapped, trapped, rd;
	unsigned int n = 20000, i;
	struct vfm_pair p = { };
	char why[256] = "";
	__u32 psr, v;
	void *map;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return fprintf(stderr, "usage: %s [-n iterations]\n",
				       argv[0]), 2;
		n = strtoul(optarg, NULL, 0);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_irqpage: interrupt register writes, mapped vs trapped page\n");
	vfm_bench_caveat("bench_irqpage");
	vfm_bench_pin_cpu(-1);
	ret = vfm_env_prepare(&p, VFM_BACKEND_MDEV, 1, why, sizeof(why));
	if (!ret)
		ret = vfm_pair_create(&p, 0);
	if (!ret)
		ret = vfm_open(&p.dev[0], VFM_BACKEND_MDEV, vfm_pair_name(&p, 0));
	if (ret) {
		printf("bench_irqpage: no mdev: %s\n", why[0] ? why : "open failed");
		vfm_pair_teardown(&p);
		return ret == -ENODEV ? 0 : 1;
	}
	p.opened[0] = true;
	map = vfm_region_ptr(&p.dev[0], VFIO_PCI_BAR0_REGION_INDEX, IP_EIMC, 4);
	if (!map || vfm_bar_pread32(&p.dev[0], 0, IP_PSRTYPE, &psr)) {
		printf("bench_irqpage: page 0x1000 not mapped or page 0 not readable\n");
		vfm_pair_teardown(&p);
		return 1;
	}
	vfm_samples_init(&mapped);
	vfm_samples_init(&trapped);
	vfm_samples_init(&rd);
	for (i = 0; i < n; i++) {
		__u64 t0 = vfm_now_ns(), t1, t2, t3;

		vfm_store32(map, 0);
		t1 = vfm_now_ns();
		ret = vfm_bar_pwrite32(&p.dev[0], 0, IP_PSRTYPE, psr);
		t2 = vfm_now_ns();
		ret = ret ? : vfm_bar_pread32(&p.dev[0], 0, IP_STATUS, &v);
		t3 = vfm_now_ns();
		if (ret)
			break;
		vfm_samples_add(&mapped, t1 - t0);
		vfm_samples_add(&trapped, t2 - t1);
		vfm_samples_add(&rd, t3 - t2);
	}
	printf("bench_irqpage: %u iterations, median ns: mapped %llu, ", i,
	       (unsigned long long)ip_median(&mapped));
	printf("trapped write %llu, trapped read %llu\n",
	       (unsigned long long)ip_median(&trapped),
	       (unsigned long long)ip_median(&rd));
	vfm_bench_figure("irqpage.mapped_ns", ip_median(&mapped), 0, "ns");
	vfm_bench_figure("irqpage.trapped_write_ns", ip_median(&trapped), 0, "ns");
	vfm_bench_figure("irqpage.trapped_read_ns", ip_median(&rd), 0, "ns");
	if (ip_median(&mapped))
		vfm_bench_figure("irqpage.trapped_over_mapped",
				 (double)ip_median(&trapped) / ip_median(&mapped),
				 1, "x");
	vfm_samples_free(&mapped);
	vfm_samples_free(&trapped);
	vfm_samples_free(&rd);
	vfm_pair_teardown(&p);
	return ret ? 1 : 0;
}
