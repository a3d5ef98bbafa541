"""Instrumentation of the model server (MLflow serving behind a small HTTP API): its requests, and each
prediction's outcome, latency and confidence."""

import time

from prometheus_client import Counter, Histogram

from labels import HTTP_LABELS, LATENCY_BUCKETS, MODEL_LABELS

# the HTTP API (the client exposes `http_requests` as http_requests_total; the explicit suffix is dropped)
HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests answered, by status code.", HTTP_LABELS + ["status"])
HTTP_DURATION = Histogram("http_request_duration_seconds", "Time to answer an HTTP request.", HTTP_LABELS)

# predictions
PREDICTION_REQUESTS = Counter("model_prediction_requests", "Prediction requests, by outcome (success or error).",
                              MODEL_LABELS + ["status"])
PREDICTION_LATENCY = Histogram("model_prediction_latency_seconds", "Time to answer a prediction request.",
                               MODEL_LABELS, buckets=LATENCY_BUCKETS)
INFERENCE_DURATION = Histogram("model_inference_duration_seconds", "Time the model itself takes (GPU servers).",
                               ["model_name"], buckets=LATENCY_BUCKETS)
PREDICTION_CONFIDENCE = Histogram("model_prediction_confidence", "Confidence of each prediction, by class.",
                                  ["model_name", "class"], buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0))
PREDICTIONS = Counter("model_predictions", "Predictions served, by model id.", ["model_id"])


def predict(model, features):
    """Serve one prediction, recording what the dashboards and alerts read."""
    started = time.perf_counter()
    try:
        label, confidence = model.predict(features)
    except Exception:
        PREDICTION_REQUESTS.labels(model.name, model.version, "error").inc()
        raise
    finally:
        PREDICTION_LATENCY.labels(model.name, model.version).observe(time.perf_counter() - started)
    PREDICTION_REQUESTS.labels(model.name, model.version, "success").inc()
    PREDICTION_CONFIDENCE.labels(model.name, label).observe(confidence)
    PREDICTIONS.labels(f"{model.name}:{model.version}").inc()
    return label
