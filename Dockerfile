# Loan Engine container image.
#
# Targets (the default, last stage, is `api`):
#   api     the API alone: what ECS runs behind the ALB while the web app ships to S3 + CloudFront
#   bundle  the API plus the built web app, served at / (WEB_DIST): the single-container topology
#   web     nginx with the built web app and the CloudFront routing, for the local compose stack only
#
#   docker build -t loan-engine:local .                    (or: make image, which also works with podman)
#   docker build --target bundle -t loan-engine:bundle .
#
# Migrations never run when a container starts: run `loan-engine db upgrade` as a one-off task first.

# Pinned by tag and multi-platform digest; override with --build-arg BASE_IMAGE=... (make image does, with a
# local Debian base, on machines that cannot reach a registry). The Dockerfile needs from its base only
# `python3` with the venv module, and apt.
ARG BASE_IMAGE=docker.io/library/python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
ARG NGINX_IMAGE=docker.io/library/nginx:1.28-alpine

# ---------------------------------------------------------------------------------------------------------
# deps: a virtualenv with the dependencies, from the hash-locked requirements.
FROM ${BASE_IMAGE} AS deps
# Empty in normal builds. Behind a TLS-inspecting proxy, mount its CA bundle into the build and name it here
# (scripts/image.sh does: --volume <ca>:/etc/ssl/certs/host-ca.crt:ro --build-arg PIP_CERT=<that path>).
ARG PIP_CERT
ARG DEBIAN_FRONTEND=noninteractive
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# binutils only for `strip`, in these throwaway stages.
# Not version-pinned (DL3008): the base image pins the Debian release, and exact Debian revisions leave
# the mirror at each point release, which would break rebuilds without making them any safer.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
COPY requirements/app.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --no-compile --require-hashes -r /tmp/requirements.txt

# venv: the dependencies, slimmed of what the server never uses:
# - debug symbols in the compiled extensions (the manylinux wheels of sqlalchemy, uvloop, asyncpg... keep
#   them). Not auditwheel's vendored libraries: they are patchelf-ed, and strip can break those;
# - pip and setuptools, which nothing runs after the build;
# - bytecode: deploy/image/warm_bytecode.py compiles the modules that actually run, in the final stage.
FROM deps AS venv
RUN find /opt/venv -name '*.so' -not -path '*.libs/*' -exec strip --strip-unneeded {} + \
 && /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools \
 && find /opt/venv -name __pycache__ -prune -exec rm -rf {} +

# app: our own wheel (no dependencies), its files set apart under /opt/app-layer with the venv's layout, so
# a code change makes a layer of a few hundred KB instead of a new copy of the whole venv.
FROM deps AS app
ARG PIP_CERT
# Pure Python: the wheel needs no compiler.
COPY pyproject.toml README.md /src/
COPY backend /src/backend
RUN /opt/venv/bin/pip wheel --no-cache-dir --no-deps --wheel-dir /tmp/dist /src \
 && /opt/venv/bin/pip install --no-cache-dir --no-compile --no-deps /tmp/dist/loan_engine-*.whl \
 && site="$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
 && mkdir -p "/opt/app-layer/${site#/opt/venv/}" /opt/app-layer/bin \
 && mv "$site/loan_engine" "$site"/loan_engine-*.dist-info "/opt/app-layer/${site#/opt/venv/}/" \
 && mv /opt/venv/bin/loan-engine /opt/app-layer/bin/

# ---------------------------------------------------------------------------------------------------------
# runtime: the API. No compilers, caches, tests or sources beyond the installed package and the migrations.
FROM ${BASE_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# tini is PID 1: it forwards SIGTERM to the server (which then drains in-flight requests) and reaps zombies.
# Not version-pinned (DL3008): see the deps stage.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
 && groupadd --gid 10001 loanengine \
 && useradd --uid 10001 --gid loanengine --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin loanengine
COPY --from=venv /opt/venv /opt/venv
COPY --from=app /opt/app-layer/ /opt/venv/
COPY migrations /app/migrations
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=prod \
    LOAN_ENGINE_MIGRATIONS=/app/migrations \
    PORT=8000
COPY deploy/image/warm_bytecode.py /tmp/warm_bytecode.py
RUN python /tmp/warm_bytecode.py && rm /tmp/warm_bytecode.py
WORKDIR /app
# A numeric user, so orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# /health/live never touches the database, like the ALB target check (a database blip must not get every
# task replaced). Python, because the image has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/health/live', timeout=2)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# Port from PORT (default 8000; `exec`, so tini's child is the server itself), worker processes from
# WEB_CONCURRENCY (default 1). On SIGTERM in-flight requests get up to 25 s to finish.
CMD ["sh", "-c", "exec loan-engine serve --host 0.0.0.0 --port \"${PORT:-8000}\""]

# ---------------------------------------------------------------------------------------------------------
# web-build: the React app (npm ci from the lock file, then vite build). Only `bundle` and `web` use it.
FROM ${NODE_IMAGE} AS web-build
ARG PIP_CERT
WORKDIR /web
COPY web/package.json web/package-lock.json ./
# The proxy CA, when given, serves npm too (Node reads NODE_EXTRA_CA_CERTS).
RUN if [ -n "${PIP_CERT}" ]; then export NODE_EXTRA_CA_CERTS="${PIP_CERT}"; fi \
 && npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# bundle: one container serving the web app at / and the API at /api, /auth, /health.
FROM runtime AS bundle
COPY --from=web-build /web/dist /app/web
ENV WEB_DIST=/app/web

# web: nginx serving the built app and routing /api, /auth and /health to the API the way CloudFront does.
FROM ${NGINX_IMAGE} AS web
COPY deploy/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY --from=web-build /web/dist /usr/share/nginx/html

# api (default): the API alone.
FROM runtime AS api
