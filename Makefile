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
#   make demo       the user flow, in the QEMU rig
#   make bench      benchmark programs in the QEMU rig
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

.PHONY: all modules deps check selftests test test-hw demo bench soak shell clean

all: modules

modules:
	@[ -d "$(KDIR)" ] && [ -n "$(KREL)$(filter command line,$(origin KDIR))" ] || \
		{ echo "no kernel tree '$(KDIR)': run 'make deps' (or pass KDIR=)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	bash scripts/deps.sh

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

bench:
	bash scripts/run-job.sh bench

soak:
	bash scripts/run-job.sh soak

shell:
	bash scripts/run-job.sh shell

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@if [ -f selftests/Makefile ]; then $(MAKE) -C selftests clean; fi
	rm -rf out results

endif
