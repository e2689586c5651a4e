/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vf_mdev: the user ABI of vfmdev's mediated Intel NIC VFs.
 *
 * The device-state stream
 * -----------------------
 * What a vf_mdev device writes to its VFIO migration data fd (and reads
 * back on the destination) is a sequence of *frames*.  Every frame starts
 * with a struct vf_mdev_stream_hdr and carries tagged records; all fields
 * are little endian, records are padded to 8 bytes.  A save produces:
 *
 *   - in PRE_COPY, one frame with VF_MDEV_STREAM_F_INITIAL: the match
 *     data only (struct vf_mdev_rec_match), so that a destination that
 *     cannot take this VF refuses before the source stops;
 *   - in STOP_COPY, one frame with VF_MDEV_STREAM_F_FINAL: the match data
 *     again and the whole device state.  It is self-contained: a user that
 *     goes straight to STOP_COPY gets a complete stream.
 *
 * A destination accepts at most one INITIAL frame followed by exactly one
 * FINAL frame, nothing after it.  A frame is checked as a whole (length,
 * CRC32C) before any of it is used.
 *
 * Compatibility: frames with another major version are refused.  A newer
 * minor version may add record tags, never change a known one.  A record
 * whose tag the destination does not know is skipped if it is optional and
 * refuses the stream if it carries VF_MDEV_REC_F_MANDATORY.  Every known
 * record has a fixed payload size; reserved fields must be zero.
 *
 * Documentation/migration-stream.rst describes every record and what
 * validates it.
 */
#ifndef _UAPI_LINUX_VF_MDEV_H
#define _UAPI_LINUX_VF_MDEV_H

#include <linux/types.h>

/* "vfmdevST" read as a little-endian 64-bit number. */
#define VF_MDEV_STREAM_MAGIC		0x54537665646d6676ULL
#define VF_MDEV_STREAM_MAJOR		1
#define VF_MDEV_STREAM_MINOR		0

/* Largest frame a destination accepts, header included. */
#define VF_MDEV_STREAM_MAX_FRAME	(256 * 1024)

/* VF families: which mediation module produced the stream. */
#define VF_MDEV_FAMILY_IGBVF		1	/* 82576 / I350 VF */
#define VF_MDEV_FAMILY_IXGBEVF		2	/* 82599 / X540 / X550 VF */
#define VF_MDEV_FAMILY_IAVF		3	/* X710 / XXV710 VF (i40e PF) */

#define VF_MDEV_STREAM_F_INITIAL	(1U << 0)
#define VF_MDEV_STREAM_F_FINAL		(1U << 1)
#define VF_MDEV_STREAM_F_ALL		(VF_MDEV_STREAM_F_INITIAL | \
					 VF_MDEV_STREAM_F_FINAL)

/**
 * struct vf_mdev_stream_hdr - the start of every frame (48 bytes)
 * @magic: VF_MDEV_STREAM_MAGIC
 * @major: VF_MDEV_STREAM_MAJOR of the writer
 * @minor: VF_MDEV_STREAM_MINOR of the writer
 * @flags: exactly one of VF_MDEV_STREAM_F_INITIAL, VF_MDEV_STREAM_F_FINAL
 * @family: VF_MDEV_FAMILY_*
 * @vendor: PCI vendor id of the source VF
 * @device: PCI device id of the source VF
 * @hdr_len: sizeof(struct vf_mdev_stream_hdr); records start there
 * @reserved0: zero
 * @length: bytes in this frame, header included
 * @crc32c: CRC32C (Castagnoli, initial value ~0, final xor ~0) of the
 *	whole frame computed with this field zero
 * @reserved1: zero
 */
struct vf_mdev_stream_hdr {
	__le64 magic;
	__le16 major;
	__le16 minor;
	__le32 flags;
	__le32 family;
	__le16 vendor;
	__le16 device;
	__le32 hdr_len;
	__le32 reserved0;
	__le64 length;
	__le32 crc32c;
	__le32 reserved1;
};

#define VF_MDEV_REC_F_MANDATORY		(1U << 0)

/**
 * struct vf_mdev_rec_hdr - the start of every record (8 bytes)
 * @tag: VF_MDEV_REC_*
 * @flags: VF_MDEV_REC_F_MANDATORY, or 0 for a record a reader may skip
 * @length: payload bytes after this header, a multiple of 8
 */
struct vf_mdev_rec_hdr {
	__le16 tag;
	__le16 flags;
	__le32 length;
};

