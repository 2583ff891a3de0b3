# Khabardar: slim, non-root image. Runs the same command as the Procfile.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    KHABARDAR_SOURCES=/app/config/sources.toml \
    DATABASE_URL=sqlite+aiosqlite:////data/khabardar.db \
    PORT=8080
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 khabardar && mkdir -p /data /app \
    && chown khabardar /data
COPY config /app/config
WORKDIR /app
USER khabardar
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8080\")}/healthz')"
CMD ["khabardar", "run"]
