/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vf_mdev tracepoints: the "vf_mdev" event system in tracefs
 * (events/vf_mdev/).  Documentation/tracing.rst lists every event and its
 * fields.  Every event names its mdev (the mdev's device name, its UUID)
 * first; fields print as name=value so that a grep finds them.
 *
 * A disabled event costs its call site one static branch.  Whatever an
 * event needs that takes work to get is computed in TP_fast_assign (run
 * only when the event is on) or behind trace_*_enabled() at the call site.
 *
 * Out-of-tree: TRACE_INCLUDE_PATH is this directory, which the Kbuild file
 * puts on the include path of trace.o (the only file that defines
 * CREATE_TRACE_POINTS).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vf_mdev

#if !defined(_VFM_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VFM_TRACE_H_

#include <linux/tracepoint.h>
#include <linux/vfio.h>

#include "vfm.h"

/* Symbolic names, also for tools that read the format files. */
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_ERROR);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_STOP);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_RUNNING);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_STOP_COPY);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_RESUMING);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_RUNNING_P2P);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_PRE_COPY);
TRACE_DEFINE_ENUM(VFIO_DEVICE_STATE_PRE_COPY_P2P);
TRACE_DEFINE_ENUM(VFM_DB_FWD);
TRACE_DEFINE_ENUM(VFM_DB_HELD);
TRACE_DEFINE_ENUM(VFM_DB_WAIT);
TRACE_DEFINE_ENUM(VFM_DB_REFUSED);
TRACE_DEFINE_ENUM(VFM_EVICT_FULL);
TRACE_DEFINE_ENUM(VFM_EVICT_TRIM);
TRACE_DEFINE_ENUM(VFM_EVICT_FLUSH);
TRACE_DEFINE_ENUM(VFM_DIRTY_DMA_LOGGING);
TRACE_DEFINE_ENUM(VFM_DIRTY_TYPE1);
TRACE_DEFINE_ENUM(VFM_FRAME_NONE);
TRACE_DEFINE_ENUM(VFM_FRAME_INITIAL);
TRACE_DEFINE_ENUM(VFM_FRAME_FINAL);

#define vfm_show_state(s)						\
	__print_symbolic(s,						\
		{ VFIO_DEVICE_STATE_ERROR, "ERROR" },			\
		{ VFIO_DEVICE_STATE_STOP, "STOP" },			\
		{ VFIO_DEVICE_STATE_RUNNING, "RUNNING" },		\
		{ VFIO_DEVICE_STATE_STOP_COPY, "STOP_COPY" },		\
		{ VFIO_DEVICE_STATE_RESUMING, "RESUMING" },		\
		{ VFIO_DEVICE_STATE_RUNNING_P2P, "RUNNING_P2P" },	\
		{ VFIO_DEVICE_STATE_PRE_COPY, "PRE_COPY" },		\
		{ VFIO_DEVICE_STATE_PRE_COPY_P2P, "PRE_COPY_P2P" })

#define vfm_show_frame(f)						\
	__print_symbolic(f,						\
		{ VFM_FRAME_NONE, "none" },				\
		{ VFM_FRAME_INITIAL, "initial" },			\
		{ VFM_FRAME_FINAL, "final" })

/*
 * The doorbell: one event per tail write the core mediates (the guest's,
 * or the core's own when it restarts a ring), when it is decided.
 */
TRACE_EVENT(vf_mdev_doorbell,
	    TP_PROTO(struct vfm_dev *vd, struct vfm_ring *r, u32 tail,
		     u64 descs0, u32 misses, bool guest, u8 action, int err),
	    TP_ARGS(vd, r, tail, descs0, misses, guest, action, err),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, ring)
			     __field(u8, guest)
			     __field(u8, action)
			     __field(u32, tail)
			     __field(u32, fwd)
			     __field(u32, descs)
			     __field(u32, misses)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->ring = r - vd->rings;
			   __entry->guest = guest;
			   __entry->action = action;
			   __entry->tail = tail;
			   __entry->fwd = READ_ONCE(r->fwd);
			   __entry->descs = READ_ONCE(r->descs) - descs0;
			   __entry->misses = misses;
			   __entry->err = err;),
	    TP_printk("mdev=%s ring=%u tail=%u fwd=%u descs=%u misses=%u guest=%u action=%s err=%d",
		      __get_str(mdev), __entry->ring, __entry->tail, __entry->fwd,
		      __entry->descs, __entry->misses, __entry->guest,
		      __print_symbolic(__entry->action,
				       { VFM_DB_FWD, "fwd" },
				       { VFM_DB_HELD, "held" },
				       { VFM_DB_WAIT, "wait" },
				       { VFM_DB_REFUSED, "refused" }),
		      __entry->err)
);