/* Record tags.  Singletons unless said otherwise. */
#define VF_MDEV_REC_MATCH		0x0001	/* struct vf_mdev_rec_match */
#define VF_MDEV_REC_CONFIG		0x0002	/* struct vf_mdev_rec_config */
#define VF_MDEV_REC_RING		0x0003	/* struct vf_mdev_rec_ring, per ring */
#define VF_MDEV_REC_DEV_REGS		0x0004	/* struct vf_mdev_rec_dev_regs */
#define VF_MDEV_REC_MAILBOX		0x0005	/* struct vf_mdev_rec_mailbox */
#define VF_MDEV_REC_CFG_LOG		0x0006	/* struct vf_mdev_rec_cfg_log */
#define VF_MDEV_REC_STATS		0x0007	/* struct vf_mdev_rec_stats */
#define VF_MDEV_REC_SOURCE		0x0100	/* struct vf_mdev_rec_source, optional */

/* PF-administered settings (what ndo_get_vf_config reports). */
#define VF_MDEV_PF_SPOOFCHK		(1U << 0)
#define VF_MDEV_PF_TRUSTED		(1U << 1)
#define VF_MDEV_PF_KNOWN		(1U << 7)	/* the PF answered */

#define VF_MDEV_MATCH_FAM_WORDS		8

/**
 * struct vf_mdev_rec_match - what the destination VF must share (64 bytes)
 * @family: VF_MDEV_FAMILY_*, as in the frame header
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @subsystem_vendor: PCI subsystem vendor id
 * @subsystem_device: PCI subsystem id
 * @nr_rings: rings the mediation tracks
 * @nr_vectors: MSI-X vectors of the VF
 * @pf_flags: VF_MDEV_PF_*
 * @pf_qos: port VLAN priority set by the PF's administrator
 * @pf_vlan: port VLAN set by the PF's administrator (0: none)
 * @reserved0: zero
 * @mac: the MAC address the guest uses (set by it, or given by the PF)
 * @pf_mac: the MAC address the PF handed out at the guest's last reset
 *	(all zero when none was seen)
 * @fam: family-defined match words (negotiated mailbox API, queues...)
 */
struct vf_mdev_rec_match {
	__le32 family;
	__le16 vendor;
	__le16 device;
	__le16 subsystem_vendor;
	__le16 subsystem_device;
	__u8 nr_rings;
	__u8 nr_vectors;
	__u8 pf_flags;
	__u8 pf_qos;
	__le16 pf_vlan;
	__le16 reserved0;
	__u8 mac[6];
	__u8 pf_mac[6];
	__le32 fam[VF_MDEV_MATCH_FAM_WORDS];
};

/**
 * struct vf_mdev_rec_config - emulated PCI configuration space (256 bytes)
 * @space: as the guest left it
 */
struct vf_mdev_rec_config {
	__u8 space[256];
};

#define VF_MDEV_RING_RX			0
#define VF_MDEV_RING_TX			1
/* Message rings (the X710's admin queue): to the PF, and from it. */
#define VF_MDEV_RING_MSG_TX		2
#define VF_MDEV_RING_MSG_RX		3

#define VF_MDEV_RING_ENABLED		(1U << 0)	/* the guest enabled it */
#define VF_MDEV_RING_WB			(1U << 1)	/* head write-back on */
#define VF_MDEV_RING_HELD		(1U << 2)	/* @held_tail is valid */
#define VF_MDEV_RING_ALL		(VF_MDEV_RING_ENABLED | \
					 VF_MDEV_RING_WB | VF_MDEV_RING_HELD)

/**
 * struct vf_mdev_rec_ring - one ring at the packet boundary (48 bytes)
 * @index: ring index in the family's register map
 * @dir: VF_MDEV_RING_RX, _TX, _MSG_TX or _MSG_RX: the family's direction
 *	for that index
 * @flags: VF_MDEV_RING_*
 * @reserved0: zero
 * @base: ring base IOVA as the guest programmed it
 * @len: ring length in bytes as programmed
 * @mode: last value the guest wrote to the buffer-layout register
 * @ctrl: last value the guest wrote to the queue control register
 * @head: the device's head when it stopped
 * @tail: the tail the device had been given
 * @held_tail: a tail the guest wrote after the device was asked to stop
 * @wb_lo: last value written to the head write-back address (low)
 * @wb_hi: last value written to the head write-back address (high)
 * @reserved1: zero
 */
struct vf_mdev_rec_ring {
	__u8 index;
	__u8 dir;
	__u8 flags;
	__u8 reserved0;
	__le32 len;
	__le64 base;
	__le32 mode;
	__le32 ctrl;
	__le32 head;
	__le32 tail;
	__le32 held_tail;
	__le32 wb_lo;
	__le32 wb_hi;
	__le32 reserved1;
};

