#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfmdev rig job "demo": scripts/guest/demo.sh, shown live on the host.
. /vfmdev/guest/lib.sh

run_prog demo "$(cmdline_arg vfmdev.tmo || echo 300)" /vfmdev/guest/demo.sh
