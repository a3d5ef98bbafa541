"""MLflow exporter: polls the tracking server for experiments, runs by status and registered models."""

import time

from prometheus_client import Enum, Gauge, Histogram, start_http_server

RUN_STATUSES = ("RUNNING", "FINISHED", "FAILED", "KILLED")


class MLflowExporter:
    def __init__(self, client=None):
        self.client = client
        self.experiments = Gauge("mlflow_experiments_total", "Experiments in the tracking server.")
        # a count of the runs in each status now, not a counter: runs leave RUNNING
        self.runs = Gauge("mlflow_runs_total", "Runs by experiment and status.", ["experiment_name", "status"])
        self.versions = Gauge("mlflow_model_versions", "Model versions by stage.", ["model_name", "stage"])
        self.run_duration = Histogram("mlflow_run_duration_seconds", "Duration of finished runs.",
                                      ["experiment_name"], buckets=(60, 300, 900, 1800, 3600, 7200))
        self.state = Enum("mlflow_exporter_state", "What the exporter is doing.", states=["polling", "idle"])

    def poll(self):
        self.state.state("polling")
        experiments = self.client.search_experiments()
        self.experiments.set(len(experiments))
        for experiment in experiments:
            for status in RUN_STATUSES:
                runs = self.client.search_runs([experiment.experiment_id], f"attributes.status = '{status}'")
                self.runs.labels(experiment.name, status).set(len(runs))
        self.state.state("idle")


if __name__ == "__main__":
    from mlflow.tracking import MlflowClient

    start_http_server(9101)
    exporter = MLflowExporter(MlflowClient())
    while True:
        exporter.poll()
        time.sleep(30)