#define VF_MDEV_DEV_REGS_MAX		64

/**
 * struct vf_mdev_rec_dev_regs - family-defined device registers (264 bytes)
 * @count: words used in @regs (the family's fixed number)
 * @reserved: zero
 * @regs: interrupt mask, throttle and vector-mapping registers and
 *	whatever else of the device the guest reaches directly; unused
 *	words are zero
 */
struct vf_mdev_rec_dev_regs {
	__le32 count;
	__le32 reserved;
	__le32 regs[VF_MDEV_DEV_REGS_MAX];
};

#define VF_MDEV_MBX_WORDS		16

/**
 * struct vf_mdev_rec_mailbox - the guest's view of the PF mailbox (136 bytes)
 * @r2c: read-to-clear control bits the guest has not seen yet
 * @words: the family's mailbox size in words
 * @mem: mailbox buffer contents when the device stopped (a reply the
 *	guest has not read yet, or a message it is still writing)
 * @out: the words the guest wrote into the buffer
 */
struct vf_mdev_rec_mailbox {
	__le32 r2c;
	__le32 words;
	__le32 mem[VF_MDEV_MBX_WORDS];
	__le32 out[VF_MDEV_MBX_WORDS];
};

#define VF_MDEV_CFG_LOG_MAX		64

/**
 * struct vf_mdev_cfg_entry - one configuration message for replay (136 bytes)
 * @key: the family's record key
 * @words: message length in words
 * @reply_words: length of the PF reply kept with it (0: none)
 * @msg: the message as the guest sent it
 * @reply: the PF's reply, when the family keeps it (a reset's MAC)
 */
struct vf_mdev_cfg_entry {
	__le32 key;
	__le16 words;
	__le16 reply_words;
	__le32 msg[VF_MDEV_MBX_WORDS];
	__le32 reply[VF_MDEV_MBX_WORDS];
};

/**
 * struct vf_mdev_rec_cfg_log - the configuration log, in replay order
 * @count: entries that follow (at most VF_MDEV_CFG_LOG_MAX)
 * @reserved: zero
 * @entries: @count of them; the record's length is 8 + 136 * @count
 */
struct vf_mdev_rec_cfg_log {
	__le32 count;
	__le32 reserved;
	struct vf_mdev_cfg_entry entries[];
};

#define VF_MDEV_STATS_MAX		16

/**
 * struct vf_mdev_rec_stats - statistics registers as the guest read them (72 bytes)
 * @count: counters used (the family's fixed number)
 * @reserved: zero
 * @val: guest-visible value of each counter when the device stopped
 */
struct vf_mdev_rec_stats {
	__le32 count;
	__le32 reserved;
	__le32 val[VF_MDEV_STATS_MAX];
};

/**
 * struct vf_mdev_rec_source - about the source, for logs only (optional, 32 bytes)
 * @stop_ns: time from the STOP request to the state being captured
 * @doorbells: tail writes mediated since the device was opened
 * @descs: descriptors scanned since the device was opened
 * @pinned: pages pinned when the device stopped
 */
struct vf_mdev_rec_source {
	__le64 stop_ns;
	__le64 doorbells;
	__le64 descs;
	__le64 pinned;
};

/*
 * The post-copy prefault channel
 * ------------------------------
 * In post-copy the VM runs on the destination before all of its memory has
 * arrived, and a NIC cannot take a page fault.  vf_mdev sees every buffer
 * before the device does (it scans the descriptors at each tail write), so
 * in post-copy mode it never lets the device reach a page the VMM has not
 * said is resident: the tail is held at the first descriptor that names a
 * missing page, the pages are requested, and the held tail reaches the
 * device once the VMM has brought them in and acknowledged them.
 *
 * The channel is a device-specific VFIO region, found by its type
 * capability (VF_MDEV_REGION_TYPE / VF_MDEV_REGION_SUBTYPE_PREFAULT, not
 * mmappable), and a device-specific interrupt index (named in the
 * region's info block) whose eventfd fires when requests are queued.  A
 * VMM that never looks at either sees a plain vfio-pci device.
 *
 * Region layout (offsets from the start of the region):
 *
 *   VF_MDEV_PREFAULT_INFO_OFF   struct vf_mdev_prefault_info: read any
 *                               naturally aligned 4 or 8 bytes, or the
 *                               whole block; write exactly 4 bytes to the
 *                               fields marked RW
 *   VF_MDEV_PREFAULT_QUEUE_OFF  pread(n * 16 bytes): takes up to n queued
 *                               requests (struct vf_mdev_prefault_req), in
 *                               the order the device needed them; returns
 *                               the bytes of the whole requests taken, 0
 *                               when none is queued
 *   VF_MDEV_PREFAULT_CMD_OFF    pwrite(struct vf_mdev_prefault_cmd with its
 *                               ranges): declare pages resident, or
 *                               acknowledge requested pages; all or nothing
 *
 * Documentation/postcopy.rst gives the rules and the VMM's sequence.
 */
