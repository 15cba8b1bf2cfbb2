# rulec - Falco rules compiled ahead of time into one eBPF object.
#
#   make          build build/rulec
#   make test     install missing Debian packages (as root), build, run every test
#   make run      build, compile stdlib-rules, run the runtime until Ctrl-C
#   make bench    benchmarks (root); rewrites BENCHMARKS.md
#   make install  PREFIX=/usr/local DESTDIR=
#
# Sources are found by directory, so adding a file to a module needs no edit here.

CC      ?= gcc
CLANG   ?= clang
BUILD   ?= build
PREFIX  ?= /usr/local

PKGS := build-essential clang llvm bison flex libyaml-dev libbpf-dev libelf-dev zlib1g-dev \
        libcmocka-dev libjson-c-dev libpcre2-dev libssl-dev libclang-rt-14-dev bpftool bpftrace jq \
        libmicrohttpd-dev curl libcurl4-openssl-dev openssl strace clang-format libnghttp2-dev docker.io \
        busybox-static

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I. -I$(BUILD)/gen -MMD -MP
# libcrypto is not linked: compile, sign and inspect load it (core/crypto.c); `rulec run` checks
# its policy in a short-lived child (runtime/verify.c) and never maps it. Nor is libmicrohttpd
# (and GnuTLS behind it): the k8s audit webhook loads it when it starts (runtime/audit_webhook.c),
# so a run without one never maps them; the webserver (runtime/webserver.c) shares that loader
# (runtime/mhd.c). Nor is libnghttp2: `rulec run` loads it when it first asks a CRI runtime
# (runtime/http.c). Nor is libcurl (with its TLS, LDAP and SSH libraries, 6 MB resident): only
# http_output loads it (runtime/output_http.c); its headers come from libcurl4-openssl-dev.
LDLIBS  := -lyaml -lbpf -lelf -lz -ljson-c -lpcre2-8

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Modules, bottom-up. Arrows point down: runtime never includes compiler.
CORE_SRC     := $(wildcard core/*.c)
GRAMMAR_GEN  := $(BUILD)/gen/grammar/parser.c $(BUILD)/gen/grammar/lexer.c
GRAMMAR_SRC  := $(wildcard grammar/*.c)
COMPILER_SRC := $(wildcard compiler/*.c)
RUNTIME_SRC  := $(wildcard runtime/*.c)
CLI_SRC      := $(wildcard cli/*.c)
LIB_SRC      := $(CORE_SRC) $(GRAMMAR_SRC) $(COMPILER_SRC) $(RUNTIME_SRC)

# Embedded kernel-side sources (the BPF headers codegen writes against), one of them generated:
# the syscall numbers of core/evttypes.def (tools/nr_header.c).
NR_GEN       := $(BUILD)/gen/rulec_nr.h
EMBED_SRC    := $(wildcard compiler/bpf/*.h) core/rulec_abi.h $(NR_GEN)
EMBED_GEN    := $(BUILD)/gen/embedded_bpf.c

objs = $(patsubst %.c,$(2)/%.o,$(1))

LIB_OBJ      := $(call objs,$(LIB_SRC),$(BUILD)/obj) $(call objs,$(GRAMMAR_GEN) $(EMBED_GEN),$(BUILD)/obj)
CLI_OBJ      := $(call objs,$(CLI_SRC),$(BUILD)/obj)
SAN_LIB_OBJ  := $(call objs,$(LIB_SRC),$(BUILD)/san) $(call objs,$(GRAMMAR_GEN) $(EMBED_GEN),$(BUILD)/san)
SAN_CLI_OBJ  := $(call objs,$(CLI_SRC),$(BUILD)/san)

UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BIN     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

.PHONY: all test unit cli diff fuzz kernel e2e upstream run bench install deps clean format check-format
all: $(BUILD)/rulec

# ---- generated sources ------------------------------------------------------
$(BUILD)/gen/grammar/parser.c $(BUILD)/gen/grammar/parser.h &: grammar/parser.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --defines=$(BUILD)/gen/grammar/parser.h -o $(BUILD)/gen/grammar/parser.c $<

$(BUILD)/gen/grammar/lexer.c $(BUILD)/gen/grammar/lexer.h &: grammar/lexer.l $(BUILD)/gen/grammar/parser.h
	@mkdir -p $(dir $@)
	flex --header-file=$(BUILD)/gen/grammar/lexer.h -o $(BUILD)/gen/grammar/lexer.c $<

$(BUILD)/tools/nr_header: tools/nr_header.c core/evttypes.def
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -I. -o $@ $<

$(NR_GEN): $(BUILD)/tools/nr_header
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@

$(EMBED_GEN): $(EMBED_SRC) tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh $(EMBED_SRC) > $@.tmp && mv $@.tmp $@

# Generated C is not held to -Wextra's unused-function rules.
GEN_CFLAGS := -Wno-unused-function -Wno-sign-compare -Wno-unused-but-set-variable

$(BUILD)/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GEN_CFLAGS) -c $< -o $@
$(BUILD)/san/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GEN_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c | $(GRAMMAR_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/san/%.o: %.c | $(GRAMMAR_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/librulec.a: $(LIB_OBJ)
	ar rcs $@ $^
$(BUILD)/librulec-san.a: $(SAN_LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/rulec: $(CLI_OBJ) $(BUILD)/librulec.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
# The sanitized binary drives the end-to-end tests.
$(BUILD)/rulec-san: $(SAN_CLI_OBJ) $(BUILD)/librulec-san.a
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# ---- tests -------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c tests/unit/test_util.h $(BUILD)/librulec-san.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< $(BUILD)/librulec-san.a $(LDLIBS) -lcmocka

# libFuzzer targets: clang, sanitizers, the library sources compiled again.
FUZZ_LIB_SRC := $(CORE_SRC) $(GRAMMAR_SRC) $(COMPILER_SRC) $(GRAMMAR_GEN) $(EMBED_GEN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 -I. -I$(BUILD)/gen -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -Wno-unused-function -o $@ $< $(FUZZ_LIB_SRC) -lyaml -ljson-c -lpcre2-8 -lbpf -lelf -lz -lcrypto

deps:
	@sh tools/install-deps.sh $(PKGS)

FUZZ_SECONDS ?= 20
unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)
fuzz: $(FUZZ_BIN)
	@sh tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
$(BUILD)/rulec-actor: tests/e2e/actor.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

# A stand-in Docker API for the container metadata tests and benchmark.
$(BUILD)/rulec-fakedocker: tests/e2e/fakedocker.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $< -lpthread

# Creates CRI pods and containers as a kubelet would, with rulec's own gRPC client.
$(BUILD)/rulec-cri: tests/e2e/cri.c $(BUILD)/librulec.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/librulec.a $(LDLIBS)

$(BUILD)/rulec-load: tests/e2e/load.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

# A POST sink for the http_output tests.
$(BUILD)/rulec-postsink: tests/e2e/postsink.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

# bench's load generator: its flood mode drives tests/e2e/test_overload.sh.
$(BUILD)/rulec-loadgen: bench/loadgen.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

e2e: $(BUILD)/rulec $(BUILD)/rulec-san $(BUILD)/rulec-actor $(BUILD)/rulec-load $(BUILD)/rulec-loadgen \
     $(BUILD)/rulec-fakedocker $(BUILD)/rulec-cri $(BUILD)/rulec-postsink
	@sh tests/e2e/run.sh $(BUILD)

# Differential test: generated kernel predicates (compiled natively) against
# the interpreter, 100,000 generated events per ruleset.
diff:
	@sh tests/diff/run.sh $(BUILD)

cli: $(BUILD)/rulec-san
	@bash tests/cli/run.sh $(BUILD)

# The kernel extractor test needs root like e2e: a skip (77) fails CI.
kernel: $(NR_GEN)
	@sh tests/kernel/run.sh $(BUILD); rc=$$?; \
	if [ $$rc -eq 77 ]; then \
	    echo "kernel: SKIPPED: needs root"; [ "$${RULEC_REQUIRE_ROOT_TESTS:-0}" != 1 ]; \
	else exit $$rc; fi

# Needs the upstream Falco rules files (RULEC_UPSTREAM_DIR, RULEC_K8S_AUDIT_RULES); not part of CI.
upstream: $(BUILD)/rulec
	@sh tests/upstream/run.sh $(BUILD)
	@bash tests/upstream/k8saudit.sh $(BUILD)

test: deps
	$(MAKE) check-format
	$(MAKE) all $(BUILD)/rulec-san
	$(MAKE) unit
	$(MAKE) cli
	$(MAKE) diff
	$(MAKE) fuzz
	$(MAKE) kernel
	$(MAKE) e2e

run: deps
	$(MAKE) $(BUILD)/rulec
	$(BUILD)/rulec compile stdlib-rules/*.yaml -o $(BUILD)/stdlib.bpf.o
	$(BUILD)/rulec run $(BUILD)/stdlib.bpf.o

bench: $(BUILD)/rulec
	@sh bench/run.sh $(BUILD)

install: $(BUILD)/rulec
	install -D -m 0755 $(BUILD)/rulec $(DESTDIR)$(PREFIX)/bin/rulec
	install -D -m 0644 packaging/rulec.1 $(DESTDIR)$(PREFIX)/share/man/man1/rulec.1
	install -D -m 0644 packaging/rulec.service $(DESTDIR)$(PREFIX)/lib/systemd/system/rulec.service
	install -D -m 0644 packaging/rulec.yaml $(DESTDIR)/etc/rulec/rulec.yaml.example
	install -D -m 0644 packaging/rulec.logrotate $(DESTDIR)/etc/logrotate.d/rulec
	install -d $(DESTDIR)$(PREFIX)/share/rulec/stdlib-rules
	install -m 0644 stdlib-rules/*.yaml $(DESTDIR)$(PREFIX)/share/rulec/stdlib-rules/

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')
check-format:
	clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
