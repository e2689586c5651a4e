/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vf_mdev core: private structures shared by the core's files.
 */
#ifndef _VFM_H_
#define _VFM_H_

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>
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
#define VFM_NO_REG		U32_MAX	/* a register the family does not have */

struct eventfd_ctx;
/*
 * The mediator's IOVA window: the top VFM_MED_SIZE bytes of the domain's
 * aperture.  The pin cache never pins a guest IOVA there, so no guest
 * descriptor, ring or buffer can name it.  It holds the port's memory
 * (VFM_MED_PORT bytes) and, after it, one VFM_ALIAS_SLOT per ring for a
 * ring given to the device rotated (vfm_ring_alias()).
 */
#define VFM_MED_SIZE		SZ_64M
#define VFM_MED_PORT		SZ_1M
#define VFM_ALIAS_SLOT		SZ_1M
struct seq_file;
struct vfm_dev;
struct vfm_migf;
struct vfm_msg_pending;

#define VFM_PIN_DIRTY	0

/**
 * struct vfm_pin - one guest page pinned and mapped in the device's domain
 * @iova_pfn: IOVA >> PAGE_SHIFT (key in the cache)
 * @page: the pinned page
 * @refs: descriptor slots and rings holding the page; -1 once it is being
 *	evicted or unmapped (lookups treat it as absent)
 * @accessed: set on every hit, cleared by the eviction sweep
 * @flags: VFM_PIN_DIRTY: the device may have written the page since the
 *	last dirty report (set when a writable target lets go of it)
 * @gone: on a local list once out of the cache, until unpinned
 * @rcu: deferred free, lookups are lockless
 */
