"""Model server instrumentation: predictions, errors and latency of each model."""

from metrics_names import MODEL_LABELS, NAMESPACE
from prometheus_client import Counter, Histogram, Info

PREDICTIONS = Counter(f"{NAMESPACE}_predictions", "Predictions served.", MODEL_LABELS)
ERRORS = Counter(f"{NAMESPACE}_errors", "Predictions that failed.", MODEL_LABELS)
LATENCY = Histogram("prediction_latency_seconds", "Time to answer a prediction.", MODEL_LABELS,
                    namespace=NAMESPACE, buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
BUILD = Info("model_server_build", "Version of the model server.")


def predict(model, features):
    with LATENCY.labels(model.name, model.version).time():
        try:
            result = model.predict(features)
        except Exception:
            ERRORS.labels(model.name, model.version).inc()
            raise
    PREDICTIONS.labels(model.name, model.version).inc()
    return result
