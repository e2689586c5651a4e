#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "shell": set up, then an interactive shell on the console
# (scripts/rig.sh --job shell connects the console to the terminal).
. /vfmdev/guest/lib.sh

run_prog setup 300 /vfmdev/guest/setup.sh > /dev/null
set -a
. /run/vfmdev.env
set +a
echo "vfmdev rig shell: PF $VFMDEV_PF, VFs $VFMDEV_VFS; 'exit' powers off"
setsid cttyhack sh -l
