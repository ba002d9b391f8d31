# Thin wrapper over CMake. `make` builds, `make run` runs the sensor with the
# default config, `make test` installs what is missing and runs every test.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CONFIG ?= config/ringtap.yaml
CMAKE_FLAGS ?=

.PHONY: all build run test test-asan test-valgrind cluster-test deps deps-build bench clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

deps:
	scripts/install-deps.sh test

deps-build:
	scripts/install-deps.sh build

# Runs as root (BPF); stop with Ctrl-C for the summary line.
run: deps-build
	$(MAKE) build
	$(BUILD)/ringtap run --config $(CONFIG)

# Every test: the full suite (BPF as root, Kafka broker, chart), then the
# unit and replay tests again under ASan/UBSan and under valgrind.
test: deps
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j 1
	$(MAKE) test-asan
	$(MAKE) test-valgrind

test-asan:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DRINGTAP_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L 'unit|replay|bpf'

test-valgrind: build
	cd $(BUILD) && ctest --output-on-failure -L unit \
	  --overwrite MemoryCheckCommand=/usr/bin/valgrind \
	  --overwrite MemoryCheckCommandOptions="--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no" \
	  -T memcheck

# The real-Kubernetes tests alone (also part of `make test`): builds the cluster's
# binaries and images on first use (cached in /var/cache/ringtap/cluster), starts a
# single-node cluster, helm-installs the chart, tears it all down.
cluster-test: deps
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -L cluster

# Issue 15 table: ringtap against Falco (when shared/peers has it) in one
# interleaved run, per-type BPF cost, userspace Ir per stage, network tax;
# the Kafka spool's idle cost and drain rate (issue 9; needs Kafka via Maven).
# Reports go to $(BUILD)/bench/*.md, the plot to docs/benchmarks-peer.png.
bench: build
	PLOT=docs/benchmarks-peer.png bench/peer_tax.sh >$(BUILD)/bench/peer_tax.md; rc=$$?; cat $(BUILD)/bench/peer_tax.md; exit $$rc
	bench/type_cost.sh >$(BUILD)/bench/type_cost.md; rc=$$?; cat $(BUILD)/bench/type_cost.md; exit $$rc
	bench/userspace_cost.sh >$(BUILD)/bench/userspace_cost.md; rc=$$?; cat $(BUILD)/bench/userspace_cost.md; exit $$rc
	bench/replay_rate.sh >$(BUILD)/bench/replay_rate.md; rc=$$?; cat $(BUILD)/bench/replay_rate.md; exit $$rc
	bench/net_tax.sh >$(BUILD)/bench/net_tax.md; rc=$$?; cat $(BUILD)/bench/net_tax.md; exit $$rc
	bench/kafka_spool.sh 100000 5 >$(BUILD)/bench/kafka_spool.md; rc=$$?; cat $(BUILD)/bench/kafka_spool.md; exit $$rc
	bench/kafka_live.sh >$(BUILD)/bench/kafka_live.md; rc=$$?; cat $(BUILD)/bench/kafka_live.md; [ $$rc = 77 ] || exit $$rc

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
