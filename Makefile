# sockact: one plain, non-recursive GNU Makefile.
#
#   make            build build/sockactd, build/sockactl and build/libsockact.a
#   make run        build, then sockactd in the foreground on units/
#   make check      build and run every test
#   make check-sanitize   the same suite built with -fsanitize=address,undefined
#   make fuzz-smoke  each libFuzzer target (fuzz/) for a minute; make fuzz: for FUZZ_TIME seconds each
#   make install    PREFIX=/usr/local DESTDIR= : binaries, libsockact (header, pkg-config), man pages, units
#   make deps       install the Debian packages the build and the tests need (as root)
#   make man        regenerate the directive lists in the man pages from the directive table
#   make bench      sockactd's Accept=yes spawning against its peers, ~6 min (bench/README.md)
#   make bench-quick  the same with fewer connections, in under a minute
#
# Warnings are errors when CI is set (as CI does) or with WERROR=1.

VERSION := 0.1.0

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config

# Debian packages behind each pkg-config module, named in the error a missing one gives.
DEB_libsystemd := libsystemd-dev
DEB_inih       := libinih-dev
DEB_check      := check
DEB_TOOLS      := make gcc pkg-config
DEB_PACKAGES   := $(DEB_TOOLS) $(DEB_libsystemd) $(DEB_inih) $(DEB_check) systemd gunicorn dbus-daemon \
                  clang libclang-rt-14-dev

NO_DEPS_GOALS := deps clean help
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
  NEED_MODULES := libsystemd inih $(if $(filter check check-sanitize test%,$(MAKECMDGOALS)),check)
  MISSING := $(shell for m in $(NEED_MODULES); do $(PKG_CONFIG) --exists $$m 2>/dev/null || echo $$m; done)
  ifneq ($(MISSING),)
    $(error missing $(MISSING): install the Debian packages $(foreach m,$(MISSING),$(DEB_$(m))) $(if $(shell command -v $(PKG_CONFIG)),,pkg-config) (or run 'sudo make deps'))
  endif
endif

WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wmissing-declarations -Wpointer-arith -Wwrite-strings -Wundef -Wvla \
            -Wimplicit-fallthrough -Wold-style-definition -Wnested-externs
ifneq ($(CI)$(WERROR),)
  WARNINGS += -Werror
endif

CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DSOCKACT_VERSION='"$(VERSION)"' -Ilib
ALL_CFLAGS = -std=gnu11 $(WARNINGS) -fno-strict-aliasing -fstack-protector-strong $(CFLAGS) $(SANITIZE_FLAGS)

ifdef SANITIZE
  SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PKG_CFLAGS     := $(shell $(PKG_CONFIG) --cflags libsystemd inih 2>/dev/null)
