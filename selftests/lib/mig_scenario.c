// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the live-migration scenario shared by migration_v2 and
 * migration_region (see mig_scenario.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "mig_scenario.h"

/* The guest's CPU wrote [p, p + len): the VMM's CPU dirty log. */
static void mig_cpu_dirty(void *arg, const void *p, size_t len)
{
	struct mig_ctx *c = arg;
	const char *q = p;
	int i;

	for (i = 0; i < c->nmem; i++) {
		struct mig_mem *m = &c->mem[i];
		const char *base = m->src->vaddr;
		__u64 pg, last;

		if (q < base || q >= base + m->src->size)
			continue;
		pg = (q - base) / MIG_PAGE;
		last = (q + len - 1 - base) / MIG_PAGE;
		for (; pg <= last && pg < m->pages; pg++)
			m->cpu_bm[pg / 64] |= 1ULL << (pg % 64);
		return;
	}
}

static bool bit(const __u64 *bm, __u64 i)
{
	return bm[i / 64] & (1ULL << (i % 64));
}

/* Destination copies of every mapping of A's memory, and their bitmaps. */
static int mig_mems(struct mig_ctx *c)
{
	struct vfm_dev *a = &c->dev[MIG_A];
	int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		struct mig_mem *m = &c->mem[c->nmem];
		size_t words;

		if (!a->dma[i].used)
			continue;
		m->src = &a->dma[i];
		m->size = m->src->size;
		m->pages = m->size / MIG_PAGE;
		words = (m->pages + 63) / 64;
		m->dst = mmap(NULL, m->src->size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		m->dev_bm = calloc(words, 8);
		m->cpu_bm = calloc(words, 8);
		if (m->dst == MAP_FAILED || !m->dev_bm || !m->cpu_bm)
			return -ENOMEM;
		c->nmem++;
	}
	return 0;
}

int mig_report_type1(struct mig_ctx *c, struct mig_mem *m)
{
	return vfm_dirty_get(&c->dev[MIG_A], m->src, m->dev_bm);
}

int mig_report_dlog(struct mig_ctx *c, struct mig_mem *m)
{
	return vfm_dlog_report(&c->dev[MIG_A], m->src, m->dev_bm);
}

int mig_round(struct mig_ctx *c, struct mig_stats *st, bool all)
{
	unsigned int k = st->rounds++;
	int i, ret;

	if (k >= MIG_ROUNDS + 2)
		return -E2BIG;
	for (i = 0; i < c->nmem; i++) {
		struct mig_mem *m = &c->mem[i];
		__u64 p;

		if (!all) {
			ret = c->report(c, m);
			if (ret)
				return ret;
		}
		for (p = 0; p < m->pages; p++) {
			char *s = (char *)m->src->vaddr + p * MIG_PAGE;
			char *d = (char *)m->dst + p * MIG_PAGE;
			bool dev = !all && bit(m->dev_bm, p);
			bool cpu = bit(m->cpu_bm, p);

			if (dev) {
				st->reported[k]++;
				if (!cpu && !memcmp(s, d, MIG_PAGE))
					st->false_pos[k]++;
			}
			if (all || dev || cpu) {
				memcpy(d, s, MIG_PAGE);
				st->copied[k]++;
			}
		}
		memset(m->cpu_bm, 0, (m->pages + 63) / 64 * 8);
	}
	return 0;
}

/* The mdev's debugfs view, for a failure's diagnostics. */
static void mig_dump_state(struct mig_ctx *c, int i)
{
	char path[256], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vf_mdev/%s/state",
		 c->set.uuid[i]);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# %s", line);
	fclose(f);
}

