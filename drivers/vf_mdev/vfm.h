/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vf_mdev core: private structures shared by the core's files.
 */
#ifndef _VFM_H_
#define _VFM_H_

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#include "vf_mdev.h"

#define VFM_CFG_SIZE		256
#define VFM_NUM_BARS		6
#define VFM_PAGE_SHIFT		12
#define VFM_PAGE_SIZE		BIT(VFM_PAGE_SHIFT)

/* Region offsets, as vfio-pci lays them out. */
#define VFM_OFFSET_SHIFT	40
#define VFM_OFFSET_TO_INDEX(off) ((off) >> VFM_OFFSET_SHIFT)
#define VFM_INDEX_TO_OFFSET(idx) ((u64)(idx) << VFM_OFFSET_SHIFT)
#define VFM_OFFSET_MASK		((1ULL << VFM_OFFSET_SHIFT) - 1)

#define VFM_MAX_VECTORS		64
#define VFM_CFG_LOG_MAX		64
#define VFM_MAX_RUN_PAGES	17	/* 64 KiB buffer, any alignment */

struct vfm_dev;

/**
 * struct vfm_pin - one guest page pinned and mapped in the device's domain
 * @iova_pfn: IOVA >> PAGE_SHIFT (key in the cache)
 * @page: the pinned page
 * @refs: descriptor slots and rings holding the page; -1 once it is being
 *	evicted or unmapped (lookups treat it as absent)
 * @accessed: set on every hit, cleared by the eviction sweep
 * @gone: on a local list once out of the cache, until unpinned
 * @rcu: deferred free, lookups are lockless
 */
struct vfm_pin {
	unsigned long iova_pfn;
	struct page *page;
	atomic_t refs;
	u8 accessed;
	struct list_head gone;
	struct rcu_head rcu;
};

/**
 * struct vfm_dma_ops - how the pin cache pins and maps one page
 * @pin: pin the guest page at @iova (writable); 0 or a negative errno
 * @unpin: unpin it
 * @map: map @iova to @page in the device's domain
 * @unmap: unmap @n pages, then make the device's IOTLB forget them
 *
 * The core uses VFIO and the IOMMU API; KUnit substitutes fake guest
 * memory, so the real cache and doorbell code run without hardware.
 */
struct vfm_dma_ops {
	int (*pin)(struct vfm_dev *vd, u64 iova, struct page **page);
	void (*unpin)(struct vfm_dev *vd, u64 iova);
	int (*map)(struct vfm_dev *vd, u64 iova, struct page *page);
	void (*unmap)(struct vfm_dev *vd, const u64 *iova, int n);
};

/**
 * struct vfm_pcache - the pin cache: guest pages pinned and IOMMU-mapped
 * @lock: serialises insertion, eviction and IOMMU map/unmap; never held
 *	across vfio_pin_pages()/vfio_unpin_pages(), since VFIO calls our
 *	dma_unmap with its own locks held (not taken on hits)
 * @pins: iova_pfn -> struct vfm_pin; read locklessly under RCU
 * @count: pinned pages, under @lock
 * @max: bound on @count
 * @sweep: eviction cursor (iova_pfn), under @lock
 * @domain: the VF's paging domain, owned by the core while open
 * @aperture_end: last IOVA the domain can map
 * @ops: pin/map backend
 * @active: the cache may pin (the device is open)
 */
struct vfm_pcache {
	struct mutex lock;	/* protects the xarray's contents, map, @count */
	struct xarray pins;
	unsigned long count;
	unsigned long max;
	unsigned long sweep;
	struct iommu_domain *domain;
	u64 aperture_end;
	const struct vfm_dma_ops *ops;
	bool active;
};

/* A run of pages one descriptor target holds references on. */
struct vfm_run {
	u64 pfn;
	u32 npages;
};

