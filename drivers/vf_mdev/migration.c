// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: live migration through VFIO migration v2.
 *
 * The state machine follows the uapi (include/uapi/linux/vfio.h) with
 * STOP_COPY, P2P and PRE_COPY: set_state walks vfio_mig_get_next_state()
 * one arc at a time over the flat table vfm_arcs[].  What each state means
 * for a mediated NIC VF:
 *
 *   RUNNING       the guest's tails reach the device after the scan
 *   RUNNING_P2P   the guest's tails are held: the device finishes what it
 *                 has been given and gets nothing new (it cannot reach
 *                 another device's memory at all: its domain maps only
 *                 pinned guest RAM)
 *   STOP          queues disabled at a packet boundary, interrupts masked,
 *                 the device's state captured (vfm_snap): it writes no
 *                 guest memory and raises no interrupt
 *   PRE_COPY(_P2P) as RUNNING(_P2P); the saving file offers the initial
 *                 frame (match data) and the pin cache keeps only what the
 *                 device can still write
 *   STOP_COPY     as STOP; the saving file offers the final frame
 *   RESUMING      the device was reset; the resuming file takes frames,
 *                 refusing a stream for another VF when its initial frame
 *                 arrives
 *   RESUMING->STOP rebuilds the guest's device: PF-side configuration
 *                 replayed by the family through the VF's own mailbox,
 *                 then rings, registers and mailbox as the guest left them;
 *                 the queues start, and the held tails reach the device,
 *                 on the way back to RUNNING
 *
 * Two interfaces drive it, one per open (the first one used keeps it):
 * VFIO migration v2 (vfio_migration_ops) and the migration region
 * (mig_region.c), which walks the same machine with vfm_mig_set_state()
 * and moves the same stream through vfm_migf_read()/vfm_migf_write().
 *
 * Locking: (mreg.lock ->) mig.lock (the state machine) -> a file's lock
 * -> state_lock.
 * A function reset can happen while mig.lock is held (the VFIO reset
 * ioctl, close): it takes mig.lock with trylock only, and if that fails
 * the holder applies it when it lets go (deferred_reset), as mlx5 does.
 */
#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/if_ether.h>
#include <linux/file.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"
#include "trace.h"

/**
 * struct vfm_migf - a migration data file
 * @filp: the file
 * @lock: protects everything below; taken after mig.lock, before
 *	state_lock
 * @vd: the device; used only while the file is not @disabled
 * @disabled: the session is over: every operation fails with ENODEV
 * @precopy: the device is in a PRE_COPY state (VFIO_MIG_GET_PRECOPY_INFO)
 * @buf: saving: the frames; resuming: the frame being received
 * @len: bytes in @buf
 * @cap: bytes allocated at @buf
 * @initial: saving: bytes of the initial frame at the start of @buf
 * @final: saving: the final frame is in @buf (then reads end with 0)
 * @frame_len: resuming: length of the frame in @buf, once its header is in
 * @taken: resuming: bytes the user wrote to the file
 * @err: resuming: a write was refused; nothing can be loaded
 * @frames: resuming: VF_MDEV_STREAM_F_* of the frames taken
 * @st: resuming: the final frame, decoded
 * @tmp: resuming: scratch for decoding
 */
struct vfm_migf {
	struct file *filp;
	struct mutex lock;	/* protects everything below */
	struct vfm_dev *vd;
	bool disabled;
	bool precopy;
	u8 *buf;
	size_t len;
	size_t cap;
	size_t initial;
	bool final;
	u64 frame_len;
	u64 taken;
	int err;
	u32 frames;
	struct vfm_dstate *st;
	struct vfm_dstate *tmp;
};

static struct vfm_dev *to_vfm(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfm_dev, vdev);
}

static const char *const vfm_state_names[] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
	[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
};

const char *vfm_state_name(u32 state)
{
	return state < ARRAY_SIZE(vfm_state_names) ? vfm_state_names[state] :
	       "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(vfm_state_name);

/* Data files ------------------------------------------------------------ */

static int vfm_migf_release(struct inode *inode, struct file *filp)
{
	struct vfm_migf *migf = filp->private_data;

	kvfree(migf->buf);
	kvfree(migf->st);
	kvfree(migf->tmp);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

/* What the saving file has at its position, into @to. */
static ssize_t vfm_save_copy(struct file *filp, struct iov_iter *to)
{
	struct vfm_migf *migf = filp->private_data;
	size_t n;
	ssize_t done;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		done = -ENODEV;
	} else if (filp->f_pos >= migf->len) {
		/* Pre-copy: all there is for now; stop-copy: the end. */
		done = migf->final ? 0 : -ENOMSG;
	} else {
		n = min_t(size_t, iov_iter_count(to), migf->len - filp->f_pos);
		done = copy_to_iter(migf->buf + filp->f_pos, n, to);
		if (n && !done)
			done = -EFAULT;
		else
			filp->f_pos += done;
	}
	mutex_unlock(&migf->lock);
	return done;
}

static ssize_t vfm_save_read(struct file *filp, char __user *buf, size_t len,
			     loff_t *pos)
{
	struct iov_iter to;
	int ret;

	if (pos)
		return -ESPIPE;
	ret = import_ubuf(ITER_DEST, buf, len, &to);
	if (ret)
		return ret;
	return vfm_save_copy(filp, &to);
}

static long vfm_save_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfm_migf *migf = filp->private_data;
	struct vfio_precopy_info info;
	int ret = 0;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
	} else if (!migf->precopy) {
		ret = -EINVAL;	/* valid in the PRE_COPY states only */
	} else {
		info.initial_bytes = filp->f_pos < migf->initial ?
				     migf->initial - filp->f_pos : 0;
		/* The device state is all in the stop-copy frame. */
		info.dirty_bytes = 0;
	}
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static const struct file_operations vfm_save_fops = {
	.owner = THIS_MODULE,
	.read = vfm_save_read,
	.unlocked_ioctl = vfm_save_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vfm_migf_release,
};

static ssize_t vfm_resume_write(struct file *filp, const char __user *buf,
				size_t len, loff_t *pos);

static const struct file_operations vfm_resume_fops = {
	.owner = THIS_MODULE,
	.write = vfm_resume_write,
	.release = vfm_migf_release,
};

static struct vfm_migf *vfm_migf_new(struct vfm_dev *vd, bool saving)
{
	struct vfm_migf *migf;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&migf->lock);
	migf->vd = vd;
	if (!saving) {
		migf->st = kvzalloc(sizeof(*migf->st), GFP_KERNEL_ACCOUNT);
		migf->tmp = kvzalloc(sizeof(*migf->tmp), GFP_KERNEL_ACCOUNT);
		if (!migf->st || !migf->tmp)
			goto out_free;
	}
	migf->filp = anon_inode_getfile("vf_mdev_mig",
					saving ? &vfm_save_fops :
						 &vfm_resume_fops,
					migf, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(migf->filp)) {
		struct vfm_migf *err = ERR_CAST(migf->filp);

		migf->filp = NULL;
		kvfree(migf->st);
		kvfree(migf->tmp);
		mutex_destroy(&migf->lock);
		kfree(migf);
		return err;
	}
	stream_open(migf->filp->f_inode, migf->filp);
	return migf;

