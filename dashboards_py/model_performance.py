"""Model Performance: accuracy, prediction latency and volume, errors, drift and confidence per model."""

from common import datasource_variable, heatmap, query_variable, row, timeseries
from grafanalib.core import Dashboard, Templating, Time

MODEL = 'model_name=~"$model"'

dashboard = Dashboard(
    title="Model Performance",
    uid="mlops-model-performance",
    description="How well and how fast each model serves: accuracy, latency, volume, errors, drift.",
    tags=["mlops", "models"],
    timezone="utc",
    refresh="1m",
    time=Time("now-24h", "now"),
    templating=Templating(list=[
        datasource_variable(),
        query_variable("model", "Model", "label_values(model_prediction_requests_total, model_name)"),
    ]),
    panels=[
        row("Quality", 0),
        timeseries("Accuracy by model and version", "Validation accuracy reported by the validation jobs.",
                   "percentunit", [(f"model_accuracy_score{{{MODEL}}}", "{{model_name}} {{model_version}}")],
                   0, 1),
        timeseries("Data drift by feature", "Drift score per feature; the DataDriftDetected alert fires above 0.3.",
                   "short", [(f"model_data_drift_score{{{MODEL}}}", "{{model_name}} / {{feature}}")], 12, 1),
        row("Serving", 9),
        timeseries("Prediction volume", "Predictions per second by model and status.", "reqps",
                   [(f"sum by (model_name, status) "
                     f"(model_name_model_version_status:model_prediction_requests:rate5m{{{MODEL}}})",
                     "{{model_name}} {{status}}")], 0, 10),
        timeseries("Prediction error ratio", "Share of predictions that failed; HighPredictionErrorRate fires "
                   "above 5%.", "percentunit",
                   [(f"model_name:model_prediction_errors:ratio_rate5m{{{MODEL}}}", "{{model_name}}")], 12, 10),
        timeseries("Prediction latency", "95th and 99th percentile prediction latency per model.", "s",
                   [(f"model_name:model_prediction_latency_seconds:p95_5m{{{MODEL}}}", "p95 {{model_name}}"),
                    (f"model_name:model_prediction_latency_seconds:p99_5m{{{MODEL}}}", "p99 {{model_name}}")],
                   0, 18),
        heatmap("Prediction latency distribution", "Predictions per latency bucket.",
                f"sum by (le) (rate(model_prediction_latency_seconds_bucket{{{MODEL}}}[$__rate_interval]))",
                12, 18),
        timeseries("Median prediction confidence", "Median confidence of the predictions, per model.",
                   "percentunit",
                   [(f"histogram_quantile(0.5, sum by (model_name, le) "
                     f"(rate(model_prediction_confidence_bucket{{{MODEL}}}[$__rate_interval])))", "{{model_name}}")],
                   0, 26, w=24),
    ],
)