/**
 * struct vfm_ring - core shadow of one device ring
 * @setup: serialises mapping the ring and changing its geometry (sleeps)
 * @lock: protects everything below on the doorbell path
 * @cfg: geometry and mode as the guest programmed them
 * @base_lo: last base low write (the base takes effect as a pair)
 * @base_hi: last base high write
 * @wb_lo: last head write-back low write
 * @wb_hi: last head write-back high write
 * @mapped: ring pages are held and @pages/@slots are valid
 * @map_base: base the ring was mapped at
 * @tail: tail as last forwarded to the device
 * @pages: ring pages, for reading descriptors
 * @npages: entries in @pages
 * @wb_pfn: write-back page held while @cfg.wb_en (0 = none)
 * @slots: per descriptor slot, the page runs it holds
 * @nslots: entries in @slots (== @cfg.count while @mapped)
 * @doorbells: tail writes
 * @descs: descriptors posted
 * @hits: buffer pages found in the pin cache
 * @errors: refused writes
 */
struct vfm_ring {
	struct mutex setup;	/* protects mapping and geometry changes */
	spinlock_t lock;	/* protects tail, slots and cfg on the doorbell */
	struct vfm_ring_cfg cfg;
	u32 base_lo;
	u32 base_hi;
	u32 wb_lo;
	u32 wb_hi;
	bool mapped;
	u64 map_base;
	u32 tail;
	struct page **pages;
	u32 npages;
	u64 wb_pfn;
	struct vfm_run (*slots)[VFM_MAX_TARGETS];
	u32 nslots;
	u64 doorbells;
	u64 descs;
	u64 hits;
	u64 errors;
};

/* One configuration message kept for replay. */
struct vfm_cfg_rec {
	u32 key;
	u8 words;
	u32 msg[VFM_MBX_MAX_WORDS];
};

/**
 * struct vfm_mbx - mailbox mediation state
 * @r2c: read-to-clear bits the mediator read that the guest has not seen
 * @out: words the guest wrote into the mailbox buffer
 * @pending: action of the last message, applied when the PF acks it
 * @pending_msg: that message
 * @has_pending: @pending is valid
 * @log: configuration records, replay order
 * @nlog: entries in @log
 */
struct vfm_mbx {
	u32 r2c;
	u32 out[VFM_MBX_MAX_WORDS];
	struct vfm_mbx_action pending;
	u32 pending_msg[VFM_MBX_MAX_WORDS];
	bool has_pending;
	struct vfm_cfg_rec log[VFM_CFG_LOG_MAX];
	unsigned int nlog;
};

/* One MSI-X vector forwarded to an eventfd. */
struct vfm_vec {
	int irq;
	bool requested;
	bool masked;
	struct eventfd_ctx *trigger;
	char name[32];
};

/* Pin cache counters, under pc->lock (ring counters live in the rings). */
struct vfm_stats {
	u64 pc_misses;
	u64 pc_evictions;
	u64 pc_unmaps;
};

/* The per-VF parent: one per VF bound to a family driver. */
struct vfm_parent {
	struct mdev_parent parent;
	struct mdev_type type;
	struct mdev_type *types[1];
	struct pci_dev *pdev;
	struct device *dev;	/* for log lines: &pdev->dev */
	const struct vfm_family *family;
	void __iomem *bars[VFM_NUM_BARS];
	void __iomem *bar0;
	int msix_bar;
	u32 mbx_ctrl_off;
	struct mutex lock;	/* protects @vdev */
	struct vfm_dev *vdev;
};

/**
 * struct vfm_dev - one mdev instance: the VFIO device the VMM opens
 * @vdev: the VFIO device
 * @par: the parent VF
 * @state_lock: open/close, reset, IRQ setup and config space
 * @mbx_lock: mailbox shadow and configuration log
 * @open: the device is open (domain attached)
 * @msi_isolated: the VF's MSI cannot be forged (MSI-X BAR may be written)
 * @cfg: emulated config space
 * @cfg_wmask: writable bits of @cfg
 * @bar_mask: size mask of each emulated BAR register (0 = absent)
 * @rings: ring shadows, @par->family->nr_rings of them
 * @pc: the pin cache and IOMMU domain
 * @mbx: mailbox mediation
 * @nvec: MSI-X vectors of the VF
 * @vecs_on: host vectors allocated
 * @vecs: per vector state
 * @req_trigger: VFIO request eventfd
 * @err_trigger: VFIO error (AER) eventfd
 * @stats: counters
 * @debugfs: debugfs directory
 */