out_free:
	kvfree(migf->st);
	kvfree(migf->tmp);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return ERR_PTR(-ENOMEM);
}

/* The device's reference on a file goes; the file stops working. */
static void vfm_migf_put(struct vfm_migf **slot)
{
	struct vfm_migf *migf = *slot;

	if (!migf)
		return;
	mutex_lock(&migf->lock);
	migf->disabled = true;
	migf->precopy = false;
	mutex_unlock(&migf->lock);
	fput(migf->filp);
	*slot = NULL;
}

static void vfm_mig_disable_files(struct vfm_dev *vd)
{
	lockdep_assert_held(&vd->mig.lock);
	vfm_migf_put(&vd->mig.saving);
	vfm_migf_put(&vd->mig.resuming);
}

/* Append a frame of @s to a saving file's buffer; under migf->lock. */
static int vfm_migf_append(struct vfm_migf *migf, const struct vfm_dstate *s,
			   u32 flags)
{
	size_t need = vfm_stream_frame_size(s, flags);
	ssize_t n;

	if (migf->len + need > migf->cap) {
		u8 *buf = kvrealloc(migf->buf, migf->len + need,
				    GFP_KERNEL_ACCOUNT);

		if (!buf) {
			trace_vf_mdev_stream_save(migf->vd,
						  flags & VF_MDEV_STREAM_F_INITIAL ?
						  VFM_FRAME_INITIAL :
						  VFM_FRAME_FINAL, 0, 0,
						  migf->len, -ENOMEM);
			return -ENOMEM;
		}
		migf->buf = buf;
		migf->cap = migf->len + need;
	}
	n = vfm_stream_encode(s, flags, migf->buf + migf->len,
			      migf->cap - migf->len);
	if (n >= 0) {
		migf->len += n;
		if (flags & VF_MDEV_STREAM_F_INITIAL)
			migf->initial = n;
		else
			migf->final = true;
		WRITE_ONCE(migf->vd->mig.saved_bytes, migf->len);
	}
	/* Counting the records is work: only for the event. */
	if (trace_vf_mdev_stream_save_enabled())
		trace_vf_mdev_stream_save(migf->vd,
					  flags & VF_MDEV_STREAM_F_INITIAL ?
					  VFM_FRAME_INITIAL : VFM_FRAME_FINAL,
					  n < 0 ? 0 : n,
					  n < 0 ? 0 :
					  vfm_stream_frame_records(s, flags),
					  migf->len, n < 0 ? n : 0);
	return n < 0 ? n : 0;
}

/* Capture: the device's state into a stream --------------------------- */

/* The match data: this VF, its PF's settings, the family's reading. */
static void vfm_mig_fill_match(struct vfm_dev *vd, struct vfm_dstate *s)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct pci_dev *pdev = vd->par->pdev;
	u8 mac[ETH_ALEN];

	s->family = fam->family_id;
	s->vendor = pdev->vendor;
	s->device = pdev->device;
	s->subvendor = pdev->subsystem_vendor;
	s->subdevice = pdev->subsystem_device;
	s->nr_rings = fam->nr_rings;
	s->nr_vectors = vd->nvec;
	vfm_pf_vf_info(vd, &s->pf_flags, &s->pf_vlan, &s->pf_qos, mac);
	spin_lock(&vd->mbx_lock);
	s->nlog = vd->mbx.nlog;
	memcpy(s->log, vd->mbx.log, s->nlog * sizeof(s->log[0]));
	spin_unlock(&vd->mbx_lock);
	fam->mig->match(s->log, s->nlog, &s->mi);
}

/* Everything else, from the shadows and the snapshot taken at STOP. */
static void vfm_mig_capture(struct vfm_dev *vd, struct vfm_dstate *s)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_snap *snap = &vd->mig.snap;
	u8 i;

	vfm_mig_fill_match(vd, s);
	mutex_lock(&vd->state_lock);
	memcpy(s->cfg, vd->cfg, VFM_CFG_SIZE);
	mutex_unlock(&vd->state_lock);
	for (i = 0; i < fam->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		struct vfm_ring_state *rs = &s->rings[i];

		spin_lock(&r->lock);
		rs->dir = r->cfg.dir;
		rs->flags = (r->cfg.enabled ? VF_MDEV_RING_ENABLED : 0) |
			    (r->cfg.wb_en ? VF_MDEV_RING_WB : 0) |
			    (r->held ? VF_MDEV_RING_HELD : 0);
		rs->base = r->cfg.base;
		rs->len = r->cfg.len;
		rs->mode = r->cfg.mode;
		rs->ctrl = r->ctrl;
		rs->head = snap->head[i];
		rs->tail = snap->tail[i];
		rs->held_tail = r->held ? r->held_tail : 0;
		rs->wb_lo = r->wb_lo;
		rs->wb_hi = r->wb_hi;
		s->src.doorbells += r->doorbells;
		s->src.descs += r->descs;
		spin_unlock(&r->lock);
	}
	s->ndev_regs = fam->mig->dev_regs;
	memcpy(s->dev_regs, snap->dev_regs, sizeof(s->dev_regs));
	spin_lock(&vd->mbx_lock);
	s->mbx_r2c = vd->mbx.r2c;
	s->mbx_words = fam->mbx_words;
	memcpy(s->mbx_mem, snap->mbx_mem, fam->mbx_words * sizeof(u32));
	memcpy(s->mbx_out, vd->mbx.out, fam->mbx_words * sizeof(u32));
	spin_unlock(&vd->mbx_lock);
	s->nstats = fam->nr_stats;
	memcpy(s->stats, snap->stats, sizeof(s->stats));
	s->src.stop_ns = snap->stop_ns;
	s->src.pinned = READ_ONCE(vd->pc.count);
	s->has_src = true;
}

/* The device: stop and start ------------------------------------------- */

/* A ring whose geometry only messages to the PF carry (no base register). */
static bool vfm_msg_configured(struct vfm_dev *vd, u8 i)
{
	return vd->par->map.ring[i][VFM_REG_RING_BASE_LO] == VFM_NO_REG &&
	       vfm_fam(vd)->ring_dir[i] <= VFM_RING_TX;
}

/* What a family's stop or replay gets of the rings; @snap's positions. */
static void vfm_mig_replay_rings(struct vfm_dev *vd, struct vfm_replay *rp,
				 const struct vfm_snap *snap, bool loaded)
{
	u8 i;

	rp->enabled = 0;
	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		if (loaded ? snap->ring_flags[i] & VFM_SNAP_ENABLED :
			     r->cfg.enabled)
			rp->enabled |= BIT_ULL(i);
		rp->head[i] = snap->head[i];
		rp->tail[i] = r->held ? r->held_tail : snap->tail[i];
		spin_unlock(&r->lock);
	}
}