struct vfm_pin {
	unsigned long iova_pfn;
	struct page *page;
	atomic_t refs;
	u8 accessed;
	unsigned long flags;
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
 * @log_dirty: DMA logging is on: pages a writable target lets go of are
 *	marked VFM_PIN_DIRTY (read locklessly on the doorbell path)
 * @migrating: a migration is on: pages nobody holds are unpinned at once
 *	instead of being cached (the type1 container reports every pinned
 *	page dirty in every round)
 * @gone_dirty: pfns of pages that left the cache while dirty, until the
 *	next report names them
 * @dirty_lost: one of those could not be remembered: the next report
 *	takes the whole window as dirty
 * @filling: doorbells between filling the cache and taking their
 *	references (a migration's trim waits for them)
 * @pinned_uncached: fills between their pin and the page being cached,
 *	or let go again; a dma_unmap waits for them (vfm_pcache_unmap())
 * @med_base: first IOVA of the mediator's window (guest IOVAs stay below)
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
	bool log_dirty;
	bool migrating;
	struct xarray gone_dirty;
	bool dirty_lost;
	atomic_t filling;
	atomic_t pinned_uncached;
	u64 med_base;
};

/**
 * struct vfm_alias - a ring mapped rotated in the mediator's window
 * @iova: window start (0: none)
 * @npages: window pages mapped
 * @pfn: the guest ring's first page (the alias holds a reference on each)
 * @ring_pages: pages of the guest ring
 */
struct vfm_alias {
	u64 iova;
	u32 npages;
	u64 pfn;
	u32 ring_pages;
};

/* What a ring let go of, released by vfm_unmapped_free() after its lock. */
struct vfm_unmapped {
	struct page **pages;
	void *slots;
	struct vfm_alias alias;
};

/* A run of pages one descriptor target holds references on. */
struct vfm_run {
	u64 pfn;
	u16 npages;
	bool write;	/* the device writes it: dirty once let go */
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
 * @ctrl: last queue control write
 * @hold: tails the guest writes are held, not forwarded (the device is
 *	being stopped, or is stopped, for a migration)
 * @held: @held_tail is a tail the guest wrote while @hold
 * @held_tail: that tail
 * @mapped: ring pages are held and @pages/@slots are valid
 * @map_base: base the ring was mapped at
 * @tail: the scan's cursor: descriptors before it are checked and held
 * @fwd: the tail the device was last given (a packet boundary)
 * @pages: ring pages, for reading descriptors
 * @npages: entries in @pages
 * @wb_pfn: write-back page held while @cfg.wb_en (0 = none)
 * @slots: per descriptor slot, the page runs it holds
 * @nslots: entries in @slots (== @cfg.count while @mapped)
 * @doorbells: tail writes
 * @descs: descriptors posted
 * @hits: buffer pages found in the pin cache
 * @errors: refused writes
 * @msg: serialises the doorbells of a message ring (msg.c), taken
 *	before @setup
 * @msg_seen: message rings the device writes: the next descriptor whose
 *	write-back has not been looked at for an answer
 * @pfc_wait: post-copy: the scan stopped at a descriptor whose pages are
 *	not resident yet; the tail the guest wants is @pfc_tail, and every
 *	doorbell meanwhile only updates it
 * @pfc_tail: that tail
 * @pfc_holds: times the ring started waiting for pages
 * @wb_pending: post-copy: the head write-back page is not resident yet;
 *	the device gets the address (and a tail) once it is
 * @rot: the device's slot i is the guest's slot (i + @rot) % nslots: tails
 *	written and heads read are translated (0: the same index)
 * @alias: where the ring is mapped rotated, while @rot is not 0
 */
struct vfm_ring {
	struct mutex setup;	/* protects mapping and geometry changes */
	spinlock_t lock;	/* protects tail, slots and cfg on the doorbell */
	struct vfm_ring_cfg cfg;
	u32 base_lo;
	u32 base_hi;
	u32 wb_lo;
	u32 wb_hi;
	u32 ctrl;
	bool hold;
	bool held;
	u32 held_tail;
	bool mapped;
	u64 map_base;
	u32 tail;
	u32 fwd;
	struct page **pages;
	u32 npages;
	u64 wb_pfn;
	struct vfm_run (*slots)[VFM_MAX_TARGETS];
	u32 nslots;
	u64 doorbells;
	u64 descs;
	u64 hits;
	u64 errors;
	struct mutex msg;	/* serialises message doorbells */
	u32 msg_seen;
	bool pfc_wait;
	u32 pfc_tail;
	u64 pfc_holds;
	bool wb_pending;
	u32 rot;
	struct vfm_alias alias;
};

/**
 * struct vfm_mbx - mailbox mediation state
 * @r2c: read-to-clear bits the mediator read that the guest has not seen
 * @out: words the guest wrote into the mailbox buffer
 * @pending: action of the last message, applied when the PF acks it
 * @pending_msg: that message
 * @has_pending: @pending is valid
 * @in_flight: the guest sent a message and the PF has not posted its
 *	reply yet (a stop waits for it)
 * @log: configuration records, replay order
 * @nlog: entries in @log
 * @stat_base: added to each statistics counter the guest reads (the
 *	counters restart after a migration; the guest's view continues)
 */
struct vfm_mbx {
	u32 r2c;
	u32 out[VFM_MBX_MAX_WORDS];
	struct vfm_mbx_action pending;
	u32 pending_msg[VFM_MBX_MAX_WORDS];
	bool has_pending;
	bool in_flight;
	struct vfm_cfg_rec log[VFM_CFG_LOG_MAX];
	unsigned int nlog;
	u32 stat_base[VFM_MAX_STATS];
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

/* What a doorbell did with the tail (vf_mdev_doorbell's action). */
enum vfm_db_action {
	VFM_DB_FWD,		/* scanned, the device has it (or all it may) */
	VFM_DB_HELD,		/* held: the device is being stopped */
	VFM_DB_WAIT,		/* post-copy: waits for pages to arrive */
	VFM_DB_REFUSED,		/* refused (err) */
};

/* Why pages left the pin cache (vf_mdev_pcache_evict's reason). */
enum vfm_evict_reason {
	VFM_EVICT_FULL,		/* the cache was full: clock sweep */
	VFM_EVICT_TRIM,		/* a migration keeps only what is held */
	VFM_EVICT_FLUSH,	/* close or reset: everything */
};

/* Dirty report channels (vf_mdev_dirty_report's channel). */
enum vfm_dirty_channel {
	VFM_DIRTY_DMA_LOGGING,	/* vfio_log_ops */
	VFM_DIRTY_TYPE1,	/* the type1 container: the pinned set */
};

/* Stream frame kinds in the stream events. */
enum vfm_frame_kind {
	VFM_FRAME_NONE,		/* no frame yet (a header refused) */
	VFM_FRAME_INITIAL,
	VFM_FRAME_FINAL,
};

/**
 * struct vfm_regmap - where the family's register classes are, learnt by
 * asking the family about every offset of its trapped pages at probe
 * @ring: per ring and class, the BAR0 offset (VFM_NO_REG if absent)
 * @stat: per statistics counter, its offset
 * @mbx_mem: offset of mailbox word 0
 * @dev_ctrl: offset of the device control register
 */
struct vfm_regmap {
	u32 ring[VFM_MAX_RINGS][VFM_REG_NR_CLASSES];
	u32 stat[VFM_MAX_STATS];
	u32 mbx_mem;
	u32 dev_ctrl;
};

#define VFM_SNAP_ENABLED	BIT(0)	/* the guest had the queue enabled */

/**
 * struct vfm_snap - the device at the packet boundary, captured at STOP
 * or loaded from a stream
 * @head: per ring, the device's head
 * @tail: per ring, the tail the device had
 * @ctrl: per ring, the guest's queue control value (loaded rings)
 * @ring_flags: per ring, VFM_SNAP_* (loaded rings)
 * @dev_regs: the family's device registers
 * @mbx_mem: the mailbox buffer
 * @stats: guest-visible statistics counters
 * @stop_ns: STOP request to state captured
 */
struct vfm_snap {
	u32 head[VFM_MAX_RINGS];
	u32 tail[VFM_MAX_RINGS];
	u32 ctrl[VFM_MAX_RINGS];
	u8 ring_flags[VFM_MAX_RINGS];
	u32 dev_regs[VFM_MAX_DEV_REGS];
	u32 mbx_mem[VFM_MBX_MAX_WORDS];
	u32 stats[VFM_MAX_STATS];
	u64 stop_ns;
};

/* Which migration interface an open of the device uses. */
enum vfm_mig_if {
	VFM_MIG_IF_NONE,	/* none yet */
	VFM_MIG_IF_V2,		/* VFIO migration v2 (device features) */
	VFM_MIG_IF_REGION,	/* the migration region (mig_region.c) */
};

/**
 * struct vfm_mig - migration state of one device
 * @lock: the state machine; taken before a file's lock and before
 *	state_lock, never inside them
 * @reset_lock: protects @deferred_reset
 * @deferred_reset: a reset happened while @lock was held elsewhere; the
 *	holder puts the state machine back to RUNNING when it lets go
 * @state: enum vfio_device_mig_state
 * @saving: the saving data file, while a save session is open
 * @resuming: the resuming data file, while a resume session is open
 * @snap: the device captured at STOP (or loaded from a stream)
 * @quiesced: rings stopped and interrupts masked by the core
 * @loaded: the device carries state loaded from a stream (destination):
 *	leaving STOP forwards the loaded tails through a fresh scan
 * @sweep: while migrating, lets go of what the device consumed
 * @t_stop: time of the last STOP request (for the stop-copy figures)
 * @iface: enum vfm_mig_if: the interface this open uses (the first one
 *	that had an effect), until close
 * @arcs: arcs walked since the instance was created (under @lock)
 * @last_from: the last arc's start state (under @lock)
 * @last_to: the last arc's end state (under @lock)
 * @last_arc_ns: how long it took (under @lock)
 * @saved_bytes: bytes of frames in the last saving file (its lock)
 * @loaded_bytes: bytes written to the last resuming file (its lock)
 * @sweeps: migration sweeps run (written by the sweep only)
 * @trimmed: pages the sweeps unpinned (written by the sweep only)
 *
 * The figures are read locklessly by debugfs.
 */
struct vfm_mig {
	struct mutex lock;	/* protects the state machine and @snap */
	spinlock_t reset_lock;	/* protects @deferred_reset */
	bool deferred_reset;
	u32 state;
	struct vfm_migf *saving;
	struct vfm_migf *resuming;
	struct vfm_snap snap;
	bool quiesced;
	bool loaded;
	struct delayed_work sweep;
	u64 t_stop;
	u8 iface;
	u64 arcs;
	u32 last_from;
	u32 last_to;
	u64 last_arc_ns;
	u64 saved_bytes;
	u64 loaded_bytes;
	u64 sweeps;
	u64 trimmed;
};

/**
 * struct vfm_mreg - the migration region of an open device (mig_region.c)
 * @lock: protects everything below; taken before mig.lock
 * @win: the data window and the dirty bitmap window (vmalloc_user(), so
 *	that the user can mmap them), from open to close; written under
 *	@lock, read without it by mmap (which holds mmap_lock, and runs
 *	only while the device is open)
 * @file: the data file of the v2 session the region is driving
 * @state: the v2 state the region last left the device in (a reset
 *	moves the device elsewhere: the session is then over)
 * @staged: saving: a chunk of the stream is in the data window and was
 *	not consumed yet (by a pending_bytes read)
 * @staged_len: its bytes
 * @armed: resuming: data_offset was read; a data_size write may follow
 * @bitmap_next: the next data_offset read answers the dirty bitmap's
 *	offset (a copied_pfns read staged one)
 * @dirty: the region runs the dirty log session (the SAVING states)
 * @start_pfn: dirty query: first pfn
 * @page_size: dirty query: bytes per pfn
 * @total_pfns: dirty query: pfns asked for
 * @chunks: stream chunks staged (saving) or taken (resuming)
 * @bytes: stream bytes moved through the data window
 * @queries: dirty queries answered
 */
struct vfm_mreg {
	struct mutex lock;	/* protects everything below */
	void *win;
	struct file *file;
	u32 state;
	bool staged;
	u32 staged_len;
	bool armed;
	bool bitmap_next;
	bool dirty;
	u64 start_pfn;
	u64 page_size;
	u64 total_pfns;
	u64 chunks;
	u64 bytes;
	u64 queries;
};

/**
 * struct vfm_dlog - a DMA logging session (VFIO_DEVICE_FEATURE_DMA_LOGGING)
 * @lock: one session, one report at a time
 * @on: a session is open
 * @page_size: its page size
 * @reports: reports served
 * @pages: pages reported, in total
 * @last_pages: pages in the last report
 * @last_ns: time the last report took
 */
struct vfm_dlog {
	struct mutex lock;	/* protects everything below */
	bool on;
	u64 page_size;
	u64 reports;
	u64 pages;
	u64 last_pages;
	u64 last_ns;
};

/* Device-specific regions and interrupts, after vfio-pci's. */
enum {
	VFM_MIG_REGION_INDEX = VFIO_PCI_NUM_REGIONS,	/* mig_region.c */
	VFM_REGION_PREFAULT,				/* prefault.c */
	VFM_NUM_REGIONS
};

#define VFM_PFC_IRQ_INDEX	VFIO_PCI_NUM_IRQS	/* the prefault eventfd */
#define VFM_NUM_IRQS		(VFM_PFC_IRQ_INDEX + 1)
#define VFM_PFC_SLOTS		256
#define VFM_PFC_CHUNK_SHIFT	15	/* pages per bitmap chunk: 128 MiB */
#define VFM_PFC_CHUNK_PAGES	BIT(VFM_PFC_CHUNK_SHIFT)

/* What is known of 128 MiB of IOVA space in post-copy mode. */
struct vfm_pfc_chunk {
	DECLARE_BITMAP(resident, VFM_PFC_CHUNK_PAGES);
	DECLARE_BITMAP(requested, VFM_PFC_CHUNK_PAGES);
};

/**
 * struct vfm_pfc_slot - one prefault request
 * @pfn: first IOVA page
 * @npages: pages; 0 = the slot is free
 * @issued: the VMM took it from the queue
 * @seq: queue order
 * @t_ns: when it was queued (for the timeout)
 */
struct vfm_pfc_slot {
	u64 pfn;
	u32 npages;
	bool issued;
	u64 seq;
	u64 t_ns;
};

/**
 * struct vfm_prefault - the post-copy prefault channel (prefault.c)
 * @lock: protects everything below; taken after r->setup, never held
 *	while pc->lock or a ring lock is taken
 * @on: post-copy mode (also read locklessly: off is the fast answer)
 * @timed_out: a request went unanswered too long; the device is in ERROR
 * @queue_len: requests queued or outstanding at most
 * @timeout_ms: how long a request may wait for its acknowledgment
 * @chunks: chunk index -> struct vfm_pfc_chunk
 * @nchunks: entries in @chunks
 * @slots: the requests
 * @last: the request that was queued last, while it may still grow
 * @seq: last sequence number given
 * @trigger: the prefault eventfd
 * @timeout: fires when the oldest request may have timed out
 * @requests: requests queued since on
 * @pages_requested: pages in them
 * @overflows: missing pages that found the queue full
 * @acks: acknowledgments taken
 */
struct vfm_prefault {
	struct mutex lock;	/* protects everything below */
	bool on;
	bool timed_out;
	u32 queue_len;
	u32 timeout_ms;
	struct xarray chunks;
	unsigned long nchunks;
	struct vfm_pfc_slot slots[VFM_PFC_SLOTS];
	struct vfm_pfc_slot *last;
	u64 seq;
	struct eventfd_ctx *trigger;
	struct delayed_work timeout;
	u64 requests;
	u64 pages_requested;
	u64 overflows;
	u64 acks;
};

/**
 * struct vfm_ring_state - one ring in a device-state stream
 * @dir: enum vfm_ring_dir
 * @flags: VF_MDEV_RING_*
 * @base: ring base as programmed
 * @len: ring length as programmed
 * @mode: buffer layout register value
 * @ctrl: queue control value
 * @head: device head when stopped
 * @tail: tail the device had
 * @held_tail: tail the guest wrote while the device was stopping
 * @wb_lo: head write-back address register (low)
 * @wb_hi: head write-back address register (high)
 */
struct vfm_ring_state {
	u8 dir;
	u8 flags;
	u64 base;
	u32 len;
	u32 mode;
	u32 ctrl;
	u32 head;
	u32 tail;
	u32 held_tail;
	u32 wb_lo;
	u32 wb_hi;
};

/**
 * struct vfm_dstate - a device-state stream frame, decoded
 * @family: VF_MDEV_FAMILY_*
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @subvendor: PCI subsystem vendor id
 * @subdevice: PCI subsystem id
 * @nr_rings: rings
 * @nr_vectors: MSI-X vectors
 * @pf_flags: VF_MDEV_PF_*
 * @pf_qos: port VLAN priority
 * @pf_vlan: port VLAN
 * @mi: the family's match data
 * @cfg: config space
 * @rings: per ring state
 * @ndev_regs: words in @dev_regs
 * @dev_regs: the family's device registers
 * @mbx_r2c: read-to-clear mailbox bits the guest has not seen
 * @mbx_words: mailbox size in words
 * @mbx_mem: mailbox buffer
 * @mbx_out: words the guest wrote into it
 * @nlog: entries in @log
 * @log: configuration log
 * @nstats: counters in @stats
 * @stats: guest-visible statistics
 * @src: source information (optional record)
 * @has_src: @src was in the stream
 * @nrec: records decoded (unknown optional ones skipped included)
 */
struct vfm_dstate {
	u32 family;
	u16 vendor;
	u16 device;
	u16 subvendor;
	u16 subdevice;
	u8 nr_rings;
	u8 nr_vectors;
	u8 pf_flags;
	u8 pf_qos;
	u16 pf_vlan;
	struct vfm_match_info mi;
	u8 cfg[VFM_CFG_SIZE];
	struct vfm_ring_state rings[VFM_MAX_RINGS];
	u32 ndev_regs;
	u32 dev_regs[VFM_MAX_DEV_REGS];
	u32 mbx_r2c;
	u32 mbx_words;
	u32 mbx_mem[VFM_MBX_MAX_WORDS];
	u32 mbx_out[VFM_MBX_MAX_WORDS];
	unsigned int nlog;
	struct vfm_cfg_rec log[VFM_CFG_LOG_MAX];
	u32 nstats;
	u32 stats[VFM_MAX_STATS];
	struct {
		u64 stop_ns;
		u64 doorbells;
		u64 descs;
		u64 pinned;
	} src;
	bool has_src;
	u32 nrec;
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
	struct vfm_regmap map;
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
 * @mig: migration state
 * @dlog: DMA logging session
 * @mreg: the migration region
 * @port: the mediator's own access to the VF (quiesce, restore, replay)
 * @msg_pending: the configuration log changes of the last message on a
 *	message ring, until the PF answers it (under @mbx_lock)
 * @port_r2c: read-to-clear mailbox bits the port consumed (its own, not
 *	the guest's), under @mig.lock
 * @pfc: the post-copy prefault channel
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
	struct vfm_mig mig;
	struct vfm_dlog dlog;
	struct vfm_mreg mreg;
	struct vfm_port port;
	u32 port_r2c;
	struct vfm_msg_pending *msg_pending;
	struct vfm_prefault pfc;
};

static inline const struct vfm_family *vfm_fam(struct vfm_dev *vd)
{
	return vd->par->family;
}

/* The mdev's name (its UUID), for log lines and events. */
static inline const char *vfm_name(const struct vfm_dev *vd)
{
	/* KUnit's instances are no VFIO device: the parent's name. */
	return vd->vdev.dev ? dev_name(vd->vdev.dev) : dev_name(vd->par->dev);
}

#define vfm_err_rl(vd, fmt, ...) \
	dev_err_ratelimited((vd)->par->dev, fmt, ##__VA_ARGS__)

/* main.c */
void vfm_regmap_build(const struct vfm_family *fam, u32 bar0_len,
		      struct vfm_regmap *map, u32 *mbx_ctrl);

/* config.c */
void vfm_config_init(struct vfm_dev *vd);
ssize_t vfm_config_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		      loff_t pos, bool write);
void vfm_config_load(struct vfm_dev *vd, const u8 *cfg);

/* pcache.c */
void vfm_pcache_init(struct vfm_pcache *pc, const struct vfm_dma_ops *ops,
		     unsigned long max, u64 aperture_end);
void vfm_pcache_flush(struct vfm_dev *vd);
int vfm_domain_open(struct vfm_dev *vd);
void vfm_domain_close(struct vfm_dev *vd);
struct vfm_pin *vfm_pcache_get(struct vfm_dev *vd, unsigned long pfn);
void vfm_pcache_put_pfn(struct vfm_dev *vd, unsigned long pfn, bool dirty);
bool vfm_pcache_present(struct vfm_dev *vd, unsigned long pfn);
int vfm_pcache_fill(struct vfm_dev *vd, unsigned long pfn, unsigned long n);
void vfm_pcache_unmap(struct vfm_dev *vd, u64 iova, u64 length);
unsigned long vfm_pcache_trim(struct vfm_dev *vd);
void vfm_pcache_mark(struct vfm_dev *vd, unsigned long pfn);
u64 *vfm_pcache_collect_dirty(struct vfm_dev *vd, u64 first, u64 last,
			      unsigned long *n);
void vfm_pcache_set_mode(struct vfm_dev *vd, bool log_dirty, bool migrating);
int vfm_med_map(struct vfm_dev *vd, u64 iova, struct page *page);
void vfm_med_unmap(struct vfm_dev *vd, u64 iova, u32 npages);

/* ring.c */
void vfm_ring_init(struct vfm_ring *r, u8 dir);
void vfm_rings_reset(struct vfm_dev *vd, bool geometry);
void vfm_rings_unmap(struct vfm_dev *vd, u64 iova, u64 length);
int vfm_ring_write(struct vfm_dev *vd, struct vfm_reg reg, u32 off, u32 val);
u32 vfm_ring_next_count(u32 old_tail, u32 new_tail, u32 count);
void vfm_rings_hold(struct vfm_dev *vd, bool hold);
void vfm_rings_stop(struct vfm_dev *vd, struct vfm_snap *snap);
int vfm_rings_start(struct vfm_dev *vd, const struct vfm_snap *snap,
		    bool loaded);
int vfm_rings_release(struct vfm_dev *vd);
void vfm_rings_release_consumed(struct vfm_dev *vd);
void vfm_rings_writable(struct vfm_dev *vd,
			void (*fn)(void *arg, u64 pfn, u32 n), void *arg);
int vfm_ring_doorbell(struct vfm_dev *vd, struct vfm_ring *r, u32 new_tail,
		      bool guest);
int vfm_ring_map(struct vfm_dev *vd, struct vfm_ring *r);
void vfm_desc_read(struct vfm_ring *r, u32 idx, u8 *desc, u32 dsize);
int vfm_ring_configure(struct vfm_dev *vd, u8 idx,
		       const struct vfm_ring_cfg *cfg);
int vfm_ring_set_enabled(struct vfm_dev *vd, u8 idx, bool en);
u32 vfm_rings_pfc_waiting(struct vfm_dev *vd, u64 *holds);
void vfm_rings_pfc_retry(struct vfm_dev *vd);
void vfm_rings_fail(struct vfm_dev *vd);
int vfm_ring_alias(struct vfm_dev *vd, u8 idx, u32 rot, u64 *base);
void vfm_ring_set_pos(struct vfm_dev *vd, u8 idx, u32 pos);
u32 vfm_ring_guest_idx(struct vfm_ring *r, u32 dev_idx);
int vfm_ring_reload(struct vfm_dev *vd, u8 idx, u32 head);

/* msg.c */
int vfm_msg_doorbell(struct vfm_dev *vd, struct vfm_ring *r, u32 new_tail);
void vfm_msg_seen(struct vfm_dev *vd, struct vfm_ring *r, u32 head);
void vfm_msg_reset(struct vfm_dev *vd);
void vfm_log_ops_apply(struct vfm_mbx *m, const struct vfm_log_op *op,
		       unsigned int n);

/* mmio.c */
ssize_t vfm_bar_rw(struct vfm_dev *vd, int bar, char __user *buf,
		   size_t count, loff_t pos, bool write);
void vfm_mbx_reset(struct vfm_dev *vd);
u32 vfm_mbx_read_ctrl(struct vfm_dev *vd, u32 off);
u32 vfm_mbx_r2c_merge(u32 *shadow, u32 hw, u32 r2c_mask, bool guest);
void vfm_cfg_log_apply(struct vfm_mbx *m, const struct vfm_mbx_action *act,
		       const u32 *msg, unsigned int words);
void vfm_mbx_quiesce(struct vfm_dev *vd, u32 *mem);
void vfm_mbx_restore(struct vfm_dev *vd, u32 r2c, const u32 *mem,
		     const u32 *out);
bool vfm_stat_paired(const struct vfm_family *fam, unsigned int i);
u32 vfm_stat_read(struct vfm_dev *vd, unsigned int i);
void vfm_stat_rebase(struct vfm_dev *vd, unsigned int i, const u32 *want);

#if IS_ENABLED(CONFIG_KUNIT)
u32 vfm_trap_read(struct vfm_dev *vd, struct vfm_reg reg, u32 off);
int vfm_trap_write(struct vfm_dev *vd, struct vfm_reg reg, u32 off, u32 val);
void vfm_wb_clear(struct vfm_dev *vd);
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
int vfm_reset_locked(struct vfm_dev *vd);

/* stream.c */
u32 vfm_stream_crc(const void *buf, size_t len);
size_t vfm_stream_frame_size(const struct vfm_dstate *s, u32 flags);
size_t vfm_stream_final_size(u8 nr_rings, unsigned int nlog);
u32 vfm_stream_frame_records(const struct vfm_dstate *s, u32 flags);
ssize_t vfm_stream_encode(const struct vfm_dstate *s, u32 flags, void *buf,
			  size_t cap);
int vfm_stream_check_hdr(const void *buf, size_t len, u64 *frame_len,
			 u32 *flags, char *why, size_t wl);
int vfm_stream_decode(const void *buf, size_t len, struct vfm_dstate *s,
		      u32 *flags, char *why, size_t wl);

/* dirty.c */
extern const struct vfio_log_ops vfm_log_ops;
u64 *vfm_dirty_collect(struct vfm_dev *vd, u64 first, u64 last,
		       unsigned long *n);
int vfm_dlog_begin(struct vfm_dev *vd, u64 page_size);
#define VFM_DLOG_ALL	1	/* vfm_dlog_report(): the whole range is dirty */
int vfm_dlog_report(struct vfm_dev *vd, u64 iova, u64 length,
		    void (*set)(void *arg, u64 iova, u64 length), void *arg);
void vfm_dlog_stop(struct vfm_dev *vd);
void vfm_sweep_init(struct vfm_dev *vd);
void vfm_migrating(struct vfm_dev *vd, bool on);

/* migration.c */
extern const struct vfio_migration_ops vfm_mig_ops;
const char *vfm_state_name(u32 state);
void vfm_mig_init(struct vfm_dev *vd);
void vfm_mig_open(struct vfm_dev *vd);
void vfm_mig_close(struct vfm_dev *vd);
void vfm_mig_reset(struct vfm_dev *vd);
bool vfm_mig_arc_known(u32 from, u32 to);
void vfm_mig_fail_locked(struct vfm_dev *vd, int err);
void vfm_mig_unlock(struct vfm_dev *vd);

/* prefault.c */
void vfm_prefault_init(struct vfm_dev *vd);
void vfm_prefault_reset(struct vfm_dev *vd);
void vfm_prefault_close(struct vfm_dev *vd);
void vfm_prefault_destroy(struct vfm_dev *vd);
int vfm_prefault_gate(struct vfm_dev *vd, u64 pfn, u64 n);
void vfm_prefault_forget(struct vfm_dev *vd, u64 iova, u64 length);
ssize_t vfm_prefault_region_rw(struct vfm_dev *vd, char __user *buf,
			       size_t count, u64 off, bool write);
void vfm_prefault_show(struct vfm_dev *vd, struct seq_file *s);
const char *vfm_mig_if_name(enum vfm_mig_if who);
int vfm_mig_claim(struct vfm_dev *vd, enum vfm_mig_if who);
struct file *vfm_mig_set_state(struct vfm_dev *vd, u32 new,
			       enum vfm_mig_if who);
u32 vfm_mig_get_state(struct vfm_dev *vd);
ssize_t vfm_migf_read(struct file *filp, void *buf, size_t len);
ssize_t vfm_migf_write(struct file *filp, const void *buf, size_t len);
u64 vfm_migf_pending(struct file *filp);

/* mig_region.c */
void vfm_mreg_init(struct vfm_dev *vd);
int vfm_mreg_open(struct vfm_dev *vd);
void vfm_mreg_close(struct vfm_dev *vd);
bool vfm_mreg_offered(struct vfm_dev *vd);
int vfm_mreg_info(struct vfm_dev *vd, struct vfio_region_info *info,
		  struct vfio_info_cap *caps);
ssize_t vfm_mreg_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		    loff_t pos, bool write);
int vfm_mreg_mmap(struct vfm_dev *vd, struct vm_area_struct *vma, u64 off);
void vfm_mreg_show(struct vfm_dev *vd, struct seq_file *s);

/* pf.c */
void vfm_port_init(struct vfm_dev *vd);
int vfm_port_mem_open(struct vfm_dev *vd);
void vfm_port_mem_close(struct vfm_dev *vd);
int vfm_pf_vf_info(struct vfm_dev *vd, u8 *flags, u16 *vlan, u8 *qos,
		   u8 *mac);

#endif /* _VFM_H_ */
