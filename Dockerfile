# The newsline image used by docker-compose.yml's topics and worker services.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY newsline ./newsline
COPY agents ./agents
COPY schemas ./schemas
COPY seeds ./seeds
RUN pip install --no-cache-dir ".[postgres]"
ENTRYPOINT []
CMD ["newsline", "--help"]