#define VF_MDEV_REGION_TYPE		(0x80000000U | 0x8086)	/* PCI vendor type, Intel */
#define VF_MDEV_REGION_SUBTYPE_PREFAULT	0x56464d01	/* "VFM" 1 */

#define VF_MDEV_PREFAULT_VERSION	1
#define VF_MDEV_PREFAULT_INFO_OFF	0x0000
#define VF_MDEV_PREFAULT_QUEUE_OFF	0x1000
#define VF_MDEV_PREFAULT_CMD_OFF	0x2000
#define VF_MDEV_PREFAULT_REGION_SIZE	0x3000

#define VF_MDEV_PREFAULT_QUEUE_MAX	256	/* largest queue_len */
#define VF_MDEV_PREFAULT_RANGES_MAX	255	/* ranges in one command */

/* mode */
#define VF_MDEV_PREFAULT_OFF		0
#define VF_MDEV_PREFAULT_ON		1

/* status bits */
/* post-copy mode is on */
#define VF_MDEV_PREFAULT_S_ON		(1U << 0)
/* a request timed out: the device is in the VFIO ERROR state */
#define VF_MDEV_PREFAULT_S_TIMED_OUT	(1U << 1)

/**
 * struct vf_mdev_prefault_info - the channel's state (88 bytes)
 * @version: RO, VF_MDEV_PREFAULT_VERSION
 * @flags: RO, zero (no optional features yet)
 * @irq_index: RO, the VFIO interrupt index of the prefault eventfd
 * @queue_len: RW while off: requests queued or awaiting their
 *	acknowledgment at any one time, 1..VF_MDEV_PREFAULT_QUEUE_MAX
 * @timeout_ms: RW while off: how long a request may stay unacknowledged
 *	before the device gives up (VFIO ERROR state), 10..600000
 * @mode: RW, VF_MDEV_PREFAULT_OFF or VF_MDEV_PREFAULT_ON
 * @status: RO, VF_MDEV_PREFAULT_S_*
 * @queued: RO, requests queued, not taken yet
 * @outstanding: RO, requests taken, not fully acknowledged yet
 * @held_rings: RO, rings whose tail waits for pages
 * @reserved0: RO, zero
 * @reserved1: RO, zero
 * @page_size: RO, the request and acknowledgment granule (4096)
 * @requests: RO, requests queued since the channel was switched on
 * @pages_requested: RO, pages in them
 * @overflows: RO, times a missing page found the queue full (it is
 *	requested again once an acknowledgment frees room)
 * @holds: RO, times a ring's tail was held for missing pages
 */
struct vf_mdev_prefault_info {
	__u32 version;
	__u32 flags;
	__u32 irq_index;
	__u32 queue_len;
	__u32 timeout_ms;
	__u32 mode;
	__u32 status;
	__u32 queued;
	__u32 outstanding;
	__u32 held_rings;
	__u32 reserved0;
	__u32 reserved1;
	__aligned_u64 page_size;
	__aligned_u64 requests;
	__aligned_u64 pages_requested;
	__aligned_u64 overflows;
	__aligned_u64 holds;
};

/**
 * struct vf_mdev_prefault_req - one request: pages the device needs (16 bytes)
 * @iova: first byte of the first page (page aligned)
 * @npages: pages, at least 1
 * @reserved: zero
 */
struct vf_mdev_prefault_req {
	__aligned_u64 iova;
	__u32 npages;
	__u32 reserved;
};

/**
 * struct vf_mdev_prefault_range - an IOVA range of whole pages (16 bytes)
 * @iova: page aligned
 * @length: bytes, a non-zero multiple of the page size
 */
struct vf_mdev_prefault_range {
	__aligned_u64 iova;
	__aligned_u64 length;
};

/* op */
#define VF_MDEV_PREFAULT_DECLARE	1	/* these pages are resident */
#define VF_MDEV_PREFAULT_ACK		2	/* requested pages, resident now */

/**
 * struct vf_mdev_prefault_cmd - a command written at VF_MDEV_PREFAULT_CMD_OFF
 * @argsz: bytes written: sizeof(this) + @nr_ranges * 16
 * @op: VF_MDEV_PREFAULT_DECLARE or VF_MDEV_PREFAULT_ACK
 * @nr_ranges: 1..VF_MDEV_PREFAULT_RANGES_MAX
 * @flags: zero
 * @ranges: the pages
 */
