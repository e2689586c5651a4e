#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "dkms": the modules DKMS built and installed on the host
# (scripts/dkms-test.sh, in a scratch root named by vfmdev.dkmsroot=) are
# the ones this boot runs. Before anything else is loaded, the host's
# modprobe (chroot /host) loads them from that root with its modprobe.d
# fragment, as on an operator's machine (dkms-load.sh); then the usual
# setup, whose loads of vfmdev's modules find them loaded; then
# mdev_lifecycle on them. The image has no in-tree build of vfmdev.
. /vfmdev/guest/lib.sh

tmo=$(cmdline_arg vfmdev.tmo || echo 300)
run_prog modprobe "$tmo" /vfmdev/guest/dkms-load.sh
run_prog setup "$tmo" /vfmdev/guest/setup.sh
set -a
. /run/vfmdev.env
set +a
run_prog mdev_lifecycle "$tmo" /vfmdev/tests/mdev_lifecycle
