"""Drift detector: how far each input feature has drifted from the training data, and the validation scores
the nightly validation job computes."""

from prometheus_client import Gauge

from labels import MODEL_LABELS

DRIFT = Gauge("model_data_drift_score", "Drift score of each input feature (0 none, 1 complete).",
              ["model_name", "feature"])
# the name the first version of the detector used, still read by older dashboards
LEGACY_DRIFT = Gauge("data_drift_score", "Drift score of each feature group (older name).",
                     ["model_id", "feature_group"])
ACCURACY = Gauge("model_accuracy_score", "Validation accuracy of each model version.", MODEL_LABELS)


def report(model_name: str, drift_by_feature: dict[str, float]) -> None:
    for feature, score in drift_by_feature.items():
        DRIFT.labels(model_name, feature).set(score)
