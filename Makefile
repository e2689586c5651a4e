# SPDX-License-Identifier: GPL-2.0
#
# vfmdev: VF-as-mdev VFIO drivers (out-of-tree Linux 6.12 modules).
#
#   make            build the modules against the 6.12 kernel of the rig
#   make deps       install everything (Debian packages, kernel helpers)
#   make check      W=1 -Werror + sparse (C=2) + checkpatch --strict
#   make selftests  build the test programs into selftests/build/
#   make test       all of it, then every test in the QEMU rig
#   make test-hw    the hardware suite on this host (82599/X710 VFs)
#   make install    build and install the modules under updates/ of KDIR's
#                   kernel, and the modprobe.d fragment (DESTDIR= for a
#                   staging root); make uninstall takes them away
#   make demo       the user flow, in the QEMU rig
#   make bench      benchmark programs in the QEMU rig (Debian's kernel,
#                   then the DMA-logging figures on the debug kernel)
#   make soak       test programs over and over in the rig (its stability)
#   make shell      a shell in the QEMU rig, set up as for the tests
#   make clean
#
# KDIR=<kbuild tree> builds against another kernel; make test runs every test
# on Debian's kernel and on the debug kernel (RIG_KERNELS="stock debug", the
# default; RIG_KERNELS=stock for Debian's only; see README).

ifneq ($(KERNELRELEASE),)
# kbuild reads this file only when there is no top-level Kbuild.
$(error vfmdev: no top-level Kbuild file)
else

VFMDEV_CACHE ?= /var/cache/vfmdev
export VFMDEV_CACHE
KENV := $(VFMDEV_CACHE)/kernel.env
# kernel.env is shell syntax (written by scripts/deps.sh); read it with sh.
kenv = $(shell [ -f $(KENV) ] && . $(KENV) && echo $$$(1))
KREL ?= $(call kenv,KREL)
KVER ?= $(call kenv,KVER)
KDIR ?= /usr/src/linux-headers-$(KREL)
KSFT_DIR ?= $(VFMDEV_CACHE)/ksrc-$(KVER)/tools/testing/selftests

.PHONY: all modules deps check selftests test test-hw demo bench soak shell clean \
	install uninstall

all: modules

modules:
	@[ -d "$(KDIR)" ] && [ -n "$(KREL)$(filter command line,$(origin KDIR))" ] || \
		{ echo "no kernel tree '$(KDIR)': run 'make deps' (or pass KDIR=)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	bash scripts/deps.sh

# make install: for those who do not use DKMS (dkms.conf). kbuild's
# modules_install puts the modules in $(DESTDIR)/lib/modules/<release of
# KDIR>/updates/drivers/<module>/ (compressed as that kernel's configuration
# says; not signed: a distribution's headers carry no signing key, DKMS
# signs with its own), then depmod; the load order goes to
# /etc/modprobe.d/vfmdev.conf. The version is the one in VERSION, as for
# DKMS.
VFMDEV_VERSION := $(shell cat $(CURDIR)/VERSION 2>/dev/null)
VFMDEV_MODS := vf_mdev igbvf_mdev ixgbevf_mdev i40e_mdev
install_krel = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

install: modules
	@[ -n "$(install_krel)" ] || { echo "no kernel release in $(KDIR)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	install -D -m 0644 modprobe-vfmdev.conf $(DESTDIR)/etc/modprobe.d/vfmdev.conf
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(install_krel)
	@echo "vfmdev $(VFMDEV_VERSION) installed for $(install_krel)$(if $(DESTDIR), in $(DESTDIR))"

uninstall:
	@[ -n "$(install_krel)" ] || { echo "no kernel release in $(KDIR)"; exit 1; }
	cd $(DESTDIR)/lib/modules/$(install_krel) && for m in $(VFMDEV_MODS); do \
		rm -f updates/drivers/$$m/$$m.ko*; \
		[ ! -d updates/drivers/$$m ] || rmdir -p --ignore-fail-on-non-empty updates/drivers/$$m; \
	done
	rm -f $(DESTDIR)/etc/modprobe.d/vfmdev.conf
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(install_krel)

check:
	bash scripts/check.sh all

selftests:
	@if [ -f selftests/Makefile ]; then \
		$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) KDIR=$(KDIR) KREL=$(KREL); \
	else \
		echo "selftests: no selftests/Makefile yet"; \
	fi

test:
	bash scripts/test.sh

test-hw:
	bash scripts/test-hw.sh

demo:
	bash scripts/run-job.sh demo

# make bench: every benchmark on Debian's kernel, then on the debug kernel
# the ones with DMA-logging figures (DMA logging needs CONFIG_IOMMUFD_DRIVER,
# which only the debug kernel has; its KASAN and lockdep make its absolute
# times incomparable, its ratios are what counts).  BENCH_KERNELS=stock skips
# the debug boot; RIG_KERNEL=<name> runs every benchmark on that kernel only.
BENCH_KERNELS ?= stock debug
BENCH_DEBUG_PROGS ?= bench_doorbell,bench_doorbell_rx,bench_migration

bench:
ifneq ($(RIG_KERNEL),)
	bash scripts/run-job.sh bench
else
	@rc=0; for k in $(BENCH_KERNELS); do \
		p="$(BENCH_PROGS)"; \
		[ "$$k" != debug ] || p="$${p:-$(BENCH_DEBUG_PROGS)}"; \
		RIG_KERNEL=$$k BENCH_PROGS="$$p" bash scripts/run-job.sh bench || rc=1; \
	done; exit $$rc
endif

soak:
	bash scripts/run-job.sh soak

shell:
	bash scripts/run-job.sh shell

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@if [ -f selftests/Makefile ]; then $(MAKE) -C selftests clean; fi
	rm -rf out results

endif
