// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: host-side helpers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "host.h"
#include "vfio_lib.h"

int vfm_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		vfm_err("open %s: %s", path, strerror(e));
		return -e;
	}
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		vfm_err("read %s: %s", path, strerror(e));
		return -e;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

int vfm_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		vfm_err("open %s: %s", path, strerror(e));
		return -e;
	}
	n = write(fd, val, len);
	e = errno;
	close(fd);
	if (n < 0) {
		vfm_err("write '%s' > %s: %s", val, path, strerror(e));
		return -e;
	}
	if ((size_t)n != len) {
		vfm_err("write '%s' > %s: short write %zd", val, path, n);
		return -EIO;
	}
	return 0;
}

int vfm_sysfs_read_ulong(const char *path, unsigned long *val)
{
	char buf[64], *end;
	int ret;

	ret = vfm_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtoul(buf, &end, 0);
	if (errno || end == buf) {
		vfm_err("%s: not a number: '%s'", path, buf);
		return -EINVAL;
	}
	return 0;
}

bool vfm_path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int vfm_pci_ids(const char *bdf, unsigned int *vendor, unsigned int *device)
{
	char path[PATH_MAX];
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	ret = vfm_sysfs_read_ulong(path, &v);
	if (ret)
		return ret;
	*vendor = v;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", bdf);
	ret = vfm_sysfs_read_ulong(path, &v);
	if (ret)
		return ret;
	*device = v;
	return 0;
}

int vfm_find_pf(char *bdf, size_t len)
{
	const char *env = getenv("VFMDEV_PF");
	struct dirent *de;
	DIR *dir;
	int ret = -ENODEV;

	if (env && *env) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", env);
		if (!vfm_path_exists(path)) {
			vfm_err("VFMDEV_PF=%s: no such PCI device", env);
			return -ENODEV;
		}
		snprintf(bdf, len, "%s", env);
		return 0;
	}
	dir = opendir("/sys/bus/pci/devices");
	if (!dir) {
		ret = -errno;
		vfm_err("opendir /sys/bus/pci/devices: %s", strerror(-ret));
		return ret;
	}
	vfm_expect_errors(true);
	while ((de = readdir(dir))) {
		unsigned int v, dv;

		if (de->d_name[0] == '.')
			continue;
		if (vfm_pci_ids(de->d_name, &v, &dv))
			continue;
		if (v == VFM_PF_VENDOR && dv == VFM_PF_DEVICE) {
			snprintf(bdf, len, "%s", de->d_name);
			ret = 0;
			break;
		}
	}
	vfm_expect_errors(false);
	closedir(dir);
	if (ret)
		vfm_err("no igb PF (%04x:%04x) found; set VFMDEV_PF",
			VFM_PF_VENDOR, VFM_PF_DEVICE);
	return ret;
}

int vfm_find_vfs(const char *pf, char vfs[][VFM_BDF_LEN], int max)
{
	const char *env = getenv("VFMDEV_VFS");
	int n = 0, i;

	if (env && *env) {
		char *copy = strdup(env), *save = NULL, *tok;

		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, " \t,", &save); tok && n < max;
		     tok = strtok_r(NULL, " \t,", &save)) {
			if (strlen(tok) >= VFM_BDF_LEN)
				continue;
			memcpy(vfs[n++], tok, strlen(tok) + 1);
		}
		free(copy);
		return n;
	}
	for (i = 0; i < 64 && n < max; i++) {
		char path[PATH_MAX], link[PATH_MAX];
		const char *base;
		ssize_t len;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn%d",
			 pf, i);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			break;
		link[len] = '\0';
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (strlen(base) >= VFM_BDF_LEN)
			continue;
		memcpy(vfs[n++], base, strlen(base) + 1);
	}
	return n;
}

int vfm_vf_index(const char *pf, const char *vf)
{
	int i;

	for (i = 0; i < 64; i++) {
		char path[PATH_MAX], link[PATH_MAX];
		const char *base;
		ssize_t len;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn%d",
			 pf, i);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			break;
		link[len] = '\0';
		base = strrchr(link, '/');
		if (!strcmp(base ? base + 1 : link, vf))
			return i;
	}
	vfm_err("%s is not a VF of %s", vf, pf);
	return -ENOENT;
}

int vfm_sriov_numvfs(const char *pf)
{
	char path[PATH_MAX];
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs",
		 pf);
	ret = vfm_sysfs_read_ulong(path, &v);
	return ret ? ret : (int)v;
}

