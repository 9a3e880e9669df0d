# The reverse proxy for deploy/compose.yaml: Debian's nginx with the config rendered from deploy/nginx.conf.template.
# Build context: the repository root (compose: context "..", dockerfile deploy/proxy.Dockerfile).

# Stage 1: render the config for the compose backends (the same renderer and template as deploy/run_local.py).
FROM python:3.12-slim AS render
ARG BACKENDS=app1:8501,app2:8501
WORKDIR /render
COPY deploy/render_nginx.py deploy/nginx.conf.template ./
RUN python render_nginx.py --backends "${BACKENDS}" --listen 8080 --access-log /dev/stdout \
      --worker-processes auto --user www-data -o /render/nginx.conf

# Stage 2: nginx from Debian 12 (bookworm), foreground, prefix /var/lib/nginx/ (temp files and the static cache).
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=render /render/nginx.conf /etc/nginx/chokepoint.conf
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/_stcore/health || exit 1
STOPSIGNAL SIGTERM
CMD ["nginx", "-p", "/var/lib/nginx/", "-c", "/etc/nginx/chokepoint.conf", "-e", "stderr"]