struct vfm_dev {
	struct vfio_device vdev;
	struct vfm_parent *par;
	struct mutex state_lock;	/* protects open state, IRQs, config */
	spinlock_t mbx_lock;		/* protects @mbx */
	bool open;
	bool msi_isolated;
	u8 cfg[VFM_CFG_SIZE];
	u8 cfg_wmask[VFM_CFG_SIZE];
	u32 bar_mask[VFM_NUM_BARS];
	struct vfm_ring rings[VFM_MAX_RINGS];
	struct vfm_pcache pc;
	struct vfm_mbx mbx;
	int nvec;
	bool vecs_on;
	struct vfm_vec vecs[VFM_MAX_VECTORS];
	struct eventfd_ctx *req_trigger;
	struct eventfd_ctx *err_trigger;
	struct vfm_stats stats;
	struct dentry *debugfs;
};

static inline const struct vfm_family *vfm_fam(struct vfm_dev *vd)
{
	return vd->par->family;
}

#define vfm_err_rl(vd, fmt, ...) \
	dev_err_ratelimited((vd)->par->dev, fmt, ##__VA_ARGS__)

/* config.c */
void vfm_config_init(struct vfm_dev *vd);
ssize_t vfm_config_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		      loff_t pos, bool write);

/* pcache.c */
void vfm_pcache_init(struct vfm_pcache *pc, const struct vfm_dma_ops *ops,
		     unsigned long max, u64 aperture_end);
void vfm_pcache_flush(struct vfm_dev *vd);
int vfm_domain_open(struct vfm_dev *vd);
void vfm_domain_close(struct vfm_dev *vd);
struct vfm_pin *vfm_pcache_get(struct vfm_dev *vd, unsigned long pfn);
void vfm_pcache_put_pfn(struct vfm_dev *vd, unsigned long pfn);
bool vfm_pcache_present(struct vfm_dev *vd, unsigned long pfn);
int vfm_pcache_fill(struct vfm_dev *vd, unsigned long pfn, unsigned long n);
void vfm_pcache_unmap(struct vfm_dev *vd, u64 iova, u64 length);

/* ring.c */
void vfm_ring_init(struct vfm_ring *r, u8 dir);
void vfm_rings_reset(struct vfm_dev *vd, bool geometry);
void vfm_rings_unmap(struct vfm_dev *vd, u64 iova, u64 length);
int vfm_ring_write(struct vfm_dev *vd, struct vfm_reg reg, u32 off, u32 val);
u32 vfm_ring_next_count(u32 old_tail, u32 new_tail, u32 count);

/* mmio.c */
ssize_t vfm_bar_rw(struct vfm_dev *vd, int bar, char __user *buf,
		   size_t count, loff_t pos, bool write);
void vfm_mbx_reset(struct vfm_dev *vd);
u32 vfm_mbx_read_ctrl(struct vfm_dev *vd, u32 off);
u32 vfm_mbx_r2c_merge(u32 *shadow, u32 hw, u32 r2c_mask, bool guest);
void vfm_cfg_log_apply(struct vfm_mbx *m, const struct vfm_mbx_action *act,
		       const u32 *msg, unsigned int words);

#if IS_ENABLED(CONFIG_KUNIT)
u32 vfm_trap_read(struct vfm_dev *vd, struct vfm_reg reg, u32 off);
int vfm_trap_write(struct vfm_dev *vd, struct vfm_reg reg, u32 off, u32 val);
struct vfm_dev *vfm_kunit_dev_create(const struct vfm_family *fam,
				     struct device *dev, void __iomem *bar0,
				     const struct vfm_dma_ops *ops,
				     unsigned long max_pages);
void vfm_kunit_dev_destroy(struct vfm_dev *vd);
#endif

/* irq.c */
int vfm_irq_info(struct vfm_dev *vd, unsigned long arg);
int vfm_set_irqs(struct vfm_dev *vd, unsigned long arg);
void vfm_irqs_disable(struct vfm_dev *vd);

/* vfio_dev.c */
extern const struct vfio_device_ops vfm_vfio_ops;
void vfm_debugfs_init(struct vfm_dev *vd, struct dentry *root);

#endif /* _VFM_H_ */
