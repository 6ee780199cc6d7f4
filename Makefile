# SPDX-License-Identifier: GPL-2.0
# tcpstate: passive TCP endpoint state tracker.
#
#   make           build module/tcpstate.ko against Debian's 6.1 headers,
#                  and tools/tcpstatectl
#   make tools     build tools/tcpstatectl only
#   make ynl-check validate the netlink spec against the uapi header
#   make kunit     KUnit suites under UML
#   make vmtest    end-to-end scenarios in a qemu VM
#   make check     checkpatch, sparse, kunit and vmtest; "N passed, N failed"
#   make demo      boot the VM, make traffic and a SYN flood, show counters
#   make bench     tcpstate against conntrack under UML, 3 boots
#                  (Documentation/performance.rst)
#
# KVER= or KDIR= select another kernel.

KVER ?= $(shell scripts/kver)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

.PHONY: all module tools ynl-check setup sparse kunit vmtest check demo bench clean

all: module tools

setup:
	@scripts/setup

# Installs packages (scripts/setup) only when the kernel headers are missing.
module: $(if $(wildcard $(KDIR)/Makefile),,setup)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/tcpstatectl

ynl-check: setup
	scripts/ynl-check

sparse: setup
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

kunit: setup
	scripts/kunit

vmtest: module tools
	scripts/vmtest

check: setup
	scripts/check

demo: module
	scripts/demo

bench: setup
	scripts/bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/tcpstatectl clean
