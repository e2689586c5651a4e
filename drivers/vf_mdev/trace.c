// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the tracepoints' definitions (trace.h declares them; every
 * other file includes trace.h without CREATE_TRACE_POINTS).
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
