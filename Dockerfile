# The sparkplane operator image (the Helm chart's default image: ghcr.io/sparkplane/sparkplane:<appVersion>).
#   docker build -t ghcr.io/sparkplane/sparkplane:0.1.0 .
# Build: npm ci (compiles with tsc), then drop the dev dependencies. Run: distroless Node 20, no shell, no
# package manager, uid 65532; nothing is written outside /tmp, so readOnlyRootFilesystem works.
# Base images are pinned by tag; pin them by digest (@sha256:...) for reproducible production builds.

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json biome.json ./
COPY bin ./bin
COPY src ./src
COPY test ./test
COPY bench ./bench
# Tests and their helpers are compiled with the rest; they never ship.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund \
  && find dist/src \( -name '*.test.js' -o -name '*.test-helpers.js' \) -delete

FROM gcr.io/distroless/nodejs20-debian12:nonroot
LABEL io.sparkplane.image.repository="ghcr.io/sparkplane/sparkplane"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/node_modules ./node_modules
USER 65532:65532
EXPOSE 8080
# Flags follow as the container's args (the chart's Deployment sets them).
ENTRYPOINT ["/nodejs/bin/node", "--optimize-for-size", "bin/sparkplane.js", "operator"]
