FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    postgresql-client libreoffice-writer-nogui \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
# The DfE's 903 rules run by the worker on every import, in an environment of their own (see bin/install).
RUN python -m venv /opt/venv-903 && /opt/venv-903/bin/pip install --no-cache-dir -r requirements-dfe-rules.txt
ENV DFE_RULES_PYTHON=/opt/venv-903/bin/python
RUN useradd --system cpb && mkdir -p /var/lib/cpb/private && chown cpb /var/lib/cpb/private
USER cpb
