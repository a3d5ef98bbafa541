"""ML Pipeline: Airflow DAG runs, MLflow runs by status, and training jobs."""

from common import datasource_variable, query_variable, row, stat, timeseries
from grafanalib.core import Dashboard, Templating, Time

DAG = 'dag_id=~"$dag"'

dashboard = Dashboard(
    title="ML Pipeline",
    uid="mlops-ml-pipeline",
    description="Airflow DAGs, MLflow experiment runs and training jobs.",
    tags=["mlops", "pipelines"],
    timezone="utc",
    refresh="5m",
    time=Time("now-7d", "now"),
    templating=Templating(list=[
        datasource_variable(),
        query_variable("dag", "DAG", "label_values(airflow_dag_run_status, dag_id)"),
    ]),
    panels=[
        row("Airflow", 0),
        stat("Failed DAGs", "DAGs whose last run failed.", "short",
             f'count(airflow_dag_run_status{{{DAG}, status="failed"}} > 0) or vector(0)', 0, 1, w=8),
        timeseries("DAG run duration", "How long the current run of each DAG has been running.", "s",
                   [(f"airflow_dag_run_duration_seconds{{{DAG}}}", "{{dag_id}}")], 8, 1, w=16, h=4),
        row("MLflow", 5),
        # mlflow_runs_total is a gauge (runs by status) despite its name, so it is shown as it is: the
        # metric catalog knows it from exporters/mlflow_exporter.py
        timeseries("MLflow runs by status", "Runs per status, as the MLflow exporter counts them.",
                   "short", [("sum by (status) (mlflow_runs_total)", "{{status}}")], 0, 6),
        timeseries("MLflow run duration (p90)", "90th percentile run duration per experiment.", "s",
                   [("histogram_quantile(0.9, sum by (experiment_name, le) "
                     "(rate(mlflow_run_duration_seconds_bucket[$__rate_interval])))", "{{experiment_name}}")], 12, 6),
        row("Training", 14),
        timeseries("Training jobs finished", "Training jobs finished per hour, by outcome.", "short",
                   [("sum by (status) (increase(mlops_training_jobs_total[1h]))", "{{status}}")], 0, 15),
        timeseries("Training duration (p50, p95)", "Median and 95th percentile training duration.", "s",
                   [("histogram_quantile(0.5, sum by (le) (rate(mlops_training_duration_seconds_bucket"
                     "[$__rate_interval])))", "p50"),
                    ("histogram_quantile(0.95, sum by (le) (rate(mlops_training_duration_seconds_bucket"
                     "[$__rate_interval])))", "p95")], 12, 15),
        stat("Failed training jobs", "Training jobs the operator reports as failed.", "short",
             'count(training_job_status{status="failed"} == 1) or vector(0)', 0, 23, w=24),
    ],
)