PKG_LIBS       := $(shell $(PKG_CONFIG) --libs libsystemd inih 2>/dev/null)
CHECK_CFLAGS    = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS      = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_SRC      := $(sort $(wildcard lib/*.c))
SOCKACTL_SRC := daemon/sockactl.c daemon/offline.c
SOCKACTD_SRC := $(filter-out daemon/sockactl.c,$(sort $(wildcard daemon/*.c)))
TEST_SRC     := $(sort $(wildcard tests/*.c))
# Small programs the tests start and look at from the inside (tests/programs/NAME.c).
TEST_PROGRAMS := $(patsubst tests/programs/%.c,$(BUILD)/tests/programs/%,$(sort $(wildcard tests/programs/*.c)))
# Every tests/test-NAME.c defines "Suite *NAME_suite(void)"; the runner finds them by file name.
TEST_SUITES  := $(subst -,_,$(patsubst tests/test-%.c,%,$(filter tests/test-%.c,$(TEST_SRC))))

LIB_OBJ      := $(LIB_SRC:%.c=$(BUILD)/%.o)
SOCKACTD_OBJ := $(SOCKACTD_SRC:%.c=$(BUILD)/%.o)
SOCKACTL_OBJ := $(SOCKACTL_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ     := $(TEST_SRC:%.c=$(BUILD)/%.o)
# The daemon's own files, less its main(), so that tests can reach them too.
DAEMON_CORE_OBJ := $(filter-out $(BUILD)/daemon/main.o,$(SOCKACTD_OBJ))

LIBSOCKACT := $(BUILD)/libsockact.a
SOCKACTD   := $(BUILD)/sockactd
SOCKACTL   := $(BUILD)/sockactl
TEST_RUNNER := $(BUILD)/tests/run-tests
GEN_MAN    := $(BUILD)/gen-man

MAN_PAGES := $(sort $(wildcard man/*.[1-8]))

.PHONY: all run check check-sanitize check-pkgconfig install deps clean man check-man help
.DELETE_ON_ERROR:

EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(sort $(wildcard examples/*.c)))

all: $(SOCKACTD) $(SOCKACTL) $(LIBSOCKACT) $(EXAMPLES)

help:
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(BUILD)/tests -I. $(ALL_CFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/suites.h: Makefile $(TEST_SRC)
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach s,$(TEST_SUITES),'SUITE($(s))') > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(LIBSOCKACT): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SOCKACTD): $(SOCKACTD_OBJ) $(LIBSOCKACT)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SOCKACTL): $(SOCKACTL_OBJ) $(LIBSOCKACT)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(TEST_RUNNER): $(TEST_OBJ) $(DAEMON_CORE_OBJ) $(LIBSOCKACT)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/examples/%: examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

$(BUILD)/tests/programs/%: tests/programs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

$(GEN_MAN): $(BUILD)/tools/gen-man.o $(LIBSOCKACT)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# The tests run from the top of the tree (fixtures are found as tests/units/...),
# and find the binaries they drive through these variables.
check: all $(TEST_RUNNER) $(TEST_PROGRAMS) $(GEN_MAN) check-pkgconfig
	$(GEN_MAN) --check $(MAN_PAGES)
	SOCKACTD=$(SOCKACTD) SOCKACTL=$(SOCKACTL) TEST_PROGRAMS=$(BUILD)/tests/programs EXAMPLES=$(BUILD)/examples \
	        $(TEST_RUNNER)

# The installed header, library and pkg-config file build a program outside the tree.
check-pkgconfig: all
	@rm -rf $(BUILD)/pkgconfig-test
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(BUILD))/pkgconfig-test PREFIX=/usr >/dev/null
	PKG_CONFIG_PATH=$(BUILD)/pkgconfig-test/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(abspath $(BUILD))/pkgconfig-test \
	        sh -c '$(CC) -Wall -Werror $(SANITIZE_FLAGS) tests/pkgconfig/consumer.c -o $(BUILD)/pkgconfig-test/consumer \
	               $$($(PKG_CONFIG) --cflags --libs libsockact)'
	$(BUILD)/pkgconfig-test/consumer $(BUILD)/pkgconfig-test/nothing-here

check-sanitize:
	@$(MAKE) --no-print-directory BUILD=build/sanitize SANITIZE=1 check

# Fuzzing with libFuzzer: each fuzz/fuzz-NAME.c is a target, built by clang with its own copy of
# libsockact in build/fuzz. The corpus grows in build/fuzz/corpus/NAME from the seeds fuzz/seed makes
# out of the test fixtures; the inputs that once crashed a target, in fuzz/regressions/NAME, run
# first. A crash is written to build/fuzz/crashes/ and fails the run.
FUZZ_CC         ?= clang
FUZZ_BUILD      := build/fuzz
FUZZ_TARGETS    := $(patsubst fuzz/fuzz-%.c,%,$(sort $(wildcard fuzz/fuzz-*.c)))
FUZZ_SANITIZE   := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TIME       ?= 1800
FUZZ_SMOKE_TIME ?= 60
FUZZ_ARGS       := -rss_limit_mb=2048 -timeout=10 -print_final_stats=1

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SANITIZE_FLAGS='$(FUZZ_SANITIZE)' \
	        $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz-%)
	@sh fuzz/seed $(FUZZ_BUILD)/seeds

$(BUILD)/fuzz/fuzz-%: fuzz/fuzz-%.c $(LIBSOCKACT)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(LIBSOCKACT) $(PKG_LIBS)

# Each target for FUZZ_TIME seconds (make fuzz FUZZ_TIME=86400 for a day), or FUZZ_SMOKE_TIME (CI).
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do sh fuzz/run $$t $(FUZZ_TIME) $(FUZZ_ARGS) || exit 1; done

fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do sh fuzz/run $$t $(FUZZ_SMOKE_TIME) $(FUZZ_ARGS) || exit 1; done

man: $(GEN_MAN)
	$(GEN_MAN) --update $(MAN_PAGES)

# The example units name the installed hello-http; the copy that "make run" uses names the build's.
# units/systemd/sockactd.service is systemd's unit for sockactd itself, not an example.
EXAMPLE_UNITS := $(sort $(wildcard units/*.socket units/*.service))

run: all
	@rm -rf $(BUILD)/run && mkdir -p $(BUILD)/run/units
	@for f in $(EXAMPLE_UNITS); do \
	        sed -e 's|/usr/local/libexec/sockact/|$(abspath $(BUILD))/examples/|' \
	            -e 's|%t/|$(abspath $(BUILD))/run/|' $$f > $(BUILD)/run/units/$${f##*/}; \
	done
	$(SOCKACTD) --unit-dir $(BUILD)/run/units --runtime-dir $(abspath $(BUILD))/run --log-target stderr

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	           $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	           $(DESTDIR)$(PREFIX)/share/sockact/units $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0755 $(SOCKACTD) $(DESTDIR)$(PREFIX)/sbin/sockactd
	install -m 0755 $(SOCKACTL) $(DESTDIR)$(PREFIX)/bin/sockactl
	install -m 0644 $(LIBSOCKACT) $(DESTDIR)$(PREFIX)/lib/libsockact.a
	install -m 0644 lib/sockact.h $(DESTDIR)$(PREFIX)/include/sockact.h
	@# libsockact's public part is lib/sockact.h; what it calls needs nothing but libc
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	        'Name: libsockact' 'Description: Fetch and store the fds that sockactd holds' \
	        'Version: $(VERSION)' 'Libs: -L$${libdir} -lsockact' 'Cflags: -I$${includedir}' \
	        > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libsockact.pc
	install -d $(DESTDIR)$(PREFIX)/libexec/sockact
	install -m 0755 $(EXAMPLES) $(DESTDIR)$(PREFIX)/libexec/sockact/
	for f in $(EXAMPLE_UNITS); do \
	        sed 's|/usr/local/libexec/sockact/|$(PREFIX)/libexec/sockact/|' $$f > $(DESTDIR)$(PREFIX)/share/sockact/units/$${f##*/}; \
	done
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' units/systemd/sockactd.service \
	        > $(DESTDIR)$(PREFIX)/lib/systemd/system/sockactd.service
	for page in $(MAN_PAGES); do \
	        section=$${page##*.}; \
	        install -d $(DESTDIR)$(PREFIX)/share/man/man$$section; \
	        install -m 0644 $$page $(DESTDIR)$(PREFIX)/share/man/man$$section/; \
	done

deps:
	apt-get install -y $(DEB_PACKAGES)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(SOCKACTD_OBJ:.o=.d) $(SOCKACTL_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# ---- bench: inetd-style spawning by sockactd and its peers, side by side (bench/README.md) ----
# "make bench-deps" once as root; then "make bench" (at most 15 minutes) or "make bench-quick".
# xinetd conflicts with openbsd-inetd in Debian (both are inet-superserver): it is unpacked under
# $(BUILD)/bench/xinetd, not installed, and bench/run finds it there.
BENCH_PROGRAMS := $(BUILD)/bench/load $(BUILD)/bench/handler $(BUILD)/bench/spawn

.PHONY: bench bench-quick bench-deps bench-programs

bench-programs: $(SOCKACTD) $(BENCH_PROGRAMS)

$(BUILD)/bench/%: bench/%.c bench/stats.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

bench: bench-programs
	bench/run --build $(BUILD)

bench-quick: bench-programs
	bench/run --build $(BUILD) --quick

bench-deps:
	apt-get install -y openbsd-inetd ucspi-tcp libwrap0 libtirpc3
	rm -rf $(BUILD)/bench/xinetd && mkdir -p $(BUILD)/bench/xinetd
	cd $(BUILD)/bench/xinetd && apt-get download xinetd && dpkg-deb -x xinetd_*.deb root