int vfm_sriov_set_numvfs(const char *pf, int n)
{
	char path[PATH_MAX], val[16];
	int cur, ret;

	cur = vfm_sriov_numvfs(pf);
	if (cur < 0)
		return cur;
	if (cur == n)
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs",
		 pf);
	if (cur && n) {
		ret = vfm_sysfs_write(path, "0");
		if (ret)
			return ret;
	}
	snprintf(val, sizeof(val), "%d", n);
	return vfm_sysfs_write(path, val);
}

int vfm_sriov_ensure(const char *pf, int n)
{
	int cur = vfm_sriov_numvfs(pf), ret;

	if (cur < 0)
		return cur;
	if (cur >= n)
		return cur;
	ret = vfm_sriov_set_numvfs(pf, n);
	return ret ? ret : n;
}

int vfm_pci_driver(const char *bdf, char *drv, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno == ENOENT) {
			drv[0] = '\0';
			return 0;
		}
		n = -errno;
		vfm_err("readlink %s: %s", path, strerror(-n));
		return (int)n;
	}
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(drv, len, "%s", base ? base + 1 : link);
	return 0;
}

int vfm_pci_unbind(const char *bdf)
{
	char path[PATH_MAX], drv[64];
	int ret;

	ret = vfm_pci_driver(bdf, drv, sizeof(drv));
	if (ret || !drv[0])
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	return vfm_sysfs_write(path, bdf);
}

bool vfm_driver_loaded(const char *drv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", drv);
	return vfm_path_exists(path);
}

int vfm_pci_bind(const char *bdf, const char *drv)
{
	char path[PATH_MAX], cur[64];
	int ret;

	ret = vfm_pci_driver(bdf, cur, sizeof(cur));
	if (ret)
		return ret;
	if (!strcmp(cur, drv))
		return 0;
	if (!vfm_driver_loaded(drv)) {
		vfm_err("bind %s: driver %s is not loaded", bdf, drv);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	ret = vfm_sysfs_write(path, drv);
	if (ret)
		return ret;
	if (cur[0]) {
		ret = vfm_pci_unbind(bdf);
		if (ret)
			return ret;
	}
	ret = vfm_sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return ret;
	ret = vfm_pci_driver(bdf, cur, sizeof(cur));
	if (ret)
		return ret;
	if (strcmp(cur, drv)) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind",
			 drv);
		ret = vfm_sysfs_write(path, bdf);
		if (ret)
			return ret;
		ret = vfm_pci_driver(bdf, cur, sizeof(cur));
		if (ret)
			return ret;
	}
	if (strcmp(cur, drv)) {
		vfm_err("bind %s to %s: bound to '%s' instead", bdf, drv, cur);
		return -EIO;
	}
	return 0;
}

const char *vfm_mdev_driver(void)
{
	const char *e = getenv("VFMDEV_MDEV_DRIVER");

	return e && *e ? e : VFM_MDEV_DRIVER;
}

const char *vfm_mdev_type(void)
{
	const char *e = getenv("VFMDEV_MDEV_TYPE");

	return e && *e ? e : VFM_MDEV_TYPE;
}

int vfm_new_uuid(char *uuid, size_t len)
{
	int ret;

	ret = vfm_sysfs_read("/proc/sys/kernel/random/uuid", uuid, len);
	if (ret < 0)
		return ret;
	if (ret != 36) {
		vfm_err("unexpected uuid '%s'", uuid);
		return -EINVAL;
	}
	return 0;
}

int vfm_mdev_create_uuid(const char *parent, const char *type,
			 const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/mdev_supported_types/%s/create",
		 parent, type);
	return vfm_sysfs_write(path, uuid);
}

int vfm_mdev_create(const char *parent, const char *type, char *uuid,
		    size_t len)
{
	int ret = vfm_new_uuid(uuid, len);

	if (ret)
		return ret;
	return vfm_mdev_create_uuid(parent, type, uuid);
}

int vfm_mdev_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return vfm_sysfs_write(path, "1");
}

bool vfm_mdev_exists(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	return vfm_path_exists(path);
}

int vfm_mdev_available(const char *parent, const char *type)
{
	char path[PATH_MAX];
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/mdev_supported_types/%s/available_instances",
		 parent, type);
	ret = vfm_sysfs_read_ulong(path, &v);
	return ret ? ret : (int)v;
}