/* Pages nobody held left the pin cache: unmapped from the domain, unpinned. */
TRACE_EVENT(vf_mdev_pcache_evict,
	    TP_PROTO(struct vfm_dev *vd, u8 reason, unsigned long pages),
	    TP_ARGS(vd, reason, pages),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, reason)
			     __field(unsigned long, pages)
			     __field(unsigned long, cached)
			     __field(unsigned long, max)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->reason = reason;
			   __entry->pages = pages;
			   __entry->cached = READ_ONCE(vd->pc.count);
			   __entry->max = vd->pc.max;),
	    TP_printk("mdev=%s reason=%s pages=%lu cached=%lu max=%lu",
		      __get_str(mdev),
		      __print_symbolic(__entry->reason,
				       { VFM_EVICT_FULL, "full" },
				       { VFM_EVICT_TRIM, "trim" },
				       { VFM_EVICT_FLUSH, "flush" }),
		      __entry->pages, __entry->cached, __entry->max)
);

/* The VMM unmapped [iova, iova + length): what the cache held there went. */
TRACE_EVENT(vf_mdev_pcache_unmap,
	    TP_PROTO(struct vfm_dev *vd, u64 iova, u64 length, unsigned long pages),
	    TP_ARGS(vd, iova, length, pages),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u64, iova)
			     __field(u64, length)
			     __field(unsigned long, pages)
			     __field(unsigned long, cached)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->iova = iova;
			   __entry->length = length;
			   __entry->pages = pages;
			   __entry->cached = READ_ONCE(vd->pc.count);),
	    TP_printk("mdev=%s iova=%#llx length=%#llx pages=%lu cached=%lu",
		      __get_str(mdev), __entry->iova, __entry->length,
		      __entry->pages, __entry->cached)
);

/* One arc of the migration state machine, as set_state walks it. */
TRACE_EVENT(vf_mdev_mig_state,
	    TP_PROTO(struct vfm_dev *vd, u32 from, u32 to, u32 target, u64 ns,
		     int err),
	    TP_ARGS(vd, from, to, target, ns, err),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u32, from)
			     __field(u32, to)
			     __field(u32, target)
			     __field(u64, ns)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->from = from;
			   __entry->to = to;
			   __entry->target = target;
			   __entry->ns = ns;
			   __entry->err = err;),
	    TP_printk("mdev=%s from=%s to=%s target=%s duration_ns=%llu err=%d",
		      __get_str(mdev), vfm_show_state(__entry->from),
		      vfm_show_state(__entry->to), vfm_show_state(__entry->target),
		      __entry->ns, __entry->err)
);

/* Open, close or a function reset put the state machine back to RUNNING. */
TRACE_EVENT(vf_mdev_mig_reset,
	    TP_PROTO(struct vfm_dev *vd, u32 from),
	    TP_ARGS(vd, from),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u32, from)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->from = from;),
	    TP_printk("mdev=%s from=%s to=RUNNING", __get_str(mdev),
		      vfm_show_state(__entry->from))
);

/*
 * A dirty report.  dma_logging: one VFIO DMA logging report over
 * [iova, iova + length), pages set in the user's bitmap (all: the whole
 * window, a page could not be remembered).  type1: a migration sweep, the
 * pinned set it left, which the container's next report holds at least.
 */
TRACE_EVENT(vf_mdev_dirty_report,
	    TP_PROTO(struct vfm_dev *vd, u8 channel, u64 iova, u64 length,
		     u64 pages, u64 ns, bool all),
	    TP_ARGS(vd, channel, iova, length, pages, ns, all),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, channel)
			     __field(u8, all)
			     __field(u64, iova)
			     __field(u64, length)
			     __field(u64, pages)
			     __field(u64, ns)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->channel = channel;
			   __entry->all = all;
			   __entry->iova = iova;
			   __entry->length = length;
			   __entry->pages = pages;
			   __entry->ns = ns;),
	    TP_printk("mdev=%s channel=%s iova=%#llx length=%#llx pages=%llu all=%u ns=%llu",
		      __get_str(mdev),
		      __print_symbolic(__entry->channel,
				       { VFM_DIRTY_DMA_LOGGING, "dma_logging" },
				       { VFM_DIRTY_TYPE1, "type1" }),
		      __entry->iova, __entry->length, __entry->pages,
		      __entry->all, __entry->ns)
);

/* A frame written into the saving data file (or not: err). */
TRACE_EVENT(vf_mdev_stream_save,
	    TP_PROTO(struct vfm_dev *vd, u8 frame, u64 bytes, u32 records,
		     u64 total, int err),
	    TP_ARGS(vd, frame, bytes, records, total, err),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, frame)
			     __field(u32, records)
			     __field(u64, bytes)
			     __field(u64, total)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->frame = frame;
			   __entry->records = records;
			   __entry->bytes = bytes;
			   __entry->total = total;
			   __entry->err = err;),
	    TP_printk("mdev=%s frame=%s bytes=%llu records=%u total=%llu err=%d",
		      __get_str(mdev), vfm_show_frame(__entry->frame),
		      __entry->bytes, __entry->records, __entry->total,
		      __entry->err)
);

/*
 * A frame taken from the resuming data file, or the write refused (err,
 * reason); total: bytes the user wrote to the file so far.
 */
