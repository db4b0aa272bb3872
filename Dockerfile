# One image recipe for all six services: docker build --build-arg APP=gateway -t circulate-gateway .
FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
ARG APP
RUN test -n "$APP" && NX_DAEMON=false npx nx build "$APP" --output-style=static

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production APP=${APP}
WORKDIR /app
# The build writes a pruned package.json and lockfile next to the bundle: install only those.
COPY --from=build /repo/dist/apps/${APP}/ ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
USER node
EXPOSE 3000
CMD ["node", "main.js"]
