"""Label names and buckets the platform's exporters share, so that every service labels a model alike."""

MODEL_LABELS = ["model_name", "model_version"]
HTTP_LABELS = ["method", "path"]
# prediction latency: 10 ms to 10 s
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# training and pipeline runs: 1 minute to 2 hours
RUN_BUCKETS = (60, 300, 900, 1800, 3600, 7200)
