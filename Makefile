# SPDX-License-Identifier: GPL-2.0
# tcpstate: passive TCP endpoint state tracker.
#
#   make           build module/tcpstate.ko against Debian's 6.1 headers
#   make kunit     KUnit suites under UML
#   make vmtest    end-to-end scenarios in a qemu VM
#   make check     checkpatch, sparse, kunit and vmtest; "N passed, N failed"
#   make demo      boot the VM, make traffic and a SYN flood, show counters
#
# KVER= or KDIR= select another kernel.

KVER ?= $(shell scripts/kver)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

.PHONY: all module setup kunit vmtest check demo clean

all: module

setup:
	@scripts/setup

module: setup
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

sparse: setup
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

kunit: setup
	scripts/kunit

vmtest: module
	scripts/vmtest

check: setup
	scripts/check

demo: module
	scripts/demo

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
