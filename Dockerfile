# The campaign worker and the web console (docker-compose.yml builds it; the web service runs web/main.ts). Needs a Temporal cluster and an SMTP server:
#   TEMPORAL_ADDRESS (and the other TEMPORAL_* settings of client/connection.ts), SMTP_URL.
# Node 24 (LTS until April 2028): Node 20 reached end of life on 2026-04-30. The code also runs on Node 20.
FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

# The web service prints the official documents with Debian's Chromium in TrueType CJK fonts (web/documents/).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-arphic-uming fonts-lxgw-wenkai \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that code changes do not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit && npm cache clean --force

COPY . .

USER node
ENV TEMPORAL_ADDRESS=temporal:7233 \
    SMTP_URL=smtp://mailpit:1025
CMD ["npx", "tsx", "worker/main.ts"]