int mig_compare(struct mig_ctx *c, char *why, size_t wl)
{
	int i, bad = 0;

	for (i = 0; i < c->nmem; i++) {
		struct mig_mem *m = &c->mem[i];
		__u64 p;

		for (p = 0; p < m->pages; p++) {
			if (!memcmp((char *)m->src->vaddr + p * MIG_PAGE,
				    (char *)m->dst + p * MIG_PAGE, MIG_PAGE))
				continue;
			if (bad < 16)
				fprintf(stderr, "# missed: mapping %d page %llu, reported %d\n",
					i, (unsigned long long)p,
					bit(m->dev_bm, p));
			if (!bad++)
				snprintf(why, wl,
					 "page %llu of mapping %d (iova %#llx) differs: the device wrote it, no report named it",
					 (unsigned long long)p, i,
					 (unsigned long long)(m->src->iova +
							      p * MIG_PAGE));
		}
	}
	if (bad)
		mig_dump_state(c, MIG_A);
	return bad;
}

int mig_c2a_send(struct mig_ctx *c, unsigned int n)
{
	__u8 f[IGBVF_MAX_JUMBO + 64];
	unsigned int k;
	int ret;

	for (k = 0; k < n; k++) {
		unsigned int len = vfm_traffic_len(&c->lc2a, c->c2a_sent);

		vfm_frame_build(f, c->ga.mac, c->gc.mac, c->c2a_sent, len);
		ret = igbvf_tx_queue(&c->gc, f, len);
		if (ret == -EBUSY) {
			ret = igbvf_tx_kick(&c->gc);
			if (!ret)
				ret = igbvf_tx_queue(&c->gc, f, len);
		}
		if (ret)
			return ret;
		c->c2a_sent++;
	}
	ret = igbvf_tx_kick(&c->gc);
	igbvf_tx_clean(&c->gc);
	return ret;
}

int mig_a_recv(struct mig_ctx *c, char *why, size_t wl)
{
	__u8 buf[IGBVF_MAX_JUMBO + 64];
	size_t len, bad;
	int ret;

	for (;;) {
		ret = igbvf_rx(&c->ga, buf, sizeof(buf), &len);
		if (!ret)
			return 0;
		if (ret < 0) {
			snprintf(why, wl, "A: rx error %d after %u frames", ret,
				 c->c2a_seen);
			return ret;
		}
		bad = vfm_frame_check(buf, len, c->ga.mac, c->gc.mac,
				      c->c2a_seen,
				      vfm_traffic_len(&c->lc2a, c->c2a_seen));
		if (bad) {
			snprintf(why, wl, "A: frame %u (%zu/%u B, seq %u) differs at %zu (%llu)",
				 c->c2a_seen, len,
				 vfm_traffic_len(&c->lc2a, c->c2a_seen),
				 len >= 18 ? (unsigned int)(buf[14] << 24 |
							    buf[15] << 16 |
							    buf[16] << 8 |
							    buf[17]) : 0,
				 bad - 1,
				 (unsigned long long)c->ga.st.rx_split);
			return -EIO;
		}
		c->c2a_seen++;
	}
}

int mig_a2c_queue(struct mig_ctx *c)
{
	__u8 f[IGBVF_MAX_JUMBO + 64];
	unsigned int len = vfm_traffic_len(&c->la2c, c->a2c_sent);

	vfm_frame_build(f, c->gc.mac, c->ga.mac, c->a2c_sent, len);
	c->a2c_sent++;
	return igbvf_tx_queue(&c->ga, f, len);
}

/* C takes what A sent; each frame is checked. */
static int mig_c_recv(struct mig_ctx *c, char *why, size_t wl)
{
	__u8 buf[IGBVF_MAX_JUMBO + 64];
	size_t len, bad;
	int ret;

	for (;;) {
		ret = igbvf_rx(&c->gc, buf, sizeof(buf), &len);
		if (!ret)
			return igbvf_rx_refill(&c->gc);
		if (ret < 0) {
			snprintf(why, wl, "C: rx error %d", ret);
			return ret;
		}
		if (len < VFM_HDR_LEN || buf[12] != (VFM_ETHERTYPE >> 8))
			continue;	/* the PF's own traffic */
		bad = vfm_frame_check(buf, len, c->gc.mac, c->ga.mac,
				      c->a2c_seen,
				      vfm_traffic_len(&c->la2c, c->a2c_seen));
		if (bad) {
			snprintf(why, wl, "C: frame %u from A (len %zu) differs at byte %zu",
				 c->a2c_seen, len, bad - 1);
			return -EIO;
		}
		c->a2c_seen++;
	}
}

