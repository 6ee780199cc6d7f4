#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcpstate loads, creates /proc/tcpstate with mode 0444 and unloads again.
. "$(dirname "$0")/lib.sh"

dmesg_mark
module_loaded && unload_module
load_module
check "tcpstate is listed in /proc/modules" module_loaded
check "$PROC exists" [ -f $PROC ]
mode=$(stat -c %a $PROC)
check "$PROC has mode 0444 (is $mode)" [ "$mode" = 444 ]
check "$PROC is readable" cat $PROC
unload_module
check "tcpstate is gone from /proc/modules" eval '! module_loaded'
check "$PROC is gone" [ ! -e $PROC ]
load_module
unload_module
dmesg_check
