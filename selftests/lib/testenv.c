// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: two-VF test environment and traffic checker.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testenv.h"

static bool vfm_is_uuid(const char *s)
{
	int i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
			     (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

/* Remove stale mdevs left on @vf by an earlier run. */
static int vfm_clean_vf(const char *vf)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", vf);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!vfm_is_uuid(de->d_name) || !vfm_mdev_exists(de->d_name))
			continue;
		vfm_info("removing stale mdev %s on %s", de->d_name, vf);
		ret = vfm_mdev_remove(de->d_name);
		if (ret)
			break;
	}
	closedir(dir);
	return ret;
}

int vfm_pair_clean_vf(struct vfm_pair *p, int i)
{
	return vfm_clean_vf(p->vf[i]);
}

/*
 * The PF (up: it serves the mailbox and switches VF to VF) and at least
 * @n of its VFs.  Returns the number of VFs found, or -ENODEV with @why.
 */
static int vfm_env_vfs(char *pf, char *ifname, int n,
		       char vfs[][VFM_BDF_LEN], char *why, size_t len)
{
	int nvfs, ret;

	if (!vfm_path_exists("/dev/vfio/vfio")) {
		snprintf(why, len, "no /dev/vfio/vfio");
		return -ENODEV;
	}
	ret = vfm_find_pf(pf, VFM_BDF_LEN);
	if (ret) {
		snprintf(why, len, "no igb PF (8086:10c9)");
		return -ENODEV;
	}
	ifname[0] = '\0';
	if (!vfm_pci_netdev(pf, ifname, IF_NAMESIZE)) {
		ret = vfm_netdev_up(ifname);
		if (ret)
			return ret;
	}
	if (!getenv("VFMDEV_VFS")) {
		ret = vfm_sriov_ensure(pf, n);
		if (ret < 0)
			return ret;
	}
	/* VFs just enabled (here or by the user) reset the PF. */
	if (ifname[0]) {
		ret = vfm_netdev_settle(ifname);
		if (ret)
			return ret;
	}
	nvfs = vfm_find_vfs(pf, vfs, VFM_MAX_VFS);
	if (nvfs < n) {
		snprintf(why, len, "need %d VFs of %s, found %d", n, pf, nvfs);
		return -ENODEV;
	}
	return nvfs;
}

/* Bind @vf to the mdev family driver, with no mdev left on it. */
static int vfm_bind_parent(const char *vf, char *why, size_t len)
{
	char path[PATH_MAX];
	int ret;

	ret = vfm_pci_bind(vf, vfm_mdev_driver());
	if (ret)
		return ret;
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/mdev_supported_types/%s", vf,
		 vfm_mdev_type());
	if (!vfm_path_exists(path)) {
		snprintf(why, len, "%s has no mdev type %s", vf,
			 vfm_mdev_type());
		return -ENODEV;
	}
	return vfm_clean_vf(vf);
}

/* The deterministic, locally administered MAC of VF @vf_index. */
static void vfm_vf_default_mac(__u8 mac[6], int vf_index)
{
	static const __u8 base[6] = { 0x02, 0x76, 0x66, 0x6d, 0x00, 0x10 };

	memcpy(mac, base, 6);
	mac[5] += vf_index;
}

int vfm_env_prepare(struct vfm_pair *p, enum vfm_backend b, int n,
		    char *why, size_t len)
{
	char vfs[VFM_MAX_VFS][VFM_BDF_LEN];
	int i, ret;

	memset(p, 0, sizeof(*p));
	p->backend = b;
	for (i = 0; i < 2; i++) {
		p->dev[i].device_fd = -1;
		p->vf_index[i] = -1;
	}
	if (b == VFM_BACKEND_MDEV) {
		const char *no = vfm_mdev_unavailable();

		if (no) {
			snprintf(why, len, "%s", no);
			return -ENODEV;
		}
	} else if (!vfm_driver_loaded("vfio-pci")) {
		snprintf(why, len, "vfio-pci not loaded");
		return -ENODEV;
	}
	ret = vfm_env_vfs(p->pf, p->ifname, n, vfs, why, len);
	if (ret < 0)
		return ret;
	for (i = 0; i < n && i < 2; i++) {
		memcpy(p->vf[i], vfs[i], VFM_BDF_LEN);
		p->vf[i][VFM_BDF_LEN - 1] = '\0';
		vfm_expect_errors(true);
		p->vf_index[i] = vfm_vf_index(p->pf, p->vf[i]);
		vfm_expect_errors(false);
	}
	/* deterministic, locally administered MACs, set by the PF */
	if (p->ifname[0] && !getenv("VFMDEV_NO_VF_MAC")) {
		p->mac_assigned = true;
		for (i = 0; i < n && i < 2; i++) {
			__u8 *m = p->mac[i];

			vfm_vf_default_mac(m, p->vf_index[i] < 0 ? i :
					   p->vf_index[i]);
			if (p->vf_index[i] < 0 ||
			    vfm_pf_set_vf_mac(p->ifname, p->vf_index[i], m))
				p->mac_assigned = false;
		}
	}
	for (i = 0; i < n && i < 2; i++) {
		ret = b == VFM_BACKEND_MDEV ?
		      vfm_bind_parent(p->vf[i], why, len) :
		      vfm_pci_bind(p->vf[i], "vfio-pci");
		if (ret)
			return ret;
	}
	return 0;
}