struct vf_mdev_prefault_cmd {
	__u32 argsz;
	__u32 op;
	__u32 nr_ranges;
	__u32 flags;
	struct vf_mdev_prefault_range ranges[];
};

/*
 * The migration region ("v8" draft ABI)
 * -------------------------------------
 * For VMMs built for the VFIO migration region protocol (QEMU 5.2 to 7.2
 * with x-enable-migration=on): an extra device region found by its type
 * capability, VFIO_REGION_TYPE_MIGRATION_DEPRECATED /
 * VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED (linux/vfio.h), READ | WRITE |
 * MMAP.  It drives the same state machine, stream and dirty log as VFIO
 * migration v2; one open of the device uses one of the two interfaces,
 * the first it touches (the other then fails with EBUSY).
 *
 * Offset 0 holds struct vf_mdev_mig_region; the data window and the dirty
 * bitmap window follow, each page aligned, each announced as an area of
 * the sparse-mmap capability.  A user learns where each one is from
 * data_offset, never from a constant.
 *
 * Fields are accessed one at a time, whole and at their offset (4 bytes
 * for device_state and reserved, 8 for the others), with pread/pwrite on
 * the device fd: any other size or offset fails with EINVAL, a read of a
 * write-only field or a write of a read-only one with EPERM.  The windows
 * take accesses of any size and alignment inside them, and mmap.
 *
 * device_state (read/write): VFIO_DEVICE_STATE_V1_* bits of linux/vfio.h.
 *	0 STOP, RUNNING, SAVING | RUNNING (pre-copy), SAVING (stop-and-copy),
 *	RESUMING; SAVING | RESUMING reads back when the device failed (reset
 *	it with VFIO_DEVICE_RESET).  Any other value, or bits 3-31, EINVAL.
 * reserved (read/write): reads 0; a write of anything else fails (EINVAL).
 * pending_bytes (read-only): saving: bytes of the stream not yet consumed;
 *	reading it consumes the chunk staged by the last data_offset read.
 *	0 outside the SAVING states.
 * data_offset (read-only): saving: stages the next chunk of the stream in
 *	the data window (unless one is staged and not yet consumed) and
 *	returns the window's offset; resuming: returns it, and the next
 *	data_size write may follow.  Right after a copied_pfns read that
 *	returned a count: the offset of the dirty bitmap, staging nothing.
 * data_size (read/write): saving: the bytes of the staged chunk (0: none
 *	for now in pre-copy, the end in stop-and-copy); resuming: write the
 *	bytes just written at data_offset; they are consumed (checked and
 *	taken by the stream decoder) before the write returns.
 * start_pfn, page_size, total_pfns (write-only): a dirty-page query, pfns
 *	in units of page_size (a power of 2, at least 4096).
 * copied_pfns (read-only): answers the query while saving: NONE (nothing
 *	dirty in the range), ALL (take all of the rest of the range as
 *	dirty), or the number of pfns from start_pfn whose bitmap is now at
 *	the offset the next data_offset read returns (bit i, little-endian
 *	64-bit words, is pfn start_pfn + i); the user advances start_pfn and
 *	asks again for the rest.
 *
 * Documentation/migration-region.rst describes the protocol, the mapping
 * onto the v2 states and the dirty log.
 */

/**
 * struct vf_mdev_mig_region - offset 0 of the migration region (64 bytes)
 * @device_state: VFIO_DEVICE_STATE_V1_* bits
 * @reserved: zero
 * @pending_bytes: stream bytes not yet read (saving)
 * @data_offset: where the data (or dirty bitmap) is in the region
 * @data_size: bytes of the chunk at @data_offset
 * @start_pfn: first pfn of a dirty query
 * @page_size: bytes per pfn of a dirty query
 * @total_pfns: pfns in a dirty query
 * @copied_pfns: the query's answer
 */
struct vf_mdev_mig_region {
	__u32 device_state;
	__u32 reserved;
	__aligned_u64 pending_bytes;
	__aligned_u64 data_offset;
	__aligned_u64 data_size;
	__aligned_u64 start_pfn;
	__aligned_u64 page_size;
	__aligned_u64 total_pfns;
	__aligned_u64 copied_pfns;
};

#define VF_MDEV_MIG_DIRTY_PFNS_NONE	0ULL
#define VF_MDEV_MIG_DIRTY_PFNS_ALL	(~0ULL)

#endif /* _UAPI_LINUX_VF_MDEV_H */
