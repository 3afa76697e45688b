# chainrule: the same server as `chainrule serve`, in a slim image.
#   docker build -t chainrule . && docker run -p 8000:8000 chainrule
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 chainrule
WORKDIR /srv/chainrule

COPY pyproject.toml README.md ./
COPY engine ./engine
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip install --no-cache-dir .

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["chainrule", "serve", "--host", "0.0.0.0", "--port", "8000"]