/* The configuration log, for a family's stop or restart; mbx_lock. */
static void vfm_mig_log_copy(struct vfm_dev *vd, struct vfm_cfg_rec *log,
			     unsigned int *n)
{
	spin_lock(&vd->mbx_lock);
	*n = vd->mbx.nlog;
	memcpy(log, vd->mbx.log, *n * sizeof(log[0]));
	spin_unlock(&vd->mbx_lock);
}

/* The family's session is over: its message rings back, as the guest had. */
static int vfm_mig_reload_msg_rings(struct vfm_dev *vd,
				    const struct vfm_snap *snap)
{
	const struct vfm_family *fam = vfm_fam(vd);
	int ret;
	u8 i;

	for (i = 0; i < fam->nr_rings; i++) {
		if (vfm_msg_configured(vd, i) ||
		    fam->ring_dir[i] <= VFM_RING_TX)
			continue;
		ret = vfm_ring_reload(vd, i, snap->head[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Queues that registers cannot stop: the family stops them (@restart
 * false) or, on a source whose migration was abandoned, restarts them,
 * through a session of its own that takes the VF's message rings over;
 * they are put back (stopped) at the heads the guest left.  A stop fills
 * in the heads no register shows.  Returns 0 or a negative errno.
 */
static int vfm_mig_family_queues(struct vfm_dev *vd, struct vfm_snap *snap,
				 bool restart)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_cfg_rec *log;
	struct vfm_replay *rp;
	int ret;
	u8 i;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	log = kvcalloc(VFM_CFG_LOG_MAX, sizeof(*log), GFP_KERNEL);
	if (!rp || !log) {
		ret = -ENOMEM;
		goto out_free;
	}
	vfm_mig_log_copy(vd, log, &rp->nlog);
	rp->log = log;
	rp->restart = restart;
	vfm_mig_replay_rings(vd, rp, snap, false);
	mutex_lock(&vd->state_lock);
	ret = restart ? fam->mig->replay(&vd->port, rp) :
			fam->mig->stop(&vd->port, rp);
	mutex_unlock(&vd->state_lock);
	if (ret) {
		vfm_err_rl(vd, "migration: the queues cannot %s: %s: %pe\n",
			   restart ? "restart" : "stop", rp->why, ERR_PTR(ret));
		goto out_free;
	}
	for (i = 0; i < fam->nr_rings && !restart; i++) {
		u32 count = vd->rings[i].cfg.len / fam->desc_size[fam->ring_dir[i]];

		if (vfm_msg_configured(vd, i) && rp->head[i] < count)
			snap->head[i] = rp->head[i];
	}
	ret = vfm_mig_reload_msg_rings(vd, snap);
out_free:
	kvfree(log);
	kfree(rp);
	return ret;
}

/* RUNNING_P2P -> STOP: stop at a packet boundary and capture. */
static int vfm_mig_quiesce(struct vfm_dev *vd)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_snap *snap = &vd->mig.snap;
	int ret;
	u8 i;

	vfm_rings_stop(vd, snap);
	if (fam->mig->stop) {
		ret = vfm_mig_family_queues(vd, snap, false);
		if (ret)
			return ret;
	}
	fam->mig->dev_save(&vd->port, snap->dev_regs);
	vfm_mbx_quiesce(vd, snap->mbx_mem);
	for (i = 0; i < fam->nr_stats; i++)
		snap->stats[i] = vfm_stat_read(vd, i);
	vd->mig.quiesced = true;
	snap->stop_ns = ktime_get_ns() - vd->mig.t_stop;
	return 0;
}

/* STOP -> RUNNING_P2P: queues and interrupts on; tails still held. */
static int vfm_mig_unquiesce(struct vfm_dev *vd)
{
	const struct vfm_family *fam = vfm_fam(vd);
	bool loaded = vd->mig.loaded;
	int ret;

	/* A source abandoning its migration: the family restarts them. */
	if (fam->mig->stop && !loaded) {
		ret = vfm_mig_family_queues(vd, &vd->mig.snap, true);
		if (ret)
			return ret;
	}
	ret = vfm_rings_start(vd, &vd->mig.snap, loaded);
	if (ret) {
		vfm_err_rl(vd, "migration: the rings cannot run: %pe\n",
			   ERR_PTR(ret));
		return ret;
	}
	fam->mig->dev_resume(&vd->port, vd->mig.snap.dev_regs, loaded);
	vd->mig.quiesced = false;
	vd->mig.loaded = false;
	return 0;
}

/* Resume: a stream into the device ----------------------------------- */

/*
 * Whether a stream's match data fits this VF: the same family and model
 * (or one the family can translate), the same PF-administered settings.
 * With @probe the family also does the reset handshake with the PF and
 * tries the guest's MAC address, so that a destination PF that would
 * refuse it refuses now, before the source stops.
 */
static int vfm_mig_match(struct vfm_dev *vd, const struct vfm_dstate *s,
			 bool probe, char *why, size_t wl)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct pci_dev *pdev = vd->par->pdev;
	struct vfm_replay *rp;
	u8 flags, qos, mac[ETH_ALEN];
	u16 vlan;
	int ret;

	if (s->family != fam->family_id || s->vendor != pdev->vendor) {
		snprintf(why, wl, "stream of family %u (%04x:%04x), VF of %u (%04x:%04x)",
			 s->family, s->vendor, s->device, fam->family_id,
			 pdev->vendor, pdev->device);
		return -EXDEV;
	}
	if (fam->mig->compat) {
		ret = fam->mig->compat(s->device, s->mi.fam, pdev->device,
				       why, wl);
		if (ret)
			return ret;
	} else if (s->device != pdev->device) {
		snprintf(why, wl, "stream of a %04x VF, this VF is a %04x",
			 s->device, pdev->device);
		return -EXDEV;
	}
	if (s->nr_rings != fam->nr_rings || s->nr_vectors != vd->nvec) {
		snprintf(why, wl, "stream with %u rings and %u vectors, this VF has %u and %u",
			 s->nr_rings, s->nr_vectors, fam->nr_rings, vd->nvec);
		return -EXDEV;
	}
	if (s->pf_flags & VF_MDEV_PF_KNOWN) {
		vfm_pf_vf_info(vd, &flags, &vlan, &qos, mac);
		if (!(flags & VF_MDEV_PF_KNOWN)) {
			snprintf(why, wl, "the destination PF does not report the VF's settings");
			return -EPERM;
		}
		if (flags != s->pf_flags || vlan != s->pf_vlan ||
		    qos != s->pf_qos) {
			snprintf(why, wl, "PF settings (vlan/qos/flags) %u/%u/%#x, here %u/%u/%#x",
				 s->pf_vlan, s->pf_qos, s->pf_flags, vlan, qos,
				 flags);
			return -EPERM;
		}
	}
	if (!probe)
		return 0;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		return -ENOMEM;
	rp->want = &s->mi;
	rp->probe = true;
	mutex_lock(&vd->state_lock);
	ret = fam->mig->replay(&vd->port, rp);
	mutex_unlock(&vd->state_lock);
	if (ret)
		snprintf(why, wl, "%s", rp->why);
	kfree(rp);
	return ret;
}

/* A whole frame is in migf->buf: decode it and take it; migf->lock. */
static int vfm_resume_frame(struct vfm_migf *migf)
{
	struct vfm_dev *vd = migf->vd;
	char why[VFM_WHY_LEN] = "";
	u32 flags = 0;
	int ret;

	ret = vfm_stream_decode(migf->buf, migf->len, migf->tmp, &flags, why,
				sizeof(why));
	if (!ret && (migf->frames & VF_MDEV_STREAM_F_FINAL ||
		     (flags & VF_MDEV_STREAM_F_INITIAL && migf->frames))) {
		snprintf(why, sizeof(why), "%s frame after %s",
			 flags & VF_MDEV_STREAM_F_FINAL ? "a final" : "an initial",
			 migf->frames & VF_MDEV_STREAM_F_FINAL ?
			 "the final frame" : "another frame");
		ret = -EINVAL;
	}
	/* The initial frame is where a wrong destination says so. */
	if (!ret)
		ret = vfm_mig_match(vd, migf->tmp,
				    flags & VF_MDEV_STREAM_F_INITIAL, why,
				    sizeof(why));
	trace_vf_mdev_stream_load(vd, flags & VF_MDEV_STREAM_F_INITIAL ?
				  VFM_FRAME_INITIAL : flags & VF_MDEV_STREAM_F_FINAL ?
				  VFM_FRAME_FINAL : VFM_FRAME_NONE, migf->len,
				  migf->tmp->nrec, migf->taken, ret, why);
	if (ret) {
		vfm_err_rl(vd, "migration stream refused: %s: %pe\n", why,
			   ERR_PTR(ret));
		return ret;
	}
	migf->frames |= flags;
	if (flags & VF_MDEV_STREAM_F_FINAL)
		swap(migf->st, migf->tmp);
	return 0;
}

/* Take @len bytes of the stream; under migf->lock. */
static int vfm_resume_take(struct vfm_migf *migf, struct iov_iter *from)
{
	struct vfm_dev *vd = migf->vd;
	char why[VFM_WHY_LEN] = "";
	size_t want, n;
	u32 flags;
	int ret;

	while (iov_iter_count(from)) {
		if (migf->frames & VF_MDEV_STREAM_F_FINAL) {
			trace_vf_mdev_stream_load(vd, VFM_FRAME_NONE, 0, 0,
						  migf->taken, -EINVAL,
						  "bytes after the final frame");
			vfm_err_rl(vd, "migration stream refused: %zu bytes after the end\n",
				   iov_iter_count(from));
			return -EINVAL;
		}
		want = migf->frame_len ? migf->frame_len :
			sizeof(struct vf_mdev_stream_hdr);
		if (want > migf->cap) {
			u8 *buf = kvrealloc(migf->buf, want, GFP_KERNEL_ACCOUNT);

			if (!buf)
				return -ENOMEM;
			migf->buf = buf;
			migf->cap = want;
		}
		n = min(iov_iter_count(from), want - migf->len);
		if (copy_from_iter(migf->buf + migf->len, n, from) != n)
			return -EFAULT;
		migf->len += n;
		migf->taken += n;
		WRITE_ONCE(vd->mig.loaded_bytes, migf->taken);
		if (migf->len < want)
			break;
		if (!migf->frame_len) {
			ret = vfm_stream_check_hdr(migf->buf, migf->len,
						   &migf->frame_len, &flags,
						   why, sizeof(why));
			if (ret) {
				trace_vf_mdev_stream_load(vd, VFM_FRAME_NONE,
							  migf->len, 0,
							  migf->taken, ret,
							  why);
				vfm_err_rl(vd, "migration stream refused: %s: %pe\n",
					   why, ERR_PTR(ret));
				return ret;
			}
			if (migf->frame_len > migf->len)
				continue;
		}
		ret = vfm_resume_frame(migf);
		if (ret)
			return ret;
		migf->len = 0;
		migf->frame_len = 0;
	}
	return 0;
}

/* Bytes of the stream from @from into the resuming file. */
static ssize_t vfm_resume_feed(struct file *filp, struct iov_iter *from)
{
	struct vfm_migf *migf = filp->private_data;
	size_t len = iov_iter_count(from);
	int ret;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
	} else if (migf->err) {
		ret = migf->err;	/* refused once: refused for good */
	} else {
		ret = vfm_resume_take(migf, from);
		if (ret)
			migf->err = ret;
	}
	mutex_unlock(&migf->lock);
	return ret ? ret : len;
}