int vfm_set_prepare(struct vfm_set *s, const int *idx, int n, char *why,
		    size_t len)
{
	char vfs[VFM_MAX_VFS][VFM_BDF_LEN];
	const char *no = vfm_mdev_unavailable();
	int i, nvfs, ret, need = 0;

	memset(s, 0, sizeof(*s));
	if (no) {
		snprintf(why, len, "%s", no);
		return -ENODEV;
	}
	if (n > VFM_SET_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (idx[i] + 1 > need)
			need = idx[i] + 1;
	nvfs = vfm_env_vfs(s->pf, s->ifname, need, vfs, why, len);
	if (nvfs < 0)
		return nvfs;
	for (i = 0; i < n; i++) {
		snprintf(s->vf[i], VFM_BDF_LEN, "%s", vfs[idx[i]]);
		s->vf_index[i] = vfm_vf_index(s->pf, s->vf[i]);
		if (s->vf_index[i] < 0)
			return s->vf_index[i];
		/*
		 * The same deterministic MAC as vfm_env_prepare() gives: a test
		 * does not depend on what an earlier one left (VFs recreated
		 * by sriov_numvfs start with a zero MAC).
		 */
		if (s->ifname[0] && !getenv("VFMDEV_NO_VF_MAC")) {
			ret = vfm_set_mac_default(s, i);
			if (ret) {
				snprintf(why, len, "setting %s's MAC failed",
					 s->vf[i]);
				return ret;
			}
		}
		ret = vfm_bind_parent(s->vf[i], why, len);
		if (ret)
			return ret;
		ret = vfm_mdev_create(s->vf[i], vfm_mdev_type(), s->uuid[i],
				      sizeof(s->uuid[i]));
		if (ret)
			return ret;
		s->created[i] = true;
		s->n = i + 1;
	}
	return 0;
}

void vfm_set_teardown(struct vfm_set *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (s->created[i] && vfm_mdev_exists(s->uuid[i]))
			vfm_mdev_remove(s->uuid[i]);
		s->created[i] = false;
	}
}

int vfm_set_mac(struct vfm_set *s, int i, const __u8 mac[6])
{
	if (!s->ifname[0])
		return -ENODEV;
	return vfm_pf_set_vf_mac(s->ifname, s->vf_index[i], mac);
}

int vfm_set_mac_default(struct vfm_set *s, int i)
{
	__u8 mac[6];

	vfm_vf_default_mac(mac, s->vf_index[i]);
	return vfm_set_mac(s, i, mac);
}

const char *vfm_pair_name(struct vfm_pair *p, int i)
{
	return p->backend == VFM_BACKEND_MDEV ? p->uuid[i] : p->vf[i];
}

int vfm_pair_create(struct vfm_pair *p, int i)
{
	int ret;

	if (p->backend != VFM_BACKEND_MDEV || p->created[i])
		return 0;
	ret = vfm_mdev_create(p->vf[i], vfm_mdev_type(), p->uuid[i],
			      sizeof(p->uuid[i]));
	if (!ret)
		p->created[i] = true;
	return ret;
}

int vfm_pair_setup(struct vfm_pair *p, enum vfm_backend b, char *why,
		   size_t len)
{
	int i, ret;

	ret = vfm_env_prepare(p, b, 2, why, len);
	if (ret)
		goto fail;
	for (i = 0; i < 2; i++) {
		ret = vfm_pair_create(p, i);
		if (ret)
			goto fail;
		ret = vfm_open(&p->dev[i], b, vfm_pair_name(p, i));
		if (ret)
			goto fail;
		p->opened[i] = true;
	}
	return 0;
fail:
	if (ret != -ENODEV)
		snprintf(why, len, "setup failed: %s", strerror(-ret));
	vfm_pair_teardown(p);
	return ret;
}

