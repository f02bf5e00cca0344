# syntax=docker/dockerfile:1
# The mock server as a container image:
#   docker build -t mock-server .
#   docker run --rm -p 4010:4010 mock-server [--provider NAME] [--api-key KEY]...
#   docker run --rm -p 4010:4010 -v "$PWD/openapi:/specs:ro" mock-server --spec /specs
# The binary embeds the vendored APIs; your own documents are read from a
# mounted directory (or file) with --spec. The image holds nothing else. It
# listens on MOCK_SERVER_ADDR (0.0.0.0:4010 here; change the port there, not
# with --addr, so the health check follows).

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
# Cache mounts keep downloaded crates and compiled dependencies between builds;
# the binary is copied out because the target directory is not in the layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p mock-server \
    && cp target/release/mock-server /mock-server

# glibc and libgcc, nothing more (no shell); runs as uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /mock-server /usr/local/bin/mock-server
ENV MOCK_SERVER_ADDR=0.0.0.0:4010
EXPOSE 4010
USER nonroot
# No curl in the image: the binary asks GET /__mock/health itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/mock-server", "--check-health"]
ENTRYPOINT ["/usr/local/bin/mock-server"]