static ssize_t vfm_resume_write(struct file *filp, const char __user *buf,
				size_t len, loff_t *pos)
{
	struct iov_iter from;
	int ret;

	if (pos)
		return -ESPIPE;
	ret = import_ubuf(ITER_SOURCE, (char __user *)buf, len, &from);
	if (ret)
		return ret;
	return vfm_resume_feed(filp, &from);
}

/*
 * The data files from inside the kernel: the migration region
 * (mig_region.c) is a user of the v2 state machine and its files, with
 * kernel buffers.
 */

/**
 * vfm_migf_read - read a saving file into a kernel buffer
 * @filp: a file vfm_mig_set_state() handed out
 * @buf: buffer
 * @len: its size
 *
 * As read(2) on it: the bytes read, -ENOMSG when pre-copy has nothing
 * more for now, 0 at the end of the stream, -ENODEV once the session is
 * over, -EBADF for a resuming file.
 */
ssize_t vfm_migf_read(struct file *filp, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter to;

	if (filp->f_op != &vfm_save_fops)
		return -EBADF;
	iov_iter_kvec(&to, ITER_DEST, &kv, 1, len);
	return vfm_save_copy(filp, &to);
}

/**
 * vfm_migf_write - write a kernel buffer into a resuming file
 * @filp: a file vfm_mig_set_state() handed out
 * @buf: bytes of the stream
 * @len: how many
 *
 * As write(2) on it: @len, or the stream's refusal (then every later
 * write fails the same way), -ENODEV once the session is over, -EBADF
 * for a saving file.
 */
ssize_t vfm_migf_write(struct file *filp, const void *buf, size_t len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter from;

	if (filp->f_op != &vfm_resume_fops)
		return -EBADF;
	iov_iter_kvec(&from, ITER_SOURCE, &kv, 1, len);
	return vfm_resume_feed(filp, &from);
}

/**
 * vfm_migf_pending - bytes of a saving file not read yet
 * @filp: a saving file
 *
 * What is there now: in pre-copy the rest of the initial frame, from
 * stop-copy on also the final frame.  0 for a file whose session is over.
 */