void vfm_pair_teardown(struct vfm_pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (p->opened[i])
			vfm_close(&p->dev[i]);
		p->opened[i] = false;
		if (p->created[i])
			vfm_mdev_remove(p->uuid[i]);
		p->created[i] = false;
	}
}

static void *vfm_releaser_main(void *arg)
{
	struct vfm_releaser *v = arg;
	__u64 t0 = vfm_now_ns();

	v->req = vfm_eventfd_wait(v->d->req_fd, v->timeout_ms);
	v->waited_ns = vfm_now_ns() - t0;
	/* close even on timeout so the host side cannot hang forever */
	vfm_close(v->d);
	return NULL;
}

int vfm_releaser_start(struct vfm_releaser *v, struct vfm_dev *d,
		       int timeout_ms)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->d = d;
	v->timeout_ms = timeout_ms;
	ret = vfm_req_enable(d);
	if (ret)
		return ret;
	return -pthread_create(&v->thread, NULL, vfm_releaser_main, v);
}

void vfm_releaser_join(struct vfm_releaser *v)
{
	pthread_join(v->thread, NULL);
}

/* Traffic ---------------------------------------------------------------- */

void vfm_traffic_default(struct vfm_traffic *t)
{
	memset(t, 0, sizeof(*t));
	t->frames = 1000;
	t->min_len = 60;
	t->max_len = IGBVF_MAX_FRAME;
	t->sweep = true;
	t->seed = 1;
	t->timeout_ms = 5000;
}