int vfm_pci_netdev(const char *bdf, char *ifname, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = -ENODEV;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", bdf);
	dir = opendir(path);
	if (!dir) {
		ret = -errno;
		vfm_err("opendir %s (is the igb driver bound?): %s", path,
			strerror(-ret));
		return ret;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(ifname, len, "%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	if (ret)
		vfm_err("%s: no network interface", bdf);
	return ret;
}

int vfm_netdev_up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		vfm_err("socket: %s", strerror(-ret));
		return ret;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ret = -errno;
		vfm_err("SIOCGIFFLAGS %s: %s", ifname, strerror(-ret));
		goto out;
	}
	if (ifr.ifr_flags & IFF_UP)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr)) {
		ret = -errno;
		vfm_err("SIOCSIFFLAGS %s up: %s", ifname, strerror(-ret));
		goto out;
	}
	ret = vfm_netdev_wait_carrier(ifname, 10000);
	/* the PF pings and resets its VFs right after link up: let it */
	usleep(500000);
out:
	close(fd);
	return ret;
}

/* Whether @ifname has a carrier now (a down interface has none). */
static bool vfm_netdev_carrier(const char *ifname)
{
	char path[PATH_MAX];
	unsigned long v = 0;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	vfm_expect_errors(true);
	if (vfm_sysfs_read_ulong(path, &v))
		v = 0;
	vfm_expect_errors(false);
	return v == 1;
}

int vfm_netdev_wait_carrier(const char *ifname, int timeout_ms)
{
	__u64 deadline = vfm_now_ns() + (__u64)timeout_ms * 1000000ULL;

	for (;;) {
		if (vfm_netdev_carrier(ifname))
			return 0;
		if (vfm_now_ns() > deadline)
			break;
		usleep(10000);
	}
	vfm_err("%s: no carrier after %d ms", ifname, timeout_ms);
	return -ENOLINK;
}

/*
 * A PF that has no carrier now (enabling VFs resets an igb PF: it closes
 * and reopens its netdev) is waited for: it answers its VFs' mailboxes
 * again only once its link is back, and right then it pings and resets
 * them.
 */
int vfm_netdev_settle(const char *ifname)
{
	int ret;

	if (vfm_netdev_carrier(ifname))
		return 0;
	ret = vfm_netdev_wait_carrier(ifname, 10000);
	if (!ret)
		usleep(500000);
	return ret;
}

static struct rtattr *vfm_nla_put(struct nlmsghdr *n, size_t cap, int type,
				  const void *data, size_t len)
{
	struct rtattr *rta;
	size_t need = NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(len);

	if (need > cap)
		return NULL;
	rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = need;
	return rta;
}

static void vfm_nla_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (char *)n + n->nlmsg_len - (char *)nest;
}

/* One IFLA_VF_* attribute of VF @vf, set through the PF @ifname. */
static int vfm_pf_set_vf_attr(const char *ifname, int vf, int type,
			      const void *data, size_t dlen, const char *what)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr n;
		char buf[512];
	} req = { 0 }, ans;
	struct rtattr *list, *info;
	struct ifinfomsg *ifi;
	struct nlmsgerr *err;
	unsigned int idx;
	ssize_t len;
	int fd, ret;

	idx = if_nametoindex(ifname);
	if (!idx) {
		ret = -errno;
		vfm_err("if_nametoindex %s: %s", ifname, strerror(-ret));
		return ret;
	}
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	req.n.nlmsg_type = RTM_SETLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.n.nlmsg_seq = 1;
	ifi = NLMSG_DATA(&req.n);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	list = vfm_nla_put(&req.n, sizeof(req), IFLA_VFINFO_LIST, NULL, 0);
	info = vfm_nla_put(&req.n, sizeof(req), IFLA_VF_INFO, NULL, 0);
	if (!list || !info || !vfm_nla_put(&req.n, sizeof(req), type, data, dlen))
		return -E2BIG;
	vfm_nla_end(&req.n, info);
	vfm_nla_end(&req.n, list);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		ret = -errno;
		vfm_err("socket(NETLINK_ROUTE): %s", strerror(-ret));
		return ret;
	}
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		vfm_err("rtnetlink send (set %s vf %d %s): %s", ifname, vf,
			what, strerror(-ret));
		goto out;
	}
	len = recv(fd, &ans, sizeof(ans), 0);
	if (len < 0) {
		ret = -errno;
		vfm_err("rtnetlink recv: %s", strerror(-ret));
		goto out;
	}
	if ((size_t)len < NLMSG_LENGTH(sizeof(*err)) ||
	    ans.n.nlmsg_type != NLMSG_ERROR) {
		vfm_err("rtnetlink: unexpected answer type %u",
			ans.n.nlmsg_type);
		ret = -EPROTO;
		goto out;
	}
	err = NLMSG_DATA(&ans.n);
	ret = err->error;
	if (ret)
		vfm_err("set %s vf %d %s: %s", ifname, vf, what,
			strerror(-ret));
