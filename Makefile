# Escalation: the two commands a fresh machine needs are `make demo` and `make test`.
SWIFT ?= swift
SCENARIO ?= Scenarios/taji-2020.yaml
SEED ?= 1

.PHONY: deps build release test test-cluster test-web serve demo bench golden calibrate sbc hindcast fuzz teaching-answers clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product escalation

# Unit, statistical and end-to-end tests, the replay of every input fuzzing ever caught, the
# JSON Schema check of every bundled scenario, then docs/batches.md's DuckDB line into Parquet
# (skipped with a note if DuckDB does not install from PyPI). The README's tour and the teaching guide run
# word for word with the release binary, as a reader runs them.
test: deps
	$(SWIFT) build -c release --product escalation
	$(SWIFT) build --build-tests
	ESCALATION_GUIDE_BIN=.build/release $(SWIFT) test --skip-build
	.build/debug/escalation-fuzz Tests/fuzz-corpus
	python3 scripts/check_schema.py docs/scenario.schema.json Scenarios
	scripts/test-parquet .build/release/escalation

# A one-node Slurm on loopback (installed with apt-get where missing, started in a temporary
# folder, stopped at the end): a sharded batch submitted as `batch --plan slurm` writes it, the
# merge chained after it, compared byte for byte with the whole batch; then a task requeued
# mid-run, resumed, and compared again. About a minute on 2 cores.
test-cluster: release
	scripts/test-cluster .build/release/escalation

# The classroom in a browser (see docs/teaching.md): http://127.0.0.1:8080/ by default;
# PORT, HOST and DATA (the SQLite folder) can be set, e.g. `make serve HOST=0.0.0.0`.
PORT ?= 8080
HOST ?= 127.0.0.1
DATA ?= classroom-data
serve: deps
	$(SWIFT) build -c release --product escalation-serve
	.build/release/escalation-serve --host $(HOST) --port $(PORT) --data $(DATA)

# The classroom tested as people use it: headless Chromium driven by Selenium (installed where
# missing), then 30 students at once on loopback (errors must be 0; prints the 95th percentile).
# It uses the debug build `make test` has made (the simulator's modules are optimised there too),
# so CI compiles the web framework once.
test-web: deps
	$(SWIFT) build --product escalation
	$(SWIFT) build --product escalation-serve
	scripts/test-web .build/debug

# A batch of the flagship scenario: the outcome table on the terminal, the per-run CSV, summary
# and manifest under out/. (`escalation run` tells one run as a story; see the README.)
RUNS ?= 10000
demo: release
	@mkdir -p out
	.build/release/escalation batch $(SCENARIO) --runs $(RUNS) --seed $(SEED) \
		--out out/taji-runs.csv --summary out/taji-summary.csv
	@.build/release/escalation report out/taji-runs.csv --out out/taji-report.html --quiet
	@echo "Per-run CSV, summary and manifest: out/taji-runs.csv, out/taji-summary.csv, out/taji-runs.manifest.json"
	@echo "The report with charts (open in any browser): out/taji-report.html"
	@echo "One run told as a story: .build/release/escalation run $(SCENARIO) --seed 7"

# The documented scenarios' posteriors, fitted to the record by simulation (Scenarios/params/),
# and the descriptive Hawkes fit of the record. Deterministic: the same record gives the same bytes.
calibrate: release
	.build/release/escalation calibrate Scenarios/withdrawal-2011.yaml --out Scenarios/params/withdrawal-2011.csv --quiet
	.build/release/escalation calibrate Scenarios/taji-2020.yaml --out Scenarios/params/taji-2020.csv --quiet
	.build/release/escalation fit-hawkes --out Scenarios/params/fitted.yaml > /dev/null

# Simulation-based calibration on the 2011 scenario: ranks of the truth and coverage of the 90%
# intervals over 100 synthetic records, 500 particles each (about 15 minutes on 2 cores;
# docs/calibration.md quotes its output).
sbc: release
	.build/release/escalation sbc Scenarios/withdrawal-2011.yaml --sets 100 --particles 500 --seed 1

# Out-of-sample hindcasts of the three documented episodes against a no-reciprocity baseline.
hindcast: release
	.build/release/escalation hindcast Scenarios/withdrawal-2011.yaml Scenarios/soleimani-2020.yaml Scenarios/taji-2020.yaml

# Fuzzing for FUZZ_SECONDS (libFuzzer on the loader and engine, then the command line); see
# docs/limits.md. Anything it catches is saved under Tests/fuzz-corpus/ and replayed by make test.
FUZZ_SECONDS ?= 60
fuzz: release
	$(SWIFT) build -c release --build-path .build/fuzz --product escalation-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
	scripts/fuzz $(FUZZ_SECONDS)

# The engine's speed on one thread against its peers, in one run (about 5 minutes on 2 cores):
# the toy model and the flagship, engine alone and batch to CSV; the toy by hand in C on GSL and
# in Swift (the same draws, so their event counts must equal the engine's, or the bench fails),
# and in SimPy (installed in a venv under .build; skipped with a note if it cannot be); the flagship's CSV
# read back by merge, report and --resume against batch writing it; the ratios the batch issue
# sets targets for; then instructions per event under callgrind (skipped without valgrind).
BENCH_VENV ?= .build/bench-venv
bench: deps
	$(SWIFT) build -c release --product escalation-bench
	$(SWIFT) build -c release --product escalation
	@mkdir -p .build/peers
	cc -O2 -ISources/CXoshiro/include -o .build/peers/toy-gsl bench/peers/toy_gsl.c Sources/CXoshiro/xoshiro_gsl.c -lgsl -lgslcblas -lm
	@$(BENCH_VENV)/bin/python -c 'import simpy' 2>/dev/null || { python3 -m venv $(BENCH_VENV) \
		&& $(BENCH_VENV)/bin/pip install -q simpy; } \
		|| echo "bench: could not install SimPy in $(BENCH_VENV); the bench skips it"
	BENCH_PYTHON=$(BENCH_VENV)/bin/python .build/release/escalation-bench .
	bench/callgrind .build/release/escalation-bench .build/peers/toy-gsl .

# Rewrites the golden narrative the end-to-end test compares against (after a deliberate
# change to the flagship scenario or the narrative).
golden: build
	.build/debug/escalation run Scenarios/taji-2020.yaml --seed 1 > Tests/Golden/taji-2020-seed1.txt
	.build/debug/escalation run Scenarios/taji-2020.yaml --seed 1 --explain > Tests/Golden/taji-2020-seed1-explain.txt

# The teacher's answer key: every command of docs/teaching.md run as written, and the lines each
# exercise asks for kept (the test suite checks the key against what the commands print).
teaching-answers: release
	python3 scripts/run-guide answers docs/teaching.md --bin .build/release > docs/teaching-answers.md.tmp
	mv docs/teaching-answers.md.tmp docs/teaching-answers.md

clean:
	rm -rf .build