static __u32 vfm_rand(__u32 x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

unsigned int vfm_traffic_len(const struct vfm_traffic *t, unsigned int seq)
{
	unsigned int span = t->max_len - t->min_len + 1;

	if (t->lens && t->nlens)
		return t->lens[seq % t->nlens];
	if (t->sweep)
		return t->min_len + seq % span;
	return t->min_len + vfm_rand(seq * 2654435761U + t->seed + 1) % span;
}

static __u8 vfm_pattern(__u32 seq, size_t k)
{
	return (__u8)(seq * 7 + k * 13 + (k >> 8) + (seq >> 8));
}

size_t vfm_frame_build(void *buf, const __u8 dst[6], const __u8 src[6],
		       __u32 seq, size_t len)
{
	__u8 *f = buf;
	size_t k;

	if (len < VFM_HDR_LEN)
		len = VFM_HDR_LEN;
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = VFM_ETHERTYPE >> 8;
	f[13] = VFM_ETHERTYPE & 0xff;
	f[14] = seq >> 24;
	f[15] = seq >> 16;
	f[16] = seq >> 8;
	f[17] = seq;
	f[18] = len >> 8;
	f[19] = len;
	for (k = VFM_HDR_LEN; k < len; k++)
		f[k] = vfm_pattern(seq, k);
	return len;
}

size_t vfm_frame_check(const void *buf, size_t len, const __u8 dst[6],
		       const __u8 src[6], __u32 seq, size_t want_len)
{
	__u8 want[IGBVF_MAX_JUMBO + 64];
	const __u8 *f = buf;
	size_t k, n;

	n = vfm_frame_build(want, dst, src, seq, want_len);
	for (k = 0; k < n && k < len; k++)
		if (f[k] != want[k])
			return k + 1;
	if (len != n)
		return (len < n ? len : n) + 1;
	return 0;
}

static int vfm_traffic_drain(struct igbvf_guest *rx, const __u8 *dst,
			     const __u8 *src, const struct vfm_traffic *t,
			     struct vfm_traffic_result *res)
{
	__u8 buf[IGBVF_MAX_JUMBO + 64];
	int ret;

	for (;;) {
		size_t len = 0, bad;
		__u32 seq;
		unsigned int want;

		ret = igbvf_rx(rx, buf, sizeof(buf), &len);
		if (!ret)
			break;
		if (ret < 0) {
			res->rx_errors++;
			if (!res->msg[0])
				snprintf(res->msg, sizeof(res->msg),
					 "rx error %d (len %zu) after %llu frames",
					 ret, len,
					 (unsigned long long)res->received);
			continue;
		}
		if (len < VFM_HDR_LEN ||
		    ((buf[12] << 8) | buf[13]) != VFM_ETHERTYPE) {
			res->foreign++;
			continue;
		}
		seq = ((__u32)buf[14] << 24) | ((__u32)buf[15] << 16) |
		      ((__u32)buf[16] << 8) | buf[17];
		want = vfm_traffic_len(t, res->received);
		bad = vfm_frame_check(buf, len, dst, src, (__u32)res->received,
				      want);
		if (bad) {
			res->mismatched++;
			if (!res->msg[0])
				snprintf(res->msg, sizeof(res->msg),
					 "frame %llu (got seq %u, len %zu, want len %u) differs at byte %zu",
					 (unsigned long long)res->received,
					 seq, len, want, bad - 1);
		}
		if (len < res->min_seen || !res->min_seen)
			res->min_seen = len;
		if (len > res->max_seen)
			res->max_seen = len;
		res->received++;
		res->bytes += len;
	}
	return igbvf_rx_refill(rx);
}

int vfm_traffic_run(struct igbvf_guest *tx, struct igbvf_guest *rx,
		    const struct vfm_traffic *t,
		    struct vfm_traffic_result *res)
{
	static const __u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int window = t->window ? t->window : rx->rx.count - 2;
	unsigned int burst = t->burst ? t->burst : 8;
	const __u8 *dst = t->dst ? t->dst : t->broadcast ? bcast : rx->mac;
	__u64 irq0 = rx->st.irqs[IGBVF_VEC_RX], start, last;
	__u8 frame[IGBVF_MAX_JUMBO + 64];
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (window > rx->rx.count - 2)
		window = rx->rx.count - 2;
	if (!window)
		window = 1;
	start = vfm_now_ns();
	last = start;
	while (res->received < t->frames) {
		unsigned int queued = 0;
		bool can_send;
		int r;

		while (res->sent < t->frames &&
		       res->sent - res->received < window && queued < burst) {
			unsigned int len = vfm_traffic_len(t, res->sent);

			vfm_frame_build(frame, dst, tx->mac, (__u32)res->sent,
					len);
			ret = igbvf_tx_queue(tx, frame, len);
			if (ret == -EBUSY)
				break;
			if (ret) {
				snprintf(res->msg, sizeof(res->msg),
					 "tx queue: %s", strerror(-ret));
				goto out;
			}
			res->sent++;
			queued++;
		}
		if (queued) {
			ret = igbvf_tx_kick(tx);
			res->tx_doorbells++;
			if (ret) {
				snprintf(res->msg, sizeof(res->msg),
					 "TDT doorbell: %s", strerror(-ret));
				goto out;
			}
		}
		igbvf_tx_clean(tx);
		can_send = res->sent < t->frames &&
			   res->sent - res->received < window &&
			   tx->tx.pending < tx->tx.count - 1;
		if (can_send) {
			r = igbvf_rx_ready(rx);
		} else if (t->use_irq) {
			r = igbvf_rx_wait(rx, t->timeout_ms);
		} else {
			__u64 dl = vfm_now_ns() +
				   (__u64)t->timeout_ms * 1000000ULL;

			r = igbvf_rx_ready(rx);
			while (!r && vfm_now_ns() < dl) {
				usleep(10);
				r = igbvf_rx_ready(rx);
			}
		}
		if (r < 0) {
			ret = r;
			snprintf(res->msg, sizeof(res->msg), "rx wait: %s",
				 strerror(-r));
			goto out;
		}
		if (r || queued)
			last = vfm_now_ns();
		if (vfm_now_ns() - last > (__u64)t->timeout_ms * 1000000ULL) {
			ret = -ETIMEDOUT;
			snprintf(res->msg, sizeof(res->msg),
				 "no progress for %d ms: sent %llu, received %llu, tx pending %u",
				 t->timeout_ms, (unsigned long long)res->sent,
				 (unsigned long long)res->received,
				 tx->tx.pending);
			goto out;
		}
		ret = vfm_traffic_drain(rx, dst, tx->mac, t, res);
		if (ret) {
			snprintf(res->msg, sizeof(res->msg), "RDT doorbell: %s",
				 strerror(-ret));
			goto out;
		}
	}
	/* wait for the last TX completions */
	{
		__u64 dl = vfm_now_ns() + (__u64)t->timeout_ms * 1000000ULL;

		while (tx->tx.pending && vfm_now_ns() < dl) {
			igbvf_tx_clean(tx);
			if (tx->tx.pending)
				usleep(10);
		}
		if (tx->tx.pending && !res->msg[0]) {
			ret = -ETIMEDOUT;
			snprintf(res->msg, sizeof(res->msg),
				 "%u TX descriptors never completed",
				 tx->tx.pending);
		}
	}
out:
	res->ns = vfm_now_ns() - start;
	if (rx->cfg.msix)
		igbvf_irq_service(rx);
	res->rx_irqs = rx->st.irqs[IGBVF_VEC_RX] - irq0;
	if (!ret && (res->mismatched || res->rx_errors))
		ret = -EIO;
	return ret;
}