out:
	close(fd);
	return ret;
}

int vfm_pf_set_vf_mac(const char *ifname, int vf, const __u8 mac[6])
{
	struct ifla_vf_mac vmac = { .vf = vf };
	char what[32];

	memcpy(vmac.mac, mac, 6);
	snprintf(what, sizeof(what), "mac %02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return vfm_pf_set_vf_attr(ifname, vf, IFLA_VF_MAC, &vmac,
				  sizeof(vmac), what);
}

int vfm_pf_set_vf_spoofchk(const char *ifname, int vf, bool on)
{
	struct ifla_vf_spoofchk sc = { .vf = vf, .setting = on };

	return vfm_pf_set_vf_attr(ifname, vf, IFLA_VF_SPOOFCHK, &sc,
				  sizeof(sc), on ? "spoofchk on" :
				  "spoofchk off");
}

bool vfm_module_loaded(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return vfm_path_exists(path);
}

int vfm_module_remove(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		int e = errno;

		vfm_err("delete_module(%s): %s", name, strerror(e));
		return -e;
	}
	return 0;
}

int vfm_module_insert(const char *path)
{
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		vfm_err("open %s: %s", path, strerror(e));
		return -e;
	}
	if (syscall(SYS_finit_module, fd, "", 0)) {
		e = errno;
		close(fd);
		vfm_err("finit_module(%s): %s", path, strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

void vfm_module_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("VFMDEV_MODULE_DIR");

	snprintf(path, len, "%s/%s.ko", dir && *dir ? dir : VFM_MODULE_DIR,
		 name);
}

int vfm_kmsg(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd, n, e;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		vfm_err("open /dev/kmsg: %s", strerror(e));
		return -e;
	}
	if (write(fd, line, strlen(line)) < 0) {
		e = errno;
		close(fd);
		vfm_err("write /dev/kmsg: %s", strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

int vfm_kmsg_watch_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		vfm_err("open /dev/kmsg: %s", strerror(e));
		return -e;
	}
	if (lseek(fd, 0, SEEK_END) < 0) {
		int e = errno;

		vfm_err("lseek /dev/kmsg: %s", strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

static bool vfm_kmsg_is_fault(const char *m)
{
	return (strstr(m, "DMAR:") && strstr(m, "fault")) ||
	       strstr(m, "AMD-Vi: Event") || strstr(m, "IO_PAGE_FAULT");
}

static bool vfm_kmsg_is_splat(const char *m)
{
	static const char * const pat[] = {
		"WARNING:", "BUG:", "Oops", "general protection fault",
		"KASAN:", "UBSAN:", "refcount_t:", "list_add corruption",
		"list_del corruption", "kernel BUG", "Call Trace:",
		"possible recursive locking", "circular locking dependency",
		"sleeping function called from invalid context",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pat); i++)
		if (strstr(m, pat[i]))
			return true;
	return false;
}

int vfm_kmsg_scan(int fd, struct vfm_kmsg_report *r)
{
	char rec[1024];

	memset(r, 0, sizeof(*r));
	if (fd < 0)
		return -EBADF;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* records overwritten: go on */
			if (errno == EAGAIN)
				break;
			n = -errno;
			vfm_err("read /dev/kmsg: %s", strerror(-n));
			return (int)n;
		}
		if (!n)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (strstr(msg, "vfmdev-test:"))
			continue;
		if (vfm_kmsg_is_fault(msg)) {
			if (!r->iommu_faults++)
				snprintf(r->first_fault, sizeof(r->first_fault),
					 "%.*s", (int)strcspn(msg, "\n"), msg);
		} else if (vfm_kmsg_is_splat(msg)) {
			if (!r->splats++)
				snprintf(r->first_splat, sizeof(r->first_splat),
					 "%.*s", (int)strcspn(msg, "\n"), msg);
		}
	}
	return 0;
}

const char *vfm_mdev_unavailable(void)
{
	static char why[256];
	const char *drv = vfm_mdev_driver();

	if (!vfm_path_exists("/sys/class/mdev_bus") &&
	    !vfm_path_exists("/sys/bus/mdev")) {
		snprintf(why, sizeof(why), "mdev core not loaded");
		return why;
	}
	if (!vfm_module_loaded(drv) && !vfm_driver_loaded(drv)) {
		snprintf(why, sizeof(why), "%s not loaded", drv);
		return why;
	}
	return NULL;
}
