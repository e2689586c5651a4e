// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: helpers for the benchmark programs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

void vfm_samples_init(struct vfm_samples *s)
{
	memset(s, 0, sizeof(*s));
}

void vfm_samples_free(struct vfm_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int vfm_samples_add(struct vfm_samples *s, __u64 v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		__u64 *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = false;
	return 0;
}

static int vfm_u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

__u64 vfm_samples_quantile(struct vfm_samples *s, double q)
{
	size_t rank;

	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), vfm_u64_cmp);
		s->sorted = true;
	}
	if (q <= 0)
		return s->v[0];
	if (q >= 1)
		return s->v[s->n - 1];
	/* nearest rank: the smallest value with at least q of the samples */
	rank = (size_t)(q * s->n);
	if ((double)rank < q * s->n)
		rank++;
	return s->v[rank ? rank - 1 : 0];
}

void vfm_bench_figure(const char *name, double value, int decimals,
		      const char *unit)
{
	printf("bench: %s=%.*f %s\n", name, decimals, value, unit);
}

void vfm_bench_figuref(double value, int decimals, const char *unit,
		       const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	vfm_bench_figure(name, value, decimals, unit);
}

void vfm_bench_unavailable(const char *why, const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	printf("bench: %s=n/a (%s)\n", name, why);
}

bool vfm_bench_debug_kernel(void)
{
	return !access("/proc/lockdep", F_OK);
}

void vfm_bench_caveat(const char *prog)
{
	printf("%s: NOTE: the rig runs under QEMU TCG: absolute times and rates are\n"
	       "%s: emulation speeds, not hardware ones; compare the ratios.\n",
	       prog, prog);
	if (vfm_bench_debug_kernel())
		printf("%s: NOTE: this kernel is instrumented (lockdep; the rig's debug kernel\n"
		       "%s: also has KASAN): its times are not comparable with Debian's\n"
		       "%s: kernel's, only the ratios within this run are.\n",
		       prog, prog, prog);
}

int vfm_bench_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		cpu = n > 0 ? (int)n - 1 : 0;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return cpu;
}

/* The number after "@key " in @line, if any. */
static bool vfm_state_field(const char *line, const char *key, __u64 *val)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		bool start = p == line || p[-1] == ' ';

		p += klen;
		if (start && *p == ' ') {
			*val += strtoull(p + 1, NULL, 10);
			return true;
		}
	}
	return false;
}

static const char vfm_dbg_root[] = "/sys/kernel/debug/vf_mdev";

/* Add device @name's counters to @c if it is open; true if it was. */
static bool vfm_mdev_state_add(const char *name, struct vfm_mdev_counters *c)
{
	struct vfm_mdev_counters t = { 0 };
	char path[PATH_MAX], line[512];
	bool open = false, pc = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/state", vfm_dbg_root, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "open: ", 6)) {
			open = atoi(line + 6) != 0;
			if (!open)
				break;
		} else if (!strncmp(line, "pin_cache:", 10)) {
			pc = vfm_state_field(line, "pages", &t.pc_pages);
			vfm_state_field(line, "misses", &t.pc_misses);
			vfm_state_field(line, "evictions", &t.pc_evictions);
		} else if (!strncmp(line, "ring ", 5)) {
			vfm_state_field(line, "doorbells", &t.doorbells);
			vfm_state_field(line, "descs", &t.descs);
			vfm_state_field(line, "hits", &t.hits);
			vfm_state_field(line, "errors", &t.errors);
		}
	}
	fclose(f);
	if (!open || !pc)
		return false;
	c->devices++;
	c->pc_pages += t.pc_pages;
	c->pc_misses += t.pc_misses;
	c->pc_evictions += t.pc_evictions;
	c->doorbells += t.doorbells;
	c->descs += t.descs;
	c->hits += t.hits;
	c->errors += t.errors;
	return true;
}

int vfm_mdev_counters(struct vfm_mdev_counters *c)
{
	struct dirent *de;
	DIR *dir;
	bool seen = false;

	memset(c, 0, sizeof(*c));
	dir = opendir(vfm_dbg_root);
	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.' && vfm_mdev_state_add(de->d_name, c))
			seen = true;
	closedir(dir);
	return seen ? 0 : -ENOENT;
}

int vfm_mdev_counters_dev(const char *name, struct vfm_mdev_counters *c)
{
	memset(c, 0, sizeof(*c));
	return vfm_mdev_state_add(name, c) ? 0 : -ENOENT;
}
