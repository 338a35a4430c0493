# The API image. Elasticsearch is not inside: point ELASTICSEARCH_URL at your cluster
# (docker-compose.yml runs the official Elasticsearch image beside it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ELASTICSEARCH_URL=http://elasticsearch:9200

RUN useradd --create-home --uid 10001 conflictwire
WORKDIR /app
COPY pyproject.toml README.md openapi.yaml ./
COPY api ./api
COPY indexer ./indexer
COPY data/sample ./data/sample
RUN pip install .

USER conflictwire
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "api:create_app()"]