int mig_c_drain(struct mig_ctx *c, char *why, size_t wl)
{
	__u64 dl = vfm_now_ns() + 5000000000ULL;
	int ret;

	do {
		ret = mig_c_recv(c, why, wl);
		if (ret)
			return ret;
		if (c->a2c_seen == c->a2c_sent)
			return 0;
		usleep(200);
	} while (vfm_now_ns() < dl);
	snprintf(why, wl, "C saw %u of the %u frames A sent", c->a2c_seen,
		 c->a2c_sent);
	return -ETIMEDOUT;
}

static void mig_cfg(struct igbvf_cfg *g, bool jumbo)
{
	igbvf_cfg_default(g);
	g->tx_count = 64;
	g->rx_count = 64;
	if (jumbo) {
		g->rx_buf_len = 10240;	/* three pages and more */
		g->rx_buf_off = 1536;
		g->hdr_len = 256;
		g->tx_head_wb = true;
		g->max_frame = IGBVF_MAX_JUMBO + 22;
	} else {
		g->rx_buf_off = 3072;	/* every other buffer straddles */
	}
	/*
	 * TX frames over several descriptors and pages, each buffer inside a
	 * page: QEMU's igb drops a TX buffer that crosses a page of its
	 * IOMMU (net_tx_pkt_add_raw_fragment_pci maps it in one piece).
	 */
	g->tx_frag = 1000;
	g->tx_buf_off = 1024;
}

int mig_scn_setup(struct mig_ctx *c, bool jumbo, char *why, size_t wl)
{
	static const int idx[3] = { 1, 2, 3 };
	struct igbvf_cfg cfg;
	int ret, i;

	memset(c, 0, sizeof(*c));
	c->kmsg = -1;
	for (i = 0; i < 3; i++)
		c->dev[i].device_fd = -1;
	ret = vfm_set_prepare(&c->set, idx, 3, why, wl);
	if (ret)
		return ret;
	for (i = 0; i < 3; i++) {
		if (i == MIG_B)
			continue;
		ret = vfm_open(&c->dev[i], VFM_BACKEND_MDEV, c->set.uuid[i]);
		if (ret) {
			snprintf(why, wl, "open %s: %d", c->set.uuid[i], ret);
			return ret;
		}
		c->open[i] = true;
	}
	c->kmsg = vfm_kmsg_watch_open();

	mig_cfg(&cfg, jumbo);
	cfg.msix = true;
	ret = igbvf_init(&c->ga, &c->dev[MIG_A], &cfg);
	if (ret) {
		snprintf(why, wl, "A: igbvf_init: %d", ret);
		return ret;
	}
	c->up_a = true;
	mig_cfg(&cfg, false);
	cfg.max_frame = IGBVF_MAX_JUMBO + 22;
	cfg.msix = false;
	ret = igbvf_init(&c->gc, &c->dev[MIG_C], &cfg);
	if (ret) {
		snprintf(why, wl, "C: igbvf_init: %d", ret);
		return ret;
	}
	c->up_c = true;

	vfm_traffic_default(&c->lc2a);
	vfm_traffic_default(&c->la2c);
	c->lc2a.sweep = false;
	c->la2c.sweep = false;
	c->lc2a.seed = 7;
	c->la2c.seed = 11;
	if (jumbo) {
		c->lc2a.max_len = IGBVF_MAX_JUMBO;
		c->la2c.max_len = IGBVF_MAX_JUMBO;
	}
	ret = mig_mems(c);
	if (ret) {
		snprintf(why, wl, "destination memory: %d", ret);
		return ret;
	}
	c->ga.cpu_dirty = mig_cpu_dirty;
	c->ga.cpu_dirty_arg = c;
	/* The destination VF gets the source's MAC from its PF: the
	 * operator's part (the PF settings must match, and the guest keeps
	 * its MAC).
	 */
	ret = vfm_set_mac(&c->set, MIG_B, c->ga.mac);
	if (ret)
		snprintf(why, wl, "B: the PF does not take A's MAC: %d", ret);
	return ret;
}

