# Pantau's app image. Boundary files are mounted at run time (see docker-compose.yml), never baked in.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app.py cli.py settings.py ./
COPY crm crm
COPY geo geo
COPY store store
COPY live live
COPY ingest ingest
COPY followup followup
COPY opendata opendata
COPY dashboard dashboard
COPY assets assets
RUN pip install --no-cache-dir .
EXPOSE 8050
CMD ["python", "app.py"]
