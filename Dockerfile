# The portal's image: one for web, Celery worker and Celery beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/portal
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
    && DEBUG=1 python manage.py compilemessages --ignore=.venv -v0 \
    && DEBUG=1 STATIC_MANIFEST=1 python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app portal && mkdir -p /var/lib/portal && chown -R portal /var/lib/portal
USER portal
EXPOSE 8000
# Access log without personal links or reset keys: portal/gunicorn_conf.py.
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi:application"]
