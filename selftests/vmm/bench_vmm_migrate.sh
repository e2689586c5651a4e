#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench_vmm_migrate: QEMU 10's live migration of a running nested guest
# (L2) from one mdev to another and back, then the same with a virtio-net
# NIC instead (the alternative users would pick): downtime, time from the
# source's stop to the destination running, total time, the mdev's share
# of the downtime, the guest's ping gap, and the mdev/virtio ratios, as
# "bench: name=value unit" lines. The work is vmm_qemu's (--bench, see
# selftests/vmm/vmm_qemu.sh). A nested guest needs two vCPUs: make bench
# runs this in its second, two-vCPU boot (job vmm), and in the one-vCPU
# boot it says so and does nothing.
exec "$(dirname "$0")/vmm_qemu" --bench
