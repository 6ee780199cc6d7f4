# SPDX-License-Identifier: GPL-2.0
# tcpstate: passive TCP endpoint state tracker.
#
#   make           build module/tcpstate.ko against Debian's 6.1 headers,
#                  and tools/tcpstatectl
#   make tools     build tools/tcpstatectl only
#   make ynl-check validate the netlink spec against the uapi header
#   make kunit     KUnit suites under UML
#   make kunit-debug  the same under KASAN, lockdep, debugobjects and UBSAN
#   make vmtest    end-to-end scenarios in a qemu VM
#   make check     checkpatch, sparse, kunit(-debug), vmtest; "N passed, N failed"
#   make demo      boot the VM, make traffic and a SYN flood, show counters
#   make bench     tcpstate against conntrack under UML, 3 boots
#                  (Documentation/performance.rst)
#   make check-6.12  make check against kernel 6.12 (scripts/setup
#                  --kernel-6.12 installs it first)
#   make install   the module for $(KVER) into /lib/modules/$(KVER)/updates
#                  (then depmod), tcpstatectl, the man pages and an example
#                  /etc/sysctl.d/50-tcpstate.conf; DESTDIR, PREFIX
#                  (/usr/local) honoured. make uninstall removes them.
#
# KVER= or KDIR= select another kernel.

KVER ?= $(shell scripts/kver)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

.PHONY: all module tools ynl-check setup sparse kunit kunit-debug vmtest check
.PHONY: demo bench clean
.PHONY: check-6.12 install uninstall

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

kunit-debug: setup
	scripts/kunit --debug

vmtest: module tools
	scripts/vmtest

check: setup
	scripts/check

demo: module
	scripts/demo

bench: setup
	scripts/bench

# The whole check with a second kernel: the build, sparse and the VM
# scenarios run against 6.12 (KUnit is the same UML kernel).
check-6.12:
	@scripts/setup --kernel-6.12
	@k=$$(scripts/kver 6.12) && KVER=$$k KDIR=/lib/modules/$$k/build scripts/check

PREFIX ?= /usr/local
MODDIR ?= /lib/modules/$(KVER)/updates
SYSCTLDIR ?= /etc/sysctl.d
MAN8 := $(wildcard Documentation/*.8)
SYSCTL_EXAMPLE := Documentation/sysctl.d/50-tcpstate.conf

# An existing sysctl file is the administrator's: it is left alone.
install: module tools
	install -D -m 0644 module/tcpstate.ko $(DESTDIR)$(MODDIR)/tcpstate.ko
	install -D -m 0755 tools/tcpstatectl/tcpstatectl \
		$(DESTDIR)$(PREFIX)/sbin/tcpstatectl
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	$(if $(MAN8),install -m 0644 $(MAN8) $(DESTDIR)$(PREFIX)/share/man/man8/)
	@f=$(DESTDIR)$(SYSCTLDIR)/50-tcpstate.conf; \
	if [ -e "$$f" ]; then echo "install: keeping $$f"; \
	else echo "install -D -m 0644 $(SYSCTL_EXAMPLE) $$f"; \
		install -D -m 0644 $(SYSCTL_EXAMPLE) "$$f"; fi
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/tcpstate.ko $(DESTDIR)$(PREFIX)/sbin/tcpstatectl
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man8/,$(notdir $(MAN8)))
	@f=$(DESTDIR)$(SYSCTLDIR)/50-tcpstate.conf; \
	if cmp -s $(SYSCTL_EXAMPLE) "$$f"; then rm -f "$$f"; \
	elif [ -e "$$f" ]; then echo "uninstall: $$f was changed, keeping it"; fi
	$(if $(DESTDIR),,depmod -a $(KVER))

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/tcpstatectl clean
