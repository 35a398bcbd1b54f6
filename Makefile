# kratos-tui: build, run and test. On a fresh machine:
#   make run    local Kratos + backend + the client (TUI on a terminal)
#   make test   vet + race tests against a real Kratos v1.3.1
SHELL := /bin/bash
GO ?= go
KRATOS_VERSION := v1.3.1
BIN := $(CURDIR)/.bin
KRATOS := $(BIN)/kratos
HYDRA_VERSION := v2.3.0
HYDRA := $(BIN)/hydra
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.Version=$(VERSION)

.PHONY: all build kratos hydra run up down install test vet bench reliability fuzz clean

all: build

## build: the client, the backend and the dev stack into .bin/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...

## kratos: build Ory Kratos $(KRATOS_VERSION) from the Go module proxy (SQLite) into .bin/kratos
kratos: $(KRATOS)

# The build says what it does, that it happens once, and how long it took;
# a line every 30s says it is still going.
$(KRATOS):
	@mkdir -p $(BIN)
	@echo "kratos: building Ory Kratos $(KRATOS_VERSION) into $(KRATOS) (once: about 3-4 minutes on 2 cores; later runs reuse it)"
	@start=$$(date +%s); \
	echo "kratos: [1/2] downloading github.com/ory/kratos@$(KRATOS_VERSION) and its modules"; \
	$(GO) mod download github.com/ory/kratos@$(KRATOS_VERSION) || exit 1; \
	echo "kratos: [2/2] compiling with SQLite (cgo)"; \
	( while sleep 30 </dev/null >/dev/null 2>&1; do echo "kratos:   still compiling, $$(( $$(date +%s) - start ))s so far"; done ) & ticker=$$!; \
	trap 'kill $$ticker 2>/dev/null' EXIT; \
	cd "$$($(GO) env GOMODCACHE)/github.com/ory/kratos@$(KRATOS_VERSION)" && \
		CGO_ENABLED=1 $(GO) build -tags sqlite \
		-ldflags "-X github.com/ory/kratos/driver/config.Version=$(KRATOS_VERSION)" \
		-o $(KRATOS).tmp . && mv $(KRATOS).tmp $(KRATOS) || exit 1; \
	echo "kratos: built $(KRATOS) in $$(( $$(date +%s) - start ))s"

## hydra: build Ory Hydra $(HYDRA_VERSION) from the Go module proxy (SQLite) into .bin/hydra: the OpenID
## Connect provider of the social sign-in tests. Its module zip lacks the folder its go.mod replaces
## hydra-client-go with, so it is built from a copy with that replace dropped.
hydra: $(HYDRA)

$(HYDRA):
	@mkdir -p $(BIN)
	@echo "hydra: building Ory Hydra $(HYDRA_VERSION) into $(HYDRA) (once: about 1-3 minutes on 2 cores after Kratos; later runs reuse it)"
	@start=$$(date +%s); \
	echo "hydra: [1/3] downloading github.com/ory/hydra/v2@$(HYDRA_VERSION)"; \
	$(GO) mod download github.com/ory/hydra/v2@$(HYDRA_VERSION) || exit 1; \
	src="$$($(GO) env GOMODCACHE)/github.com/ory/hydra/v2@$(HYDRA_VERSION)"; \
	tmp=$$(mktemp -d) || exit 1; \
	( while sleep 30 </dev/null >/dev/null 2>&1; do echo "hydra:   still building, $$(( $$(date +%s) - start ))s so far"; done ) & ticker=$$!; \
	trap 'kill $$ticker 2>/dev/null; rm -rf "$$tmp"' EXIT; \
	echo "hydra: [2/3] copying the module and dropping its replace of hydra-client-go (the folder is not in the zip)"; \
	cp -r "$$src/." "$$tmp" && chmod -R u+w "$$tmp" && \
	( cd "$$tmp" && $(GO) mod edit -dropreplace github.com/ory/hydra-client-go/v2 ) || exit 1; \
	echo "hydra: [3/3] compiling with SQLite (cgo)"; \
	( cd "$$tmp" && GOFLAGS=-mod=mod CGO_ENABLED=1 $(GO) build -tags sqlite \
		-ldflags "-X github.com/ory/hydra/v2/driver/config.Version=$(HYDRA_VERSION)" \
		-o $(HYDRA).tmp . ) && mv $(HYDRA).tmp $(HYDRA) || exit 1; \
	echo "hydra: built $(HYDRA) in $$(( $$(date +%s) - start ))s"

## run: start a local Kratos, the backend and the mail sink on loopback, run the client against them,
## stop them on exit. ARGS go to the client, except kratos-tui-dev's own flags (--fresh, --free-ports).
run: kratos build
	$(BIN)/kratos-tui-dev $(ARGS)

## up: start the stack in the background (state, logs, pid and the client's env file in .run/)
up: kratos build
	$(BIN)/kratos-tui-dev --up $(ARGS)

## down: stop the stack started by make up
down:
	@if [ -x $(BIN)/kratos-tui-dev ]; then $(BIN)/kratos-tui-dev --down; else echo "nothing to stop: no $(BIN)/kratos-tui-dev"; fi

## install: install the client (kratos-tui) into $(go env GOBIN), else $(go env GOPATH)/bin
install:
	$(GO) install -ldflags "$(LDFLAGS)" ./cmd/kratos-tui
	@dir=$$($(GO) env GOBIN); [ -n "$$dir" ] || dir=$$($(GO) env GOPATH)/bin; \
	echo "installed $$dir/kratos-tui"; \
	case ":$$PATH:" in *":$$dir:"*) ;; *) echo "note: $$dir is not on PATH: export PATH=\"$$dir:\$$PATH\"";; esac

## vet: gofmt check and go vet
vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

## test: vet, then every test with the race detector against a real Kratos, and a real Hydra for social
## sign-in (both required: no skipping),
## then the mutation test of offline replay (-tags mutation: deliberate breaks of the adapter and machine),
## then the short reliability report (figures of those tests, each fuzz target for 5s)
test: kratos hydra vet
	@reldir=$$(mktemp -d) && trap 'rm -rf "$$reldir"' EXIT && \
	KRATOS_TUI_RELIABILITY_DIR=$$reldir KRATOS_REQUIRED=1 KRATOS_BIN=$(KRATOS) HYDRA_BIN=$(HYDRA) $(GO) test -race -count=1 -timeout 15m ./... && \
	KRATOS_REQUIRED=1 KRATOS_BIN=$(KRATOS) $(GO) test -race -count=1 -tags mutation -run '^TestMutation$$' ./fsm/replay && \
	$(GO) run ./cmd/kratos-tui-reliability -dir "$$reldir" -fuzztime 5s

## reliability: the reliability report: fault, crash, secret and load tests, each fuzz target for 15s
reliability: kratos hydra
	KRATOS_REQUIRED=1 KRATOS_BIN=$(KRATOS) $(GO) run ./cmd/kratos-tui-reliability -run-tests -fuzztime 15s

## fuzz: every fuzz target for 60s, with the report
fuzz:
	$(GO) run ./cmd/kratos-tui-reliability -fuzztime 60s -require fuzz

## bench: the benchmark report (table, then one JSON line)
bench: kratos build
	KRATOS_REQUIRED=1 KRATOS_BIN=$(KRATOS) $(GO) run ./cmd/kratos-tui-bench

clean:
	rm -rf $(BIN) .run
