# The triage plugin as an image for Kubernetes: an init container copies the library into
# the Falco pod (see falco-rules/helm/values-triage.yaml).
#
#   docker build -t REGISTRY/falco-triage-plugin:0.1.0 .
#
# Stage one builds the plugin on Debian bookworm (glibc 2.36, so the library loads in Falco's
# Debian 12 and Wolfi images) and stages the kit with scripts/install.sh, the same layout as
# `sudo scripts/install.sh install`. Stage two is busybox (the init container needs `cp`)
# plus those three files:
#   /usr/share/falco/plugins/libfalco_triage.so
#   /etc/falco/rules.d/triage_rules.yaml
#   /etc/falco/config.d/triage.yaml

ARG RUST_IMAGE=rust:1.94-slim-bookworm

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# --lib: the cdylib only (the falco-triage command line is not in the image).
RUN cargo build --release --locked --lib \
    && DESTDIR=/stage PLUGIN_SO=/src/target/release/libfalco_triage.so \
       bash scripts/install.sh install

FROM busybox:1.37
LABEL org.opencontainers.image.title="falco-triage-plugin" \
      org.opencontainers.image.description="The falco-triage Falco plugin (libfalco_triage.so), its rules and its config drop-in"
COPY --from=build /stage/ /