TRACE_EVENT(vf_mdev_stream_load,
	    TP_PROTO(struct vfm_dev *vd, u8 frame, u64 bytes, u32 records,
		     u64 total, int err, const char *reason),
	    TP_ARGS(vd, frame, bytes, records, total, err, reason),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, frame)
			     __field(u32, records)
			     __field(u64, bytes)
			     __field(u64, total)
			     __field(int, err)
			     __string(reason, reason)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->frame = frame;
			   __entry->records = records;
			   __entry->bytes = bytes;
			   __entry->total = total;
			   __entry->err = err;
			   __assign_str(reason);),
	    TP_printk("mdev=%s frame=%s bytes=%llu records=%u total=%llu err=%d reason=\"%s\"",
		      __get_str(mdev), vfm_show_frame(__entry->frame),
		      __entry->bytes, __entry->records, __entry->total,
		      __entry->err, __get_str(reason))
);

/* RESUMING -> STOP: the loaded state applied to the VF (or not: err). */
TRACE_EVENT(vf_mdev_restore,
	    TP_PROTO(struct vfm_dev *vd, u64 ns, int err, const char *reason),
	    TP_ARGS(vd, ns, err, reason),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u64, ns)
			     __field(int, err)
			     __string(reason, reason)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->ns = ns;
			   __entry->err = err;
			   __assign_str(reason);),
	    TP_printk("mdev=%s duration_ns=%llu err=%d reason=\"%s\"",
		      __get_str(mdev), __entry->ns, __entry->err,
		      __get_str(reason))
);

/* Post-copy: pages the device needs were queued for the VMM. */
TRACE_EVENT(vf_mdev_prefault_request,
	    TP_PROTO(struct vfm_dev *vd, u64 pfn, u32 npages, u64 seq, bool merged),
	    TP_ARGS(vd, pfn, npages, seq, merged),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u64, iova)
			     __field(u32, npages)
			     __field(u8, merged)
			     __field(u64, seq)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->iova = pfn << PAGE_SHIFT;
			   __entry->npages = npages;
			   __entry->merged = merged;
			   __entry->seq = seq;),
	    TP_printk("mdev=%s iova=%#llx npages=%u seq=%llu merged=%u",
		      __get_str(mdev), __entry->iova, __entry->npages,
		      __entry->seq, __entry->merged)
);

/* Post-copy: missing pages found the request queue full. */
TRACE_EVENT(vf_mdev_prefault_overflow,
	    TP_PROTO(struct vfm_dev *vd, u64 pfn, u32 npages, u32 queue_len),
	    TP_ARGS(vd, pfn, npages, queue_len),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u64, iova)
			     __field(u32, npages)
			     __field(u32, queue_len)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->iova = pfn << PAGE_SHIFT;
			   __entry->npages = npages;
			   __entry->queue_len = queue_len;),
	    TP_printk("mdev=%s iova=%#llx npages=%u queue_len=%u",
		      __get_str(mdev), __entry->iova, __entry->npages,
		      __entry->queue_len)
);

/*
 * Post-copy: a command of the VMM (an acknowledgment, or a declaration
 * of resident pages), taken or refused.
 */
TRACE_EVENT(vf_mdev_prefault_ack,
	    TP_PROTO(struct vfm_dev *vd, bool ack, u32 ranges, u64 pages,
		     u32 completed, int err),
	    TP_ARGS(vd, ack, ranges, pages, completed, err),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, ack)
			     __field(u32, ranges)
			     __field(u32, completed)
			     __field(u64, pages)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->ack = ack;
			   __entry->ranges = ranges;
			   __entry->completed = completed;
			   __entry->pages = pages;
			   __entry->err = err;),
	    TP_printk("mdev=%s op=%s ranges=%u pages=%llu completed=%u err=%d",
		      __get_str(mdev), __entry->ack ? "ack" : "declare",
		      __entry->ranges, __entry->pages, __entry->completed,
		      __entry->err)
);

/* Post-copy: the oldest request went unanswered; the device gives up. */
TRACE_EVENT(vf_mdev_prefault_timeout,
	    TP_PROTO(struct vfm_dev *vd, u32 timeout_ms, u32 dropped, u64 age_ns),
	    TP_ARGS(vd, timeout_ms, dropped, age_ns),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u32, timeout_ms)
			     __field(u32, dropped)
			     __field(u64, age_ns)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->timeout_ms = timeout_ms;
			   __entry->dropped = dropped;
			   __entry->age_ns = age_ns;),
	    TP_printk("mdev=%s timeout_ms=%u dropped=%u age_ns=%llu",
		      __get_str(mdev), __entry->timeout_ms, __entry->dropped,
		      __entry->age_ns)
);

/* Post-copy mode switched on or off by the VMM (or refused: err). */
TRACE_EVENT(vf_mdev_prefault_mode,
	    TP_PROTO(struct vfm_dev *vd, bool on, int err),
	    TP_ARGS(vd, on, err),
	    TP_STRUCT__entry(__string(mdev, vfm_name(vd))
			     __field(u8, on)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(mdev);
			   __entry->on = on;
			   __entry->err = err;),
	    TP_printk("mdev=%s mode=%s err=%d", __get_str(mdev),
		      __entry->on ? "on" : "off", __entry->err)
);

#endif /* _VFM_TRACE_H_ */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