u64 vfm_migf_pending(struct file *filp)
{
	struct vfm_migf *migf = filp->private_data;
	u64 n = 0;

	if (filp->f_op != &vfm_save_fops)
		return 0;
	mutex_lock(&migf->lock);
	if (!migf->disabled && filp->f_pos < migf->len)
		n = migf->len - filp->f_pos;
	mutex_unlock(&migf->lock);
	return n;
}

/* Put the device back as a fresh open leaves it; state_lock. */
static void vfm_mig_unconfigure(struct vfm_dev *vd)
{
	lockdep_assert_held(&vd->state_lock);
	vfm_reset_locked(vd);
	vd->mig.quiesced = false;
	vd->mig.loaded = false;
}

/* Restore ring @i as the guest had programmed it, queue disabled. */
static int vfm_mig_load_ring(struct vfm_dev *vd, u8 i,
			     const struct vfm_ring_state *rs)
{
	const u32 *off = vd->par->map.ring[i];
	struct vfm_ring *r = &vd->rings[i];
	struct {
		u8 cls;
		u32 val;
	} seq[] = {
		{ VFM_REG_RING_CTRL, vfm_fam(vd)->mig->ring_disable(rs->ctrl) },
		{ VFM_REG_RING_BASE_LO, lower_32_bits(rs->base) },
		{ VFM_REG_RING_BASE_HI, upper_32_bits(rs->base) },
		{ VFM_REG_RING_LEN, rs->len },
		{ VFM_REG_RING_MODE, rs->mode },
		{ VFM_REG_RING_WB_HI, rs->wb_hi },
		{ VFM_REG_RING_WB_LO, rs->wb_lo },
		{ VFM_REG_RING_HEAD, rs->head },
	};
	unsigned int k;
	int ret;

	for (k = 0; k < ARRAY_SIZE(seq); k++) {
		struct vfm_reg reg = { .cls = seq[k].cls, .ring = i };

		if (off[seq[k].cls] == VFM_NO_REG)
			continue;
		/* Heads software cannot set: vfm_ring_reload() rotates. */
		if (seq[k].cls == VFM_REG_RING_HEAD &&
		    vfm_fam(vd)->mig->rotate_heads)
			continue;
		ret = vfm_ring_write(vd, reg, off[seq[k].cls], seq[k].val);
		if (ret)
			return ret;
	}
	spin_lock(&r->lock);
	r->hold = true;
	r->held = rs->flags & VF_MDEV_RING_HELD;
	r->held_tail = rs->held_tail;
	spin_unlock(&r->lock);
	return 0;
}

