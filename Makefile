# Thin wrapper over scripts/install.sh (which needs only bash and coreutils).
# make install DESTDIR=/tmp/stage PREFIX=/usr PLUGIN_SO=path/to/libfalco_triage.so
DESTDIR ?=
PREFIX ?= /usr
SYSCONFDIR ?= /etc
PLUGIN_SO ?= target/release/libfalco_triage.so
export DESTDIR PREFIX SYSCONFDIR PLUGIN_SO

.PHONY: build install install-cli uninstall

build:
	cargo build --release

install:
	bash scripts/install.sh install

install-cli:
	bash scripts/install.sh install-cli

uninstall:
	bash scripts/install.sh uninstall
