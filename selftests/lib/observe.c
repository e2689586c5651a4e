// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: trace events through tracefs and the debugfs state
 * file (see observe.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "observe.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Write @val to @dir/@file; 0 or -errno. */
static int put(const char *dir, const char *file, const char *val)
{
	char path[320];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(val))
		ret = -EIO;
	close(fd);
	return ret;
}

/* tracefs with event tracing: where it is mounted, or mount it. */
static int vfm_tracefs_find(char *root, size_t len)
{
	static const char *const where[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	unsigned int i;
	char ev[192];

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		snprintf(ev, sizeof(ev), "%s/events", where[i]);
		if (!is_dir(ev) && i == 0 && is_dir(where[0]))
			mount("nodev", where[0], "tracefs", 0, NULL);
		if (is_dir(ev)) {
			snprintf(root, len, "%s", where[i]);
			return 0;
		}
	}
	return -ENODEV;
}

int vfm_trace_open(struct vfm_trace *t, const char *inst, const char *system,
		   unsigned int buf_kb, char *why, size_t wl)
{
	char path[320], val[32];
	int ret;

	memset(t, 0, sizeof(*t));
	if (vfm_tracefs_find(t->root, sizeof(t->root))) {
		snprintf(why, wl, "no tracefs with events (kernel without event tracing)");
		return -ENODEV;
	}
	snprintf(t->system, sizeof(t->system), "%s", system);
	snprintf(path, sizeof(path), "%s/events/%s", t->root, system);
	if (!is_dir(path)) {
		snprintf(why, wl, "%s: no such event system", path);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/instances", t->root);
	if (!is_dir(path)) {
		snprintf(why, wl, "tracefs at %s has no instances", t->root);
		return -ENODEV;
	}
	snprintf(t->dir, sizeof(t->dir), "%s/instances/%s", t->root, inst);
	if (is_dir(t->dir)) {
		/* Left by a run that did not finish. */
		snprintf(path, sizeof(path), "events/%s/enable", system);
		put(t->dir, path, "0");
		rmdir(t->dir);
	}
	if (mkdir(t->dir, 0700)) {
		ret = -errno;
		snprintf(why, wl, "mkdir %s: %s", t->dir, strerror(errno));
		return ret;
	}
	snprintf(val, sizeof(val), "%u", buf_kb);
	ret = put(t->dir, "buffer_size_kb", val);
	if (!ret)
		ret = put(t->dir, "trace_clock", "mono");
	if (!ret) {
		snprintf(path, sizeof(path), "events/%s/enable", system);
		ret = put(t->dir, path, "1");
	}
	if (!ret)
		ret = put(t->dir, "tracing_on", "1");
	if (ret) {
		snprintf(why, wl, "setting up %s: %s", t->dir, strerror(-ret));
		rmdir(t->dir);
		t->dir[0] = 0;
		return ret;
	}
	t->on = true;
	return 0;
}

int vfm_trace_clear(struct vfm_trace *t)
{
	return put(t->dir, "trace", "");
}

int vfm_trace_mark(struct vfm_trace *t, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return put(t->dir, "trace_marker", text);
}

/* "SECONDS.FRACTION: " at @p: nanoseconds, @p moved past it. */
static bool parse_ts(char **p, __u64 *ns)
{
	char *s = *p, *e;
	unsigned long long sec, frac;
	int digits;

	sec = strtoull(s, &e, 10);
	if (e == s || *e != '.')
		return false;
	s = e + 1;
	frac = strtoull(s, &e, 10);
	digits = e - s;
	if (!digits || e[0] != ':' || e[1] != ' ')
		return false;
	while (digits < 9) {
		frac *= 10;
		digits++;
	}
	*ns = sec * 1000000000ULL + frac;
	*p = e + 2;
	return true;
}

/* One line of the text trace; false if it is no event line. */
static bool parse_line(char *line, struct vfm_tev *e)
{
	char *p = strstr(line, "] "), *name;

	if (!p)
		return false;
	p += 2;
	while (*p && *p != ' ')		/* the flags */
		p++;
	while (*p == ' ')
		p++;
	if (!parse_ts(&p, &e->ts_ns))
		return false;
	name = p;
	p = strstr(p, ": ");
	if (!p)
		return false;
	*p = 0;
	e->name = name;
	e->fields = p + 2;
	return true;
}

int vfm_trace_read(struct vfm_trace *t)
{
	char path[320], *line, *next;
	size_t cap = 1 << 20;
	int fd, n = 0, lost = 0;
	ssize_t r;

	free(t->buf);
	free(t->ev);
	t->buf = NULL;
	t->ev = NULL;
	t->nev = 0;
	t->len = 0;
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	t->buf = malloc(cap + 1);
	while (t->buf) {
		if (t->len == cap) {
			char *b = realloc(t->buf, 2 * cap + 1);

			if (!b)
				break;
			t->buf = b;
			cap *= 2;
		}
		r = read(fd, t->buf + t->len, cap - t->len);
		if (r <= 0)
			break;
		t->len += r;
	}
	close(fd);
	if (!t->buf)
		return -ENOMEM;
	t->buf[t->len] = 0;
	for (line = t->buf; (line = strchr(line, '\n')); line++)
		n++;
	t->ev = calloc(n + 1, sizeof(*t->ev));
	if (!t->ev)
		return -ENOMEM;
	for (line = t->buf; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = 0;
		if (sscanf(line, "# entries-in-buffer/entries-written: %llu/%llu",
			   (unsigned long long *)&t->entries,
			   (unsigned long long *)&t->written) == 2)
			continue;
		if (strstr(line, "LOST") && strstr(line, "EVENTS"))
			lost++;
		if (*line != '#' && t->nev <= n &&
		    parse_line(line, &t->ev[t->nev]))
			t->nev++;
	}
	if (lost && t->written <= t->entries)
		t->written = t->entries + lost;
	return t->nev;
}

void vfm_trace_close(struct vfm_trace *t)
{
	char path[96];

	if (t->dir[0]) {
		snprintf(path, sizeof(path), "events/%s/enable", t->system);
		put(t->dir, path, "0");
		put(t->dir, "tracing_on", "0");
		if (rmdir(t->dir))
			vfm_err("rmdir %s: %s", t->dir, strerror(errno));
		t->dir[0] = 0;
	}
	t->on = false;
	free(t->buf);
	free(t->ev);
	t->buf = NULL;
	t->ev = NULL;
	t->nev = 0;
}

/* The value of @key in "key=value key=value ...": its start and length. */
static const char *field(const char *f, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = f, *v;

	while ((p = strstr(p, key))) {
		if ((p == f || p[-1] == ' ') && p[kl] == '=') {
			v = p + kl + 1;
			if (*v == '"') {
				const char *q = strchr(v + 1, '"');

				*len = q ? (size_t)(q - v - 1) : strlen(v + 1);
				return v + 1;
			}
			*len = strcspn(v, " ");
			return v;
		}
		p += kl;
	}
	return NULL;
}

bool vfm_tev_is(const struct vfm_tev *e, const char *name, const char *mdev)
{
	char m[VFM_NAME_LEN];

	if (name && strcmp(e->name, name))
		return false;
	if (!mdev)
		return true;
	return !vfm_tev_str(e, "mdev", m, sizeof(m)) && !strcmp(m, mdev);
}

bool vfm_tev_mark_is(const struct vfm_tev *e, const char *text)
{
	size_t n = strlen(text);

	return !strcmp(e->name, "tracing_mark_write") &&
	       !strncmp(e->fields, text, n) &&
	       (!e->fields[n] || e->fields[n] == '\n' || e->fields[n] == ' ');
}

int vfm_tev_str(const struct vfm_tev *e, const char *key, char *buf,
		size_t len)
{
	size_t n;
	const char *v = field(e->fields, key, &n);

	if (!v)
		return -ENOENT;
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = 0;
	return 0;
}

int vfm_tev_u64(const struct vfm_tev *e, const char *key, __u64 *v)
{
	char buf[32], *end;

	if (vfm_tev_str(e, key, buf, sizeof(buf)))
		return -ENOENT;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf || *end ? -EINVAL : 0;
}

int vfm_tev_s64(const struct vfm_tev *e, const char *key, long long *v)
{
	char buf[32], *end;

	if (vfm_tev_str(e, key, buf, sizeof(buf)))
		return -ENOENT;
	errno = 0;
	*v = strtoll(buf, &end, 0);
	return errno || end == buf || *end ? -EINVAL : 0;
}

int vfm_trace_find_mark(const struct vfm_trace *t, int from, const char *text)
{
	int i;

	for (i = from < 0 ? 0 : from; i < t->nev; i++)
		if (vfm_tev_mark_is(&t->ev[i], text))
			return i;
	return -1;
}

int vfm_state_read(const char *uuid, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vf_mdev/%s/state",
		 uuid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

int vfm_state_str(const char *state, const char *line, const char *key,
		  char *buf, size_t len)
{
	size_t ll = strlen(line), kl = strlen(key), n;
	const char *p = state, *end, *q;

	while (*p) {
		end = strchrnul(p, '\n');
		if (!strncmp(p, line, ll)) {
			for (q = p + ll; q < end; q++) {
				if (q[-1] != ' ' || strncmp(q, key, kl) ||
				    q[kl] != ' ')
					continue;
				q += kl + 1;
				n = strcspn(q, "\n ");
				if (n >= len)
					n = len - 1;
				memcpy(buf, q, n);
				buf[n] = 0;
				return 0;
			}
			return -ENOENT;
		}
		p = *end ? end + 1 : end;
	}
	return -ENOENT;
}

int vfm_state_u64(const char *state, const char *line, const char *key,
		  __u64 *v)
{
	char buf[32], *end;

	if (vfm_state_str(state, line, key, buf, sizeof(buf)))
		return -ENOENT;
	*v = strtoull(buf, &end, 0);
	return end == buf ? -EINVAL : 0;
}