void mig_scn_teardown(struct mig_ctx *c, struct vfm_kmsg_report *k, bool *have_k)
{
	int i;

	*have_k = false;
	if (c->up_a)
		igbvf_fini(&c->ga);
	if (c->up_c)
		igbvf_fini(&c->gc);
	for (i = 0; i < 3; i++)
		if (c->open[i])
			vfm_close(&c->dev[i]);
	for (i = 0; i < c->nmem; i++) {
		if (c->mem[i].dst && c->mem[i].dst != MAP_FAILED &&
		    !c->mem[i].adopted)
			munmap(c->mem[i].dst, c->mem[i].size);
		free(c->mem[i].dev_bm);
		free(c->mem[i].cpu_bm);
	}
	/* B had A's MAC: give it one of its own again. */
	if (c->set.n > MIG_B)
		vfm_set_mac_default(&c->set, MIG_B);
	vfm_set_teardown(&c->set);
	if (c->kmsg >= 0) {
		*have_k = !vfm_kmsg_scan(c->kmsg, k);
		close(c->kmsg);
		c->kmsg = -1;
	}
}

int mig_open_dest(struct mig_ctx *c)
{
	struct vfm_dev *b = &c->dev[MIG_B];
	int i, ret;

	ret = vfm_open(b, VFM_BACKEND_MDEV, c->set.uuid[MIG_B]);
	if (ret)
		return ret;
	c->open[MIG_B] = true;
	for (i = 0; i < c->nmem; i++) {
		struct mig_mem *m = &c->mem[i];

		if (!vfm_dma_adopt(b, m->src - c->dev[MIG_A].dma, m->dst,
				   m->src->iova, m->src->size))
			return -errno;
		m->adopted = true;	/* B unmaps it */
	}
	return 0;
}

int mig_warm_up(struct mig_ctx *c, char *why, size_t wl)
{
	int ret;

	ret = mig_c2a_send(c, MIG_BURST);
	if (!ret)
		ret = mig_a_recv(c, why, wl);
	if (!ret)
		ret = igbvf_rx_refill(&c->ga);
	if (!ret && c->c2a_seen != MIG_BURST) {
		snprintf(why, wl, "A took %u of %u frames", c->c2a_seen,
			 MIG_BURST);
		ret = -EIO;
	}
	return ret;
}

int mig_precopy_traffic(struct mig_ctx *c, int k, char *why, size_t wl)
{
	int ret;

	ret = mig_c2a_send(c, MIG_BURST);
	/* Consume half now, leave the rest for later (or for B). */
	if (!ret && k % 2)
		ret = mig_a_recv(c, why, wl);
	if (!ret)
		ret = igbvf_rx_refill(&c->ga);
	if (!ret)
		ret = mig_a2c_queue(c);
	if (!ret)
		ret = igbvf_tx_kick(&c->ga);
	if (!ret)
		ret = mig_c_drain(c, why, wl);
	return ret;
}

int mig_before_stop(struct mig_ctx *c)
{
	int ret = mig_c2a_send(c, MIG_BURST / 2);

	return ret ? ret : igbvf_rd(&c->ga, IGBVF_VFGPRC, &c->gprc_a);
}

