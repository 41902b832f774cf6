# The newsroom site under gunicorn. Configuration comes from the environment
# (see .env.example); docker-compose.yml runs it with PostgreSQL and Redis.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# The site runs as an unprivileged user who can write uploads and its home
# (where gunicorn keeps its control socket), not the code.
RUN groupadd --system newsroom \
    && useradd --system --gid newsroom --create-home --home-dir /home/newsroom newsroom

WORKDIR /app
COPY . .
RUN pip install . && rm -rf build ./*.egg-info

# Settings refuse to load without SECRET_KEY. This throwaway value serves this
# step only: it shows in the image history and nothing at run time uses it.
RUN SECRET_KEY=build-only-collectstatic-not-a-secret \
    python manage.py collectstatic --noinput

# MEDIA_ROOT defaults to /app/media; a volume mounted there starts with this
# directory's owner, so uploads are writable by the site.
RUN mkdir -p /app/media && chown newsroom:newsroom /app/media

USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
