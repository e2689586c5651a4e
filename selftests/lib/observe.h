/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: what an operator observes.
 *
 * Trace events through tracefs, in an instance of their own (so that
 * nothing else tracing on the machine is disturbed, and the test sees its
 * events only): the events of one system enabled, the buffer read back and
 * split into events with name=value fields, as Documentation/tracing.rst
 * describes them.  Markers the test writes (trace_marker) order its own
 * steps among the kernel's events.
 *
 * And the debugfs state file of an mdev (/sys/kernel/debug/vf_mdev/<uuid>/
 * state): lines of "key value" pairs after a "name:" prefix.
 *
 * Same conventions as vfio_lib.h: 0 (or a count) on success, -errno on
 * failure.
 */
#ifndef VFMDEV_OBSERVE_H
#define VFMDEV_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vfio_lib.h"

/* One line of the trace buffer. */
struct vfm_tev {
	const char *name;	/* the event, "tracing_mark_write" for a marker */
	__u64 ts_ns;		/* trace_clock mono: CLOCK_MONOTONIC */
	const char *fields;	/* "key=value ..." (a marker: its text) */
};

struct vfm_trace {
	char root[128];		/* where tracefs is */
	char dir[192];		/* our instance in it */
	char system[32];
	bool on;
	char *buf;		/* the last read, split in place */
	size_t len;
	struct vfm_tev *ev;
	int nev;
	__u64 entries;		/* in the buffer, per its header */
	__u64 written;		/* written: more than @entries = lost */
};

/*
 * Find tracefs (mounting it on /sys/kernel/tracing if it is not), create
 * an instance @inst with a @buf_kb buffer per CPU and the mono clock, and
 * enable every event of @system in it.  -ENODEV with @why when the kernel
 * has no tracefs or no event tracing (the test skips); another -errno
 * (with @why) when the events of @system are missing or cannot be
 * enabled.
 */
int vfm_trace_open(struct vfm_trace *t, const char *inst, const char *system,
		   unsigned int buf_kb, char *why, size_t wl);
/* Drop what the buffer holds. */
int vfm_trace_clear(struct vfm_trace *t);
/* A marker line in the buffer. */
__printf(2, 3) int vfm_trace_mark(struct vfm_trace *t, const char *fmt, ...);
/* Read and parse the buffer into t->ev; returns t->nev or -errno. */
int vfm_trace_read(struct vfm_trace *t);
/* Disable the events and remove the instance. */
void vfm_trace_close(struct vfm_trace *t);

/* Event @name (NULL: any), of @mdev (NULL: any). */
bool vfm_tev_is(const struct vfm_tev *e, const char *name, const char *mdev);
/* A marker whose text is @text. */
bool vfm_tev_mark_is(const struct vfm_tev *e, const char *text);
/* Field @key: number (decimal, or hex with 0x; negative for s64). */
int vfm_tev_u64(const struct vfm_tev *e, const char *key, __u64 *v);
int vfm_tev_s64(const struct vfm_tev *e, const char *key, long long *v);
/* Field @key as text (quotes of a quoted value removed). */
int vfm_tev_str(const struct vfm_tev *e, const char *key, char *buf,
		size_t len);
/* Index of the first marker @text at or after @from, or -1. */
int vfm_trace_find_mark(const struct vfm_trace *t, int from, const char *text);

/* The debugfs state file of mdev @uuid into @buf; -errno if none. */
int vfm_state_read(const char *uuid, char *buf, size_t len);
/*
 * In @state, on the line that starts with @line (e.g. "prefault:" or
 * "ring 0:"), the value after the word @key.
 */
int vfm_state_u64(const char *state, const char *line, const char *key,
		  __u64 *v);
int vfm_state_str(const char *state, const char *line, const char *key,
		  char *buf, size_t len);

#endif /* VFMDEV_OBSERVE_H */