/* Values that could make the device run past its ring: refused. */
static int vfm_mig_check_rings(struct vfm_dev *vd, const struct vfm_dstate *s,
			       char *why, size_t wl)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u8 i;

	for (i = 0; i < fam->nr_rings; i++) {
		const struct vfm_ring_state *rs = &s->rings[i];
		u32 dsize = fam->desc_size[fam->ring_dir[i]];
		u32 count = rs->len / dsize;

		if (rs->dir != fam->ring_dir[i] ||
		    (rs->len && (rs->len % dsize || rs->len > fam->max_ring_len)) ||
		    (rs->flags & VF_MDEV_RING_ENABLED && !count) ||
		    (count && (rs->head >= count || rs->tail >= count ||
			       rs->held_tail >= count))) {
			snprintf(why, wl, "ring %u: dir %u len %u head %u tail %u held %u",
				 i, rs->dir, rs->len, rs->head, rs->tail,
				 rs->held_tail);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Rings whose geometry exists only in messages (no base register): their
 * shadow from the stream, mapped when enabled so that the family's replay
 * can give them to the PF (rotated, if their head is not 0).
 */
static int vfm_mig_load_msg_configured(struct vfm_dev *vd,
				       const struct vfm_dstate *s)
{
	const struct vfm_family *fam = vfm_fam(vd);
	int ret;
	u8 i;

	for (i = 0; i < fam->nr_rings; i++) {
		const struct vfm_ring_state *rs = &s->rings[i];
		struct vfm_ring_cfg cfg = {
			.base = rs->base, .len = rs->len, .mode = rs->mode,
			.dir = rs->dir,
			.wb_en = rs->wb_lo & 1,
			.wb_addr = ((u64)rs->wb_hi << 32 | rs->wb_lo) & ~3ULL,
		};

		if (!vfm_msg_configured(vd, i) || !rs->len)
			continue;
		fam->ring_mode(&cfg, rs->mode);
		ret = vfm_ring_configure(vd, i, &cfg);
		if (!ret && rs->flags & VF_MDEV_RING_ENABLED) {
			mutex_lock(&vd->rings[i].setup);
			ret = vfm_ring_map(vd, &vd->rings[i]);
			mutex_unlock(&vd->rings[i].setup);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * RESUMING -> STOP: the guest's device on this VF, stopped.  On failure
 * the VF is reset again: nothing of the stream stays behind.
 */
static int vfm_mig_load(struct vfm_dev *vd, struct vfm_dstate *s)
{
	const struct vfm_family *fam = vfm_fam(vd);
	const struct vfm_mig_ops *mig = fam->mig;
	struct vfm_snap *snap = &vd->mig.snap;
	char why[VFM_WHY_LEN] = "";
	u64 t0 = ktime_get_ns();
	struct vfm_replay *rp;
	int ret;
	u8 i;

	ret = vfm_mig_match(vd, s, false, why, sizeof(why));
	if (!ret)
		ret = vfm_mig_check_rings(vd, s, why, sizeof(why));
	if (!ret && (s->ndev_regs != mig->dev_regs ||
		     s->nstats != fam->nr_stats ||
		     s->mbx_words != fam->mbx_words ||
		     (mig->check_regs && mig->check_regs(s->dev_regs, vd->nvec)))) {
		snprintf(why, sizeof(why), "%u registers, %u counters, %u mailbox words: wrong",
			 s->ndev_regs, s->nstats, s->mbx_words);
		ret = -EINVAL;
	}
	if (ret)
		goto out_log;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp) {
		ret = -ENOMEM;
		snprintf(why, sizeof(why), "no memory for the replay");
		goto out_log;
	}
	rp->log = s->log;
	rp->nlog = s->nlog;
	rp->want = &s->mi;
	for (i = 0; i < fam->nr_rings; i++) {
		const struct vfm_ring_state *rs = &s->rings[i];

		if (rs->flags & VF_MDEV_RING_ENABLED)
			rp->enabled |= BIT_ULL(i);
		rp->head[i] = rs->head;
		rp->tail[i] = rs->flags & VF_MDEV_RING_HELD ? rs->held_tail :
			      rs->tail;
	}
	/* Rings only messages configure: the replay gives them to the PF. */
	ret = vfm_mig_load_msg_configured(vd, s);
	if (ret) {
		snprintf(why, sizeof(why), "a ring configured by messages cannot be restored");
		mutex_lock(&vd->state_lock);
		goto out_unconfigure;
	}
	mutex_lock(&vd->state_lock);
	/* The PF side first: what the guest's driver had set up. */
	ret = mig->replay(&vd->port, rp);
	if (ret) {
		snprintf(why, sizeof(why), "%s", rp->why);
		goto out_unconfigure;
	}
	spin_lock(&vd->mbx_lock);
	vd->mbx.nlog = s->nlog;
	memcpy(vd->mbx.log, s->log, s->nlog * sizeof(s->log[0]));
	spin_unlock(&vd->mbx_lock);
	vfm_config_load(vd, s->cfg);
	mutex_unlock(&vd->state_lock);

	for (i = 0; i < fam->nr_rings; i++) {
		ret = vfm_mig_load_ring(vd, i, &s->rings[i]);
		if (ret) {
			snprintf(why, sizeof(why), "ring %u cannot be restored",
				 i);
			mutex_lock(&vd->state_lock);
			goto out_unconfigure;
		}
		snap->head[i] = s->rings[i].head;
		snap->tail[i] = s->rings[i].tail;
		/* Where the replay says the core's scan picks the ring up. */
		if (vfm_msg_configured(vd, i) && s->rings[i].len) {
			vfm_ring_set_pos(vd, i, rp->head[i]);
			snap->head[i] = rp->head[i];
		}
		snap->ctrl[i] = s->rings[i].ctrl;
		snap->ring_flags[i] = s->rings[i].flags & VF_MDEV_RING_ENABLED ?
				      VFM_SNAP_ENABLED : 0;
	}
	if (mig->rotate_heads) {
		ret = vfm_mig_reload_msg_rings(vd, snap);
		if (ret) {
			snprintf(why, sizeof(why),
				 "a message ring cannot be given back at its head");
			mutex_lock(&vd->state_lock);
			goto out_unconfigure;
		}
	}
	vfm_mbx_restore(vd, s->mbx_r2c, s->mbx_mem, s->mbx_out);
	for (i = 0; i < fam->nr_stats; i++)
		vfm_stat_rebase(vd, i, s->stats);
	memcpy(snap->dev_regs, s->dev_regs, sizeof(snap->dev_regs));
	vd->mig.quiesced = true;
	vd->mig.loaded = true;
	kfree(rp);
	trace_vf_mdev_restore(vd, ktime_get_ns() - t0, 0, "");
	return 0;

out_unconfigure:
	vfm_mig_unconfigure(vd);
	mutex_unlock(&vd->state_lock);
	kfree(rp);
out_log:
	trace_vf_mdev_restore(vd, ktime_get_ns() - t0, ret, why);
	vfm_err_rl(vd, "migration: the device state cannot be loaded: %s: %pe\n",
		   why, ERR_PTR(ret));
	return ret;
}

/* The arcs ------------------------------------------------------------ */

/* RUNNING -> RUNNING_P2P, PRE_COPY -> PRE_COPY_P2P */
static struct file *vfm_arc_hold(struct vfm_dev *vd, u32 from)
{
	vfm_rings_hold(vd, true);
	return NULL;
}

/* RUNNING_P2P -> RUNNING, PRE_COPY_P2P -> PRE_COPY */
static struct file *vfm_arc_release(struct vfm_dev *vd, u32 from)
{
	int ret = vfm_rings_release(vd);

	if (ret) {
		/* The guest's own descriptors: its ring stalls, as it would. */
		vfm_err_rl(vd, "migration: a held tail was refused: %pe\n",
			   ERR_PTR(ret));
	}
	return NULL;
}

/* RUNNING_P2P -> STOP */
static struct file *vfm_arc_stop(struct vfm_dev *vd, u32 from)
{
	int ret = vfm_mig_quiesce(vd);

	if (ret) {
		vd->mig.state = VFIO_DEVICE_STATE_ERROR;
		return ERR_PTR(ret);
	}
	return NULL;
}

/* STOP -> RUNNING_P2P */
static struct file *vfm_arc_start(struct vfm_dev *vd, u32 from)
{
	int ret = vfm_mig_unquiesce(vd);

	if (ret) {
		vd->mig.state = VFIO_DEVICE_STATE_ERROR;
		return ERR_PTR(ret);
	}
	return NULL;
}

/* RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P: the initial frame */
static struct file *vfm_arc_precopy(struct vfm_dev *vd, u32 from)
{
	struct vfm_dstate *s;
	struct vfm_migf *migf;
	int ret;

	s = kvzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	migf = vfm_migf_new(vd, true);
	if (IS_ERR(migf)) {
		kvfree(s);
		return ERR_CAST(migf);
	}
	vfm_mig_fill_match(vd, s);
	mutex_lock(&migf->lock);
	ret = vfm_migf_append(migf, s, VF_MDEV_STREAM_F_INITIAL);
	migf->precopy = true;
	mutex_unlock(&migf->lock);
	kvfree(s);
	if (ret) {
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	get_file(migf->filp);
	vd->mig.saving = migf;
	vfm_migrating(vd, true);
	return migf->filp;
}

/* PRE_COPY -> RUNNING, PRE_COPY_P2P -> RUNNING_P2P: migration abandoned */
static struct file *vfm_arc_end_precopy(struct vfm_dev *vd, u32 from)
{
	vfm_mig_disable_files(vd);
	vfm_migrating(vd, false);
	return NULL;
}

/* PRE_COPY_P2P -> STOP_COPY, STOP -> STOP_COPY: the final frame */
static struct file *vfm_arc_stop_copy(struct vfm_dev *vd, u32 from)
{
	struct vfm_migf *migf = vd->mig.saving;
	struct vfm_dstate *s;
	bool fresh = !migf;
	int ret;

	if (from == VFIO_DEVICE_STATE_PRE_COPY_P2P) {
		ret = vfm_mig_quiesce(vd);
		if (ret) {
			vd->mig.state = VFIO_DEVICE_STATE_ERROR;
			return ERR_PTR(ret);
		}
	}
	s = kvzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	if (fresh) {
		migf = vfm_migf_new(vd, true);
		if (IS_ERR(migf)) {
			kvfree(s);
			return ERR_CAST(migf);
		}
	}
	vfm_mig_capture(vd, s);
	mutex_lock(&migf->lock);
	ret = vfm_migf_append(migf, s, VF_MDEV_STREAM_F_FINAL);
	migf->precopy = false;
	mutex_unlock(&migf->lock);
	kvfree(s);
	if (ret) {
		if (fresh)
			fput(migf->filp);
		return ERR_PTR(ret);
	}
	vfm_migrating(vd, true);
	if (!fresh)
		return NULL;
	get_file(migf->filp);
	vd->mig.saving = migf;
	return migf->filp;
}

/* STOP_COPY -> STOP: the save is over */
static struct file *vfm_arc_end_save(struct vfm_dev *vd, u32 from)
{
	vfm_mig_disable_files(vd);
	vfm_migrating(vd, false);
	return NULL;
}

/* STOP -> RESUMING: a fresh function and a file to take the stream */
static struct file *vfm_arc_resume(struct vfm_dev *vd, u32 from)
{
	struct vfm_migf *migf;

	mutex_lock(&vd->state_lock);
	vfm_mig_unconfigure(vd);
	mutex_unlock(&vd->state_lock);
	migf = vfm_migf_new(vd, false);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	WRITE_ONCE(vd->mig.loaded_bytes, 0);
	get_file(migf->filp);
	vd->mig.resuming = migf;
	return migf->filp;
}

/* RESUMING -> STOP: load what was written */
static struct file *vfm_arc_load(struct vfm_dev *vd, u32 from)
{
	struct vfm_migf *migf = vd->mig.resuming;
	struct vfm_dstate *s = NULL;
	int ret = 0;

	mutex_lock(&migf->lock);
	if (migf->err) {
		ret = migf->err;
		trace_vf_mdev_restore(vd, 0, ret, "nothing to load, the stream was refused");
		vfm_err_rl(vd, "migration: nothing to load, the stream was refused\n");
	} else if (migf->len || !(migf->frames & VF_MDEV_STREAM_F_FINAL)) {
		ret = -ENODATA;
		trace_vf_mdev_restore(vd, 0, ret,
				      migf->frames & VF_MDEV_STREAM_F_FINAL ?
				      "truncated stream: part of a frame after the final one" :
				      "truncated stream: no final frame");
		vfm_err_rl(vd, "migration: truncated stream (%s, %zu bytes of a frame)\n",
			   migf->frames & VF_MDEV_STREAM_F_FINAL ?
			   "final frame in" : "no final frame", migf->len);
	} else {
		s = migf->st;
		migf->st = NULL;
	}
	mutex_unlock(&migf->lock);
	vfm_mig_disable_files(vd);
	if (!ret) {
		ret = vfm_mig_load(vd, s);
		kvfree(s);
	}
	if (ret) {
		vd->mig.state = VFIO_DEVICE_STATE_ERROR;
		return ERR_PTR(ret);
	}
	return NULL;
}

/* The arcs vfio_mig_get_next_state() can ask of STOP_COPY|P2P|PRE_COPY. */
static const struct vfm_arc {
	u8 from;
	u8 to;
	struct file *(*step)(struct vfm_dev *vd, u32 from);
} vfm_arcs[] = {
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P, vfm_arc_hold },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING, vfm_arc_release },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP, vfm_arc_stop },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING_P2P, vfm_arc_start },
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY, vfm_arc_precopy },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P, vfm_arc_precopy },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RUNNING, vfm_arc_end_precopy },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_RUNNING_P2P, vfm_arc_end_precopy },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P, vfm_arc_hold },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_PRE_COPY, vfm_arc_release },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_STOP_COPY, vfm_arc_stop_copy },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY, vfm_arc_stop_copy },
	{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP, vfm_arc_end_save },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING, vfm_arc_resume },
	{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP, vfm_arc_load },
};

