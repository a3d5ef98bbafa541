"""Drift detector: the drift of each input feature, and the validation scores of each model."""

from metrics_names import MODEL_LABELS, NAMESPACE
from prometheus_client import Gauge

DRIFT = Gauge(f"{NAMESPACE}_data_drift_score", "Drift score of each input feature.", ["model_name", "feature"])
SCORES = {"accuracy": "Validation accuracy.", "f1": "Validation F1 score."}
VALIDATION = {score: Gauge(f"{NAMESPACE}_{score}_score", help_text, MODEL_LABELS)
              for score, help_text in SCORES.items()}


def report(model_name, drift_by_feature):
    for feature, score in drift_by_feature.items():
        DRIFT.labels(model_name, feature).set(score)
