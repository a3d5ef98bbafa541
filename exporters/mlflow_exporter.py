"""MLflow exporter: polls the tracking server and the model registry, and exposes what it finds on :9101."""

import time

from prometheus_client import Gauge, Histogram, start_http_server

from labels import RUN_BUCKETS

RUN_STATUSES = ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")
STAGES = ("None", "Staging", "Production", "Archived")


class MLflowExporter:
    """One poll of MLflow sets every gauge; finished runs are observed once."""

    def __init__(self, client=None):
        self.client = client
        self.seen_runs: set[str] = set()
        self.experiments = Gauge("mlflow_experiments_total", "Experiments in the tracking server.")
        # a count of the runs in each status now (runs leave RUNNING), so a gauge despite the _total
        self.runs = Gauge("mlflow_runs_total", "Runs by experiment and status, as counted now.",
                          ["experiment_name", "status"])
        self.registered_models = Gauge("mlflow_registered_models_total", "Models in the model registry.")
        self.model_versions = Gauge("mlflow_model_versions", "Versions of each registered model, by stage.",
                                    ["model_name", "stage"])
        self.run_duration = Histogram("mlflow_run_duration_seconds", "Duration of finished runs.",
                                      ["experiment_name"], buckets=RUN_BUCKETS)

    def poll(self) -> None:
        experiments = self.client.search_experiments()
        self.experiments.set(len(experiments))
        for experiment in experiments:
            runs = self.client.search_runs([experiment.experiment_id])
            for status in RUN_STATUSES:
                count = sum(1 for run in runs if run.info.status == status)
                self.runs.labels(experiment.name, status).set(count)
            for run in runs:
                if run.info.status == "FINISHED" and run.info.run_id not in self.seen_runs:
                    self.seen_runs.add(run.info.run_id)
                    seconds = (run.info.end_time - run.info.start_time) / 1000
                    self.run_duration.labels(experiment.name).observe(seconds)
        models = self.client.search_registered_models()
        self.registered_models.set(len(models))
        for model in models:
            versions = self.client.search_model_versions(f"name='{model.name}'")
            for stage in STAGES:
                self.model_versions.labels(model.name, stage).set(
                    sum(1 for version in versions if version.current_stage == stage))


if __name__ == "__main__":
    from mlflow.tracking import MlflowClient

    start_http_server(9101)
    exporter = MLflowExporter(MlflowClient())
    while True:
        exporter.poll()
        time.sleep(30)
