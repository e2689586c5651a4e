// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev_demo: open two VF devices the way a VMM would, show what VFIO
 * presents, bring an igbvf guest driver up on each and pass frames from
 * A to B through the PF's VF-to-VF switch.
 *
 *   vfmdev_demo [-b auto|mdev|vfio-pci] [-n frames] [-l len] [-r ring]
 *               [-i] [-q]
 *
 * -b  backend (auto: mdev when igbvf_mdev is loaded, else vfio-pci)
 * -n  frames to send (default 10000)
 * -l  fixed frame length 60..1514 (default: random lengths)
 * -r  ring size (default 256)
 * -i  receive on the MSI-X eventfd instead of polling
 * -q  do not print the region/IRQ layout
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testenv.h"

static void print_usage(const char *argv0)
{
	fprintf(stderr,
		"%s [-b auto|mdev|vfio-pci] [-n frames] [-l len] [-r ring] [-i] [-q]\n",
		argv0);
	exit(2);
}

static void show_guest(const char *name, struct igbvf_guest *g)
{
	struct igbvf_hw_stats hs = { 0 };
	char mac[24];

	igbvf_read_hw_stats(g, &hs);
	printf("  %s %-36s MAC %s (%s)\n", name, g->dev->name,
	       igbvf_mac_str(g->mac, mac, sizeof(mac)),
	       g->pf_gave_mac ? "from PF" : "PF sent none");
	printf("      tx %llu frames %llu bytes, rx %llu frames %llu bytes, rx errors %llu\n",
	       (unsigned long long)g->st.tx_frames,
	       (unsigned long long)g->st.tx_bytes,
	       (unsigned long long)g->st.rx_frames,
	       (unsigned long long)g->st.rx_bytes,
	       (unsigned long long)g->st.rx_errors);
	printf("      MSI-X irqs: tx %llu, rx %llu, mailbox %llu; mailbox msgs %llu out, %llu in\n",
	       (unsigned long long)g->st.irqs[IGBVF_VEC_TX],
	       (unsigned long long)g->st.irqs[IGBVF_VEC_RX],
	       (unsigned long long)g->st.irqs[IGBVF_VEC_OTHER],
	       (unsigned long long)g->st.mbx_tx,
	       (unsigned long long)g->st.mbx_rx);
	printf("      device counters: GPTC %u GOTC %u GPRC %u GORC %u MPRC %u\n",
	       hs.gptc, hs.gotc, hs.gprc, hs.gorc, hs.mprc);
}

int main(int argc, char **argv)
{
	enum vfm_backend b = VFM_BACKEND_MDEV;
	struct igbvf_guest g[2];
	struct vfm_traffic t;
	struct vfm_traffic_result r;
	struct vfm_pair p;
	struct igbvf_cfg cfg;
	const char *bname = "auto";
	unsigned int len = 0, ring = 256;
	bool quiet = false, irq = false, up[2] = { false, false };
	char why[256] = "";
	int opt, ret, i;
	double s;

	vfm_traffic_default(&t);
	t.frames = 10000;
	while ((opt = getopt(argc, argv, "b:n:l:r:iqh")) != -1) {
		switch (opt) {
		case 'b':
			bname = optarg;
			break;
		case 'n':
			t.frames = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			len = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			ring = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			irq = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (!strcmp(bname, "auto")) {
		const char *no = vfm_mdev_unavailable();

		if (no) {
			printf("mdev backend unavailable (%s): using vfio-pci\n",
			       no);
			b = VFM_BACKEND_VFIO_PCI;
		}
	} else if (!strcmp(bname, "vfio-pci") || !strcmp(bname, "vfio_pci")) {
		b = VFM_BACKEND_VFIO_PCI;
	} else if (strcmp(bname, "mdev")) {
		print_usage(argv[0]);
	}
	if (len) {
		if (len < 60 || len > IGBVF_MAX_FRAME) {
			fprintf(stderr, "length must be 60..%d\n",
				IGBVF_MAX_FRAME);
			return 2;
		}
		t.min_len = len;
		t.max_len = len;
	} else {
		t.sweep = false;
	}
	t.use_irq = irq;

	ret = vfm_pair_setup(&p, b, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "vfmdev_demo: %s: %s\n", vfm_backend_name(b),
			why);
		return ret == -ENODEV ? 4 : 1;
	}
	printf("PF %s (%s), backend %s\n", p.pf,
	       p.ifname[0] ? p.ifname : "no netdev", vfm_backend_name(b));
	for (i = 0; i < 2; i++) {
		printf("device %c: VF %s -> %s\n", 'A' + i, p.vf[i],
		       vfm_pair_name(&p, i));
		if (!quiet)
			vfm_dump(&p.dev[i], stdout);
	}

	igbvf_cfg_default(&cfg);
	cfg.tx_count = ring;
	cfg.rx_count = ring;
	for (i = 0; i < 2; i++) {
		ret = igbvf_init(&g[i], &p.dev[i], &cfg);
		if (ret) {
			fprintf(stderr, "vfmdev_demo: igbvf init on %s: %s\n",
				p.dev[i].name, strerror(-ret));
			goto out;
		}
		up[i] = true;
	}
	printf("passing %u frames A -> B (%s lengths, rings of %u, %s)...\n",
	       t.frames, len ? "fixed" : "random", ring,
	       irq ? "MSI-X wakeups" : "polling");
	fflush(stdout);
	ret = vfm_traffic_run(&g[0], &g[1], &t, &r);
	s = r.ns / 1e9;
	printf("sent %llu, received %llu byte-exact (%llu differ, %llu rx errors, %llu ignored)\n",
	       (unsigned long long)r.sent, (unsigned long long)r.received,
	       (unsigned long long)r.mismatched,
	       (unsigned long long)r.rx_errors,
	       (unsigned long long)r.foreign);
	printf("%.3f s: %.0f frames/s, %.1f Mbit/s, %llu doorbells, %llu RX interrupts\n",
	       s, s > 0 ? r.received / s : 0.0,
	       s > 0 ? r.bytes * 8 / s / 1e6 : 0.0,
	       (unsigned long long)r.tx_doorbells,
	       (unsigned long long)r.rx_irqs);
	for (i = 0; i < 2; i++) {
		igbvf_irq_service(&g[i]);
		show_guest(i ? "B" : "A", &g[i]);
	}
	if (ret)
		fprintf(stderr, "vfmdev_demo: FAILED: %s\n", r.msg);
out:
	for (i = 0; i < 2; i++)
		if (up[i])
			igbvf_fini(&g[i]);
	vfm_pair_teardown(&p);
	return ret ? 1 : 0;
}
