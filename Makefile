# Feature Atlas. `make site` builds the demo atlas; `make test` runs every test.
MVN ?= mvn -B
ATLAS = ./atlas

.PHONY: build test unit site preview bench clean

build:
	$(MVN) -q package -DskipTests

test:
	$(MVN) verify

unit:
	$(MVN) test

clean:
	rm -rf target site-out/*
