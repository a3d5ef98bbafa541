"""ML Pipeline: MLflow runs by status (a gauge named `_total`, shown as it is), prediction latency, nodes."""

from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

dashboard = Dashboard(
    title="ML Pipeline", uid="ml-pipeline",
    templating=Templating(list=[
        Template(name="datasource", type="datasource", query="prometheus"),
        Template(name="model", query="label_values(model_predictions_total, model_name)", dataSource=DATASOURCE,
                 multi=True, includeAll=True, refresh=2),
    ]),
    panels=[
        TimeSeries(title="MLflow runs by status", unit="short", dataSource=DATASOURCE,
                   gridPos=GridPos(h=8, w=12, x=0, y=0),
                   targets=[Target(expr="sum by (status) (mlflow_runs_total)", legendFormat="{{status}}")]),
        TimeSeries(title="Prediction latency (p95)", unit="s", dataSource=DATASOURCE,
                   gridPos=GridPos(h=8, w=12, x=12, y=0),
                   targets=[Target(expr='histogram_quantile(0.95, sum by (le) (rate('
                                        'model_prediction_latency_seconds{model_name=~"$model"}[$__rate_interval])))',
                                   legendFormat="p95")]),
        TimeSeries(title="Node memory available", unit="bytes", dataSource=DATASOURCE,
                   gridPos=GridPos(h=8, w=12, x=0, y=8),
                   targets=[Target(expr="node_memory_MemAvailable_bytes", legendFormat="{{instance}}")]),
    ],
)
