FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system cpb && mkdir -p /var/lib/cpb/private && chown cpb /var/lib/cpb/private
USER cpb
