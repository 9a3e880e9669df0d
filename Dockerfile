# Chokepoint as a container: slim Python 3.12, non-root, health check, port from $PORT.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8501
WORKDIR /app
# The PDF brief's CJK font (Debian fonts-wqy-zenhei): TrueType, which reportlab embeds (it refuses OTF/CFF fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt && useradd --create-home --uid 10001 chokepoint
COPY --chown=chokepoint:chokepoint app.py ./
COPY --chown=chokepoint:chokepoint lib ./lib
COPY --chown=chokepoint:chokepoint ui ./ui
COPY --chown=chokepoint:chokepoint scenarios ./scenarios
COPY --chown=chokepoint:chokepoint data ./data
COPY --chown=chokepoint:chokepoint .streamlit ./.streamlit
COPY --chown=chokepoint:chokepoint deploy/warm.py ./deploy/warm.py
USER chokepoint
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request as u; u.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8501\")}/_stcore/health', timeout=4)"
# The caches are warmed as soon as the server answers, so the first visitor does not pay for them.
CMD ["sh", "-c", "python deploy/warm.py http://127.0.0.1:${PORT} & exec streamlit run app.py --server.port=${PORT} --server.address=0.0.0.0 --server.headless=true"]