/**
 * vfm_mig_arc_known - whether the state machine implements an arc
 * @from: current state
 * @to: next state, as vfio_mig_get_next_state() gives it
 */
bool vfm_mig_arc_known(u32 from, u32 to)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfm_arcs); i++)
		if (vfm_arcs[i].from == from && vfm_arcs[i].to == to)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_mig_arc_known);

static struct file *vfm_mig_step(struct vfm_dev *vd, u32 next)
{
	u32 cur = vd->mig.state;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfm_arcs); i++)
		if (vfm_arcs[i].from == cur && vfm_arcs[i].to == next)
			return vfm_arcs[i].step(vd, cur);
	/* vfio_mig_get_next_state() uses no other arc */
	vfm_err_rl(vd, "migration: no arc %s -> %s\n", vfm_state_name(cur),
		   vfm_state_name(next));
	return ERR_PTR(-EINVAL);
}

/* Back to RUNNING after a function reset or at close; mig.lock. */
static void vfm_mig_reset_locked(struct vfm_dev *vd)
{
	lockdep_assert_held(&vd->mig.lock);
	if (vd->mig.state != VFIO_DEVICE_STATE_RUNNING)
		trace_vf_mdev_mig_reset(vd, vd->mig.state);
	vfm_mig_disable_files(vd);
	vfm_migrating(vd, false);
	vfm_rings_hold(vd, false);
	vfm_prefault_reset(vd);
	vd->mig.state = VFIO_DEVICE_STATE_RUNNING;
	vd->mig.quiesced = false;
	vd->mig.loaded = false;
}

/**
 * vfm_mig_unlock - let go of mig.lock, applying a reset that happened meanwhile
 * @vd: device
 */
void vfm_mig_unlock(struct vfm_dev *vd)
{
again:
	spin_lock(&vd->mig.reset_lock);
	if (vd->mig.deferred_reset) {
		vd->mig.deferred_reset = false;
		spin_unlock(&vd->mig.reset_lock);
		vfm_mig_reset_locked(vd);
		goto again;
	}
	mutex_unlock(&vd->mig.lock);
	spin_unlock(&vd->mig.reset_lock);
}

/**
 * vfm_mig_reset - the function was reset: the state machine follows
 * @vd: device
 *
 * Called after the reset, without state_lock.  If a state change holds
 * mig.lock, it applies this when it lets go.
 */
void vfm_mig_reset(struct vfm_dev *vd)
{
	spin_lock(&vd->mig.reset_lock);
	vd->mig.deferred_reset = true;
	spin_unlock(&vd->mig.reset_lock);
	if (!mutex_trylock(&vd->mig.lock))
		return;
	vfm_mig_unlock(vd);
}

/**
 * vfm_mig_fail_locked - the device gives up (a post-copy request timed out)
 * @vd: device
 * @err: why, for the vf_mdev_mig_state event
 *
 * The VFIO ERROR state: no tail reaches the device any more, the VMM
 * learns it through the error eventfd, only a reset brings it back.  The
 * caller holds mig.lock and lets go of it with vfm_mig_unlock().
 */
void vfm_mig_fail_locked(struct vfm_dev *vd, int err)
{
	lockdep_assert_held(&vd->mig.lock);
	vfm_rings_fail(vd);
	trace_vf_mdev_mig_state(vd, vd->mig.state, VFIO_DEVICE_STATE_ERROR,
				VFIO_DEVICE_STATE_ERROR, 0, err);
	WRITE_ONCE(vd->mig.state, VFIO_DEVICE_STATE_ERROR);
	mutex_lock(&vd->state_lock);
	if (vd->err_trigger)
		eventfd_signal(vd->err_trigger);
	mutex_unlock(&vd->state_lock);
}

/**
 * vfm_mig_close - the user closed the device: end every session
 * @vd: device
 */
