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

clean:
	rm -rf target site-out/*

# Render benchmark: 24,576 synthetic features -> pages/s, median feature page size (raw, gzip), site size.
# BENCH_RENDER_ARGS="1000 /tmp/work" renders fewer features and keeps the work directory.
bench-render:
	$(MVN) -q package -DskipTests
	java -Xmx6g -Datlas.home=$(CURDIR) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp "target/atlas.jar:target/lib/*" org.featureatlas.bench.RenderBench $(BENCH_RENDER_ARGS)
