"""Operability: Prometheus metrics, the JSON log format and who may read ``/metrics``.

Nothing here imports aiohttp, Sanic or rasa-sdk: the web app and the action server adapt it.
"""

# Prometheus' text format 0.0.4, which every Prometheus version reads (prometheus-client 0.26
# would announce 1.0.0, which Prometheus 2 does not know by that name).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
