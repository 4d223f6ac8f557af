# syntax=docker/dockerfile:1
# Holdfast as a container: the same `npm run build` as on a laptop, then only the binary on a small glibc base.

# ---- build: install the pinned toolchain (Bun comes from npm) and compile dist/holdfast ----
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && ./dist/holdfast --version \
 && mkdir -p -m 700 /empty-data

# ---- runtime: glibc and nothing else (no shell, no package manager), as a non-root user ----
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=build /src/dist/holdfast /usr/local/bin/holdfast
# An empty /data owned by the non-root user, so a fresh named volume starts out writable by it, and 0700
# (it holds the signing secrets), which a fresh named volume copies.
COPY --from=build --chown=65532:65532 --chmod=700 /empty-data /data
USER 65532:65532
ENV HOLDFAST_DATA_DIR=/data \
    PORT=3000 \
    HOST=0.0.0.0
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/holdfast","health"]
ENTRYPOINT ["/usr/local/bin/holdfast"]
CMD ["serve"]
