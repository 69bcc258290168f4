# syntax=docker/dockerfile:1
# The claimline API: built with the full toolchain, run with production dependencies only.
# docker-compose.yml runs it against EventStoreDB; on its own it uses the embedded SQLite store.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
# The full image has python3, make and g++: better-sqlite3 may compile from source here.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
# Exactly the committed lockfile, as .ci/run installs it.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    CLAIMLINE_DATA_DIR=/data
WORKDIR /app
# package.json maps #domain etc. to dist/; nest-cli.json marks the root the app finds its files from.
COPY --from=build /app/package.json /app/nest-cli.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY apps/api/public ./apps/api/public
COPY seeds ./seeds
# Read models (and, with the SQLite store, the event log and generated API keys) live in /data.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