int mig_continue_on_b(struct mig_ctx *c, char *why, size_t wl)
{
	__u64 other = c->ga.st.irqs[IGBVF_VEC_OTHER];
	__u32 mbx, gprc_b;
	int k, ret;

	ret = igbvf_move(&c->ga, &c->dev[MIG_B]);
	if (ret) {
		snprintf(why, wl, "igbvf_move: %d", ret);
		return ret;
	}
	vfm_close(&c->dev[MIG_A]);
	c->open[MIG_A] = false;
	ret = igbvf_rd(&c->ga, IGBVF_V2PMAILBOX, &mbx);
	if (!ret && (mbx & (IGBVF_MBX_RSTI | IGBVF_MBX_RSTD))) {
		snprintf(why, wl, "the guest sees a reset in the mailbox: %#x",
			 mbx);
		return -EIO;
	}
	if (!ret && igbvf_link_up(&c->ga) != 1) {
		snprintf(why, wl, "no link on B");
		return -EIO;
	}
	/* A frame held at the stop, or queued before it, went out. */
	if (!ret)
		ret = mig_c_drain(c, why, wl);
	/* What arrived before the stop is in the ring; new frames follow. */
	if (!ret)
		ret = mig_a_recv(c, why, wl);
	if (!ret)
		ret = igbvf_rx_refill(&c->ga);
	for (k = 0; !ret && k < 3; k++) {
		ret = mig_c2a_send(c, MIG_BURST);
		if (!ret && igbvf_rx_wait(&c->ga, 5000) != 1) {
			snprintf(why, wl, "no RX interrupt on B after %u frames",
				 c->c2a_seen);
			return -ETIMEDOUT;
		}
		if (!ret)
			ret = mig_a_recv(c, why, wl);
		if (!ret)
			ret = igbvf_rx_refill(&c->ga);
		if (!ret)
			ret = mig_a2c_queue(c);
		if (!ret)
			ret = igbvf_tx_kick(&c->ga);
		if (!ret)
			ret = mig_c_drain(c, why, wl);
	}
	if (ret)
		return ret;
	if (c->c2a_sent != c->c2a_seen) {
		snprintf(why, wl, "B took %u of the %u frames C sent",
			 c->c2a_seen, c->c2a_sent);
		return -EIO;
	}
	/*
	 * B raised its queues' vectors once, not the mailbox's: no mailbox
	 * event waited for the guest, and igbvf checks its link on one.
	 */
	ret = igbvf_irq_service(&c->ga);
	if (ret)
		return ret;
	if (c->ga.st.irqs[IGBVF_VEC_OTHER] != other) {
		snprintf(why, wl, "B raised the mailbox's vector %llu times",
			 (unsigned long long)(c->ga.st.irqs[IGBVF_VEC_OTHER] -
					      other));
		return -EIO;
	}
	/* The PF still serves the guest's requests (no reset needed). */
	ret = igbvf_set_vlan(&c->ga, 100, true);
	if (!ret)
		ret = igbvf_set_vlan(&c->ga, 100, false);
	if (ret) {
		snprintf(why, wl, "the PF refuses B's VLAN request: %d", ret);
		return ret;
	}
	/* Statistics continue from where the source left them. */
	ret = igbvf_rd(&c->ga, IGBVF_VFGPRC, &gprc_b);
	if (ret)
		return ret;
	if (gprc_b < c->gprc_a || gprc_b > c->gprc_a + 4 * MIG_BURST + 64) {
		snprintf(why, wl, "VFGPRC %u on A at the stop, %u on B",
			 c->gprc_a, gprc_b);
		return -EIO;
	}
	fprintf(stderr, "# VFGPRC %u -> %u\n", c->gprc_a, gprc_b);
	return 0;
}

void mig_print(const struct mig_stats *st, const char *what)
{
	unsigned int k;

	fprintf(stderr, "# %s: %u rounds; pages reported per round:\n", what,
		st->rounds);
	for (k = 0; k < st->rounds; k++)
		fprintf(stderr, "#   round %u: reported %llu, false positives %llu, copied %llu\n",
			k, (unsigned long long)st->reported[k],
			(unsigned long long)st->false_pos[k],
			(unsigned long long)st->copied[k]);
	fprintf(stderr, "# stream %llu B (initial %llu), stop-copy %.3f ms, restore %.3f ms\n",
		(unsigned long long)st->stream,
		(unsigned long long)st->initial, st->stop_ns / 1e6,
		st->restore_ns / 1e6);
}
