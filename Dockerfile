# The gateway's image: `docker build -t tiktok-insights-gateway .`, then
# `docker run -p 4000:4000 -e KEYAPI_API_KEY=... tiktok-insights-gateway`.
# No RUN --mount: the file builds with BuildKit and with the legacy builder alike.

ARG NODE_IMAGE=node:20-bookworm-slim

# Every dependency, for the TypeScript build; a layer that changes only with the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only. Install scripts are skipped: nothing the gateway runs needs one.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root, so the process can read its code but never change it.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# GraphiQL's files, cut now into the directory the gateway serves them from (prepare-assets.js,
# at the path graphiqlAssetLocation() names), so a read-only root filesystem serves GraphiQL too.
RUN node --input-type=module -e "import { graphiqlAssetLocation, prepareGraphiQLAssets } from './dist/server/graphiql/asset-files.js'; await prepareGraphiQLAssets(graphiqlAssetLocation().directory);"

USER node
# GraphQL, /health and /ready; Prometheus /metrics.
EXPOSE 4000 9464
# Slim images have no curl: node asks /health itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/health`).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: the base image's docker-entrypoint.sh execs this, so node is PID 1 and gets SIGTERM
# itself (main.ts drains on it). No tini: the only child the gateway ever starts (prepare-assets,
# already run above) is awaited by node, so no orphan is left for PID 1 to reap.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/main.js"]
