# Makefile: the README's two commands, `make demo` and `make check`, plus
# bench and fuzz.  Meson + Ninja do the building; this file only installs
# what is missing, configures and runs.
#
#   make check              install deps, build, run every test suite
#   make check SANITIZE=1   the same under ASan + UBSan (build-asan/)
#   make check VALGRIND=1   the same under valgrind memcheck
#   make demo               build and run rampart on the bundled example
#   make bench              release build, run every bench/ program, write
#                           docs/performance.md (the dashboard)
#   make fuzz FUZZ_SECONDS=N  run every libFuzzer target for N seconds each
#                             (FUZZ_CLOCK=cpu: N seconds of CPU time each)
#   WERROR=1                build with -Werror (CI does)

BUILD ?= build
MESON_OPTS ?=
MESON_TEST_OPTS ?=
FUZZ_SECONDS ?= 60

ifeq ($(SANITIZE),1)
BUILD := build-asan
MESON_OPTS += -Db_sanitize=address,undefined -Db_lundef=false
endif
ifeq ($(VALGRIND),1)
BUILD := build-valgrind
MESON_TEST_OPTS += --setup=valgrind
endif
ifeq ($(WERROR),1)
MESON_OPTS += -Dwerror=true
endif

RAMPART = $(BUILD)/src/cli/rampart

.PHONY: all deps build check demo bench fuzz clean format

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@if [ -f $(BUILD)/build.ninja ]; then \
		meson configure $(BUILD) $(MESON_OPTS) >/dev/null; \
	else \
		meson setup $(BUILD) $(MESON_OPTS); \
	fi
	@meson compile -C $(BUILD)

check: build
	@rc=0; meson test -C $(BUILD) --print-errorlogs --num-processes 2 $(MESON_TEST_OPTS) >$(BUILD)/meson-test.out 2>&1 || rc=$$?; \
	tail -n 25 $(BUILD)/meson-test.out; \
	python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog$(if $(filter 1,$(VALGRIND)),-valgrind,).json || rc=1; \
	exit $$rc

demo: build
	@sh scripts/demo.sh $(RAMPART)

bench: deps
	@if [ -f build-release/build.ninja ]; then :; else meson setup build-release --buildtype=release; fi
	@meson compile -C build-release
	@{ sh bench/run.sh build-release 2>&1; echo $$? >build-release/bench.rc; } | tee build-release/bench.log
	@python3 bench/dashboard.py build-release/bench.log docs/performance.md && echo "bench: wrote docs/performance.md"
	@exit $$(cat build-release/bench.rc)

fuzz: deps
	@if [ -f build-fuzz/build.ninja ]; then :; else CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false; fi
	@meson compile -C build-fuzz
	@FUZZ_CLOCK=$(FUZZ_CLOCK) sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-valgrind build-release build-fuzz
