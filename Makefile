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
bench: build
	ATLAS_MAIN=org.featureatlas.bench.GenerateBench $(ATLAS) --tokens 16384 --skip-bare
	ATLAS_MAIN=org.featureatlas.bench.GenerateBench $(ATLAS) --tokens 65536
	$(MAKE) bench-render

clean:
	rm -rf target site-out/*

# Render benchmark: 24,576 synthetic features -> pages/s, median feature page size (raw, gzip), site size.
# BENCH_RENDER_ARGS="1000 /tmp/work" renders fewer features and keeps the work directory.
bench-render:
	$(MVN) -q package -DskipTests
	java -Xmx6g -Datlas.home=$(CURDIR) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp "target/atlas.jar:target/lib/*" org.featureatlas.bench.RenderBench $(BENCH_RENDER_ARGS)
