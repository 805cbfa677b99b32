# The application image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH DJANGO_SETTINGS_MODULE=expertise.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext fonts-hosny-amiri postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 \
    && useradd --system --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
RUN SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-compilemessages python manage.py compilemessages --ignore=.venv --ignore=.tools \
    && install -d -o app -g app /data/media
USER app
EXPOSE 8000
CMD ["gunicorn", "expertise.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