void vfm_mig_close(struct vfm_dev *vd)
{
	vfm_prefault_close(vd);
	vfm_dlog_stop(vd);
	mutex_lock(&vd->mig.lock);
	vfm_mig_reset_locked(vd);
	vd->mig.iface = VFM_MIG_IF_NONE;
	vfm_mig_unlock(vd);
}

static const char *const vfm_mig_if_names[] = {
	[VFM_MIG_IF_NONE] = "none",
	[VFM_MIG_IF_V2] = "VFIO migration v2",
	[VFM_MIG_IF_REGION] = "the migration region",
};

const char *vfm_mig_if_name(enum vfm_mig_if who)
{
	return who < ARRAY_SIZE(vfm_mig_if_names) ? vfm_mig_if_names[who] :
	       "invalid";
}

/* One interface per open: the first one used keeps it; mig.lock. */
static int vfm_mig_claim_locked(struct vfm_dev *vd, enum vfm_mig_if who)
{
	lockdep_assert_held(&vd->mig.lock);
	if (vd->mig.iface != VFM_MIG_IF_NONE && vd->mig.iface != who) {
		vfm_err_rl(vd, "migration: this open is driven through %s, %s refused\n",
			   vfm_mig_if_name(vd->mig.iface), vfm_mig_if_name(who));
		return -EBUSY;
	}
	vd->mig.iface = who;
	return 0;
}

/**
 * vfm_mig_claim - use one migration interface in this open
 * @vd: device
 * @who: the interface
 *
 * The first interface used (a state change or a dirty log session through
 * v2, an access with an effect to the migration region) keeps the open
 * until the device is closed; the other then fails with -EBUSY.
 */
int vfm_mig_claim(struct vfm_dev *vd, enum vfm_mig_if who)
{
	int ret;

	mutex_lock(&vd->mig.lock);
	ret = vfm_mig_claim_locked(vd, who);
	vfm_mig_unlock(vd);
	return ret;
}

/**
 * vfm_mig_set_state - walk the state machine to @new
 * @vd: device
 * @new: enum vfio_device_mig_state
 * @who: the interface asking (claims the open for it)
 *
 * Returns the data file the final arc hands out (a reference for the
 * caller), NULL, or an ERR_PTR; on failure the state is the last one
 * reached (ERROR if an arc failed half-way).
 */
struct file *vfm_mig_set_state(struct vfm_dev *vd, u32 new,
			       enum vfm_mig_if who)
{
	struct file *res = NULL;
	enum vfio_device_mig_state next;
	u32 cur;
	u64 t0;
	int ret;

	mutex_lock(&vd->mig.lock);
	ret = vfm_mig_claim_locked(vd, who);
	if (ret) {
		res = ERR_PTR(ret);
		goto out_unlock;
	}
	if (vd->mig.state == VFIO_DEVICE_STATE_ERROR) {
		/* vfio_mig_get_next_state() does not take ERROR as a start */
		vfm_err_rl(vd, "migration: the device is in the ERROR state, reset it first\n");
		res = ERR_PTR(-EINVAL);
		goto out_unlock;
	}
	if (new != vd->mig.state)
		vd->mig.t_stop = ktime_get_ns();
	while (new != vd->mig.state) {
		ret = vfio_mig_get_next_state(&vd->vdev, vd->mig.state, new,
					      &next);
		if (ret) {
			vfm_err_rl(vd, "migration: no way from %s to state %u\n",
				   vfm_state_name(vd->mig.state), new);
			res = ERR_PTR(ret);
			break;
		}
		cur = vd->mig.state;
		t0 = ktime_get_ns();
		res = vfm_mig_step(vd, next);
		t0 = ktime_get_ns() - t0;
		/* The figures debugfs shows, read there without mig.lock. */
		WRITE_ONCE(vd->mig.last_arc_ns, t0);
		WRITE_ONCE(vd->mig.last_from, cur);
		WRITE_ONCE(vd->mig.last_to, next);
		WRITE_ONCE(vd->mig.arcs, vd->mig.arcs + 1);
		trace_vf_mdev_mig_state(vd, cur, next, new, t0,
					IS_ERR(res) ? PTR_ERR(res) : 0);
		if (IS_ERR(res))
			break;
		vd->mig.state = next;
		if (res && next != new) {
			/* only a final state hands out a file */
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
out_unlock:
	vfm_mig_unlock(vd);
	return res;
}

/**
 * vfm_mig_get_state - the state machine's state
 * @vd: device
 */
u32 vfm_mig_get_state(struct vfm_dev *vd)
{
	u32 state;

	mutex_lock(&vd->mig.lock);
	state = vd->mig.state;
	vfm_mig_unlock(vd);
	return state;
}

static struct file *vfm_set_state(struct vfio_device *vdev,
				  enum vfio_device_mig_state new)
{
	return vfm_mig_set_state(to_vfm(vdev), new, VFM_MIG_IF_V2);
}

static int vfm_get_state(struct vfio_device *vdev,
			 enum vfio_device_mig_state *state)
{
	*state = vfm_mig_get_state(to_vfm(vdev));
	return 0;
}

static int vfm_get_data_size(struct vfio_device *vdev,
			     unsigned long *stop_copy_length)
{
	struct vfm_dev *vd = to_vfm(vdev);
	unsigned int nlog;

	spin_lock(&vd->mbx_lock);
	nlog = vd->mbx.nlog;
	spin_unlock(&vd->mbx_lock);
	*stop_copy_length = vfm_stream_final_size(vfm_fam(vd)->nr_rings, nlog);
	return 0;
}

const struct vfio_migration_ops vfm_mig_ops = {
	.migration_set_state = vfm_set_state,
	.migration_get_state = vfm_get_state,
	.migration_get_data_size = vfm_get_data_size,
};

/**
 * vfm_mig_init - a new instance: migration state and callbacks
 * @vd: device
 */
void vfm_mig_init(struct vfm_dev *vd)
{
	mutex_init(&vd->mig.lock);
	spin_lock_init(&vd->mig.reset_lock);
	mutex_init(&vd->dlog.lock);
	vd->mig.state = VFIO_DEVICE_STATE_RUNNING;
	vfm_sweep_init(vd);
	vfm_port_init(vd);
	if (!vfm_fam(vd)->mig)
		return;
	vd->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				   VFIO_MIGRATION_P2P |
				   VFIO_MIGRATION_PRE_COPY;
	vd->vdev.mig_ops = &vfm_mig_ops;
	/* Without iova_bitmap (no IOMMUFD_DRIVER) reports cannot be served. */
	if (IS_ENABLED(CONFIG_IOMMUFD_DRIVER))
		vd->vdev.log_ops = &vfm_log_ops;
}

/**
 * vfm_mig_open - the device was opened: it always starts RUNNING
 * @vd: device
 */
void vfm_mig_open(struct vfm_dev *vd)
{
	mutex_lock(&vd->mig.lock);
	vfm_mig_reset_locked(vd);
	vd->mig.iface = VFM_MIG_IF_NONE;
	vfm_mig_unlock(vd);
}
