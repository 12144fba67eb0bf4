# Pathway: built once, run by plain Node as an unprivileged user (docs/deployment.md).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 PATHWAY_DATA_DIR=/data
WORKDIR /app
# The build and what it runs with: the bundles, the web app, package.json (the version), the
# translations the server reads (src/web/i18n) and the production packages.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src ./src
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/bin ./bin
RUN useradd --system --uid 10001 --home-dir /nonexistent pathway && mkdir -p /data && chown pathway /data
USER pathway
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"
# The Node flags bound the JavaScript heap (src/server/node-flags.ts, docs/deployment.md).
CMD ["node", "--max-old-space-size=1024", "--max-semi-space-size=8", "dist/server/main.js"]
