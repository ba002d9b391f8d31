# ringtap image: build with the same scripts CI uses, run on bookworm-slim.
#
#   docker build -t ringtap .
#
# The build stage generates vmlinux.h from the build host's BTF
# (/sys/kernel/btf/vmlinux, visible in a build container on a kernel with
# BTF); elsewhere pass a header: --build-arg CMAKE_FLAGS=-DRINGTAP_VMLINUX_H=/src/vmlinux.h
# CO-RE makes the result portable to other kernels either way.

FROM debian:bookworm AS build
WORKDIR /src
# Install first, from the script alone, so the layer survives source edits.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*
COPY . .
ARG CMAKE_FLAGS=""
# `make build` is the target CI's `make test` builds with; tests are not
# built into the image.
RUN make build BUILD=/build JOBS="$(nproc)" \
        CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Release -DRINGTAP_TESTS=OFF ${CMAKE_FLAGS}" \
    && /build/ringtap version \
    && mkdir -p /src/config

FROM debian:bookworm-slim AS runtime
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh
COPY --from=build /build/ringtap /usr/local/bin/ringtap
COPY --from=build /src/config/ /etc/ringtap/
# root, but not privileged: the chart drops every capability and adds back
# BPF, PERFMON and NET_ADMIN only (docs/kubernetes.md; no DAC_READ_SEARCH).
USER 0
ENTRYPOINT ["/usr/local/bin/ringtap"]
CMD ["run", "--config", "/etc/ringtap/ringtap.yaml"]
