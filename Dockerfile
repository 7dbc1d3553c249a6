# union_portal — production-like image (gunicorn + whitenoise; Celery worker/beat reuse it).
# Runtime configuration comes from the environment (see union_portal/settings.py and
# docker-compose.yml); no secret is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Unprivileged runtime user. The code stays root-owned (read-only for the app);
# only /app/var (VAR_DIR) is writable.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# The CJK TrueType font certificate PDFs embed (CERTIFICATE_FONT defaults to it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first so code edits do not invalidate this layer.
COPY requirements.txt /app/requirements.txt
RUN pip install --no-cache-dir -r requirements.txt

COPY . /app

# The Chinese catalogue (locale/), compiled with Babel from requirements.txt (no gettext needed).
RUN for po in locale/*/LC_MESSAGES/django.po; do pybabel -q compile -i "$po" -o "${po%.po}.mo"; done

ENV DJANGO_SETTINGS_MODULE=union_portal.settings \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var

# Static files are collected into the image (STATIC_ROOT = $VAR_DIR/staticfiles) and served
# by whitenoise. Settings refuse to import with DEBUG off unless SECRET_KEY (>= 50 chars)
# and FIELD_ENCRYPTION_KEY are set, so throwaway build-only values are passed on this line
# only; they do not end up in the image's environment.
RUN SECRET_KEY="build-only-$(python -c 'print("x" * 60)')" \
    FIELD_ENCRYPTION_KEY="build-only-not-a-secret" \
    DEBUG=0 \
    python manage.py collectstatic --noinput \
 && rm -rf /app/var/celery-broker /app/var/*.sqlite3 \
 && mkdir -p /app/var/files \
 && chown -R app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "union_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
