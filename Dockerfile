# syntax=docker/dockerfile:1
# Node 22 LTS (package.json `engines` gives the minimum the code needs: 20.15, for zlib.crc32).
# Build: the same steps as the README (npm ci, which also builds through `prepare`), then drop dev dependencies
# (pino-pretty among them: the image logs JSON). Only src/ and commands/ are built (tsconfig.build.json); bench/ and
# test/ are never copied into the build stage, so neither can enter the image.
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY bin ./bin
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Runtime: production dependencies (better-sqlite3 already compiled above), the build and the catalog.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CATALOG_PATH=/app/catalog/catalog.json \
    DATABASE_PATH=/app/data/paperbot.db \
    BUNDLE_DIR=/app/data/bundle \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --chown=node:node data/catalog.json ./catalog/catalog.json
COPY --chown=node:node data/relevance-seeds.json ./catalog/relevance-seeds.json
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
# /healthz answers 200 while the bot runs (503 when its database fails); slim has no curl, node does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/src/healthcheck.js"]
# `npm start` runs exactly this; calling node directly lets it receive SIGTERM itself.
CMD ["node", "dist/src/main.js"]
