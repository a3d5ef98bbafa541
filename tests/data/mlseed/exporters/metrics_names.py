"""Names the platform's exporters share."""

NAMESPACE = "model"
MODEL_LABELS = ["model_name", "model_version"]
