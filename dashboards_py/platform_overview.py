"""MLOps Platform Overview: service health, traffic, latency, errors, and the resources under them."""

from common import datasource_variable, query_variable, row, stat, timeseries
from grafanalib.core import Dashboard, Templating, Time

JOB = 'job=~"$job"'

dashboard = Dashboard(
    title="MLOps Platform Overview",
    uid="mlops-platform-overview",
    description="Health, traffic and resources of MLflow, the model servers and Feast.",
    tags=["mlops", "platform"],
    timezone="utc",
    refresh="1m",
    time=Time("now-6h", "now"),
    templating=Templating(list=[
        datasource_variable(),
        query_variable("job", "Job", "label_values(http_requests_total, job)"),
    ]),
    panels=[
        row("Service health", 0),
        stat("MLflow instances up", "Scraped MLflow tracking server instances.", "short",
             'sum(up{job="mlflow"})', 0, 1),
        stat("Model server instances up", "Scraped model server instances.", "short",
             'sum(up{job="model-server"})', 6, 1),
        stat("Feast instances up", "Scraped Feast feature server instances.", "short",
             'sum(up{job="feast-feature-server"})', 12, 1),
        stat("KServe pods not ready", "Pods in the kserve namespace whose Ready condition is false.", "short",
             'count(kube_pod_status_ready{namespace="kserve", condition="true"} == 0) or vector(0)', 18, 1),
        row("Traffic", 5),
        timeseries("Request rate by status", "HTTP requests per second by status code.", "reqps",
                   [(f"sum by (status) (job_service_status:http_requests:rate5m{{{JOB}}})", "{{status}}")], 0, 6),
        timeseries("Request latency", "95th and 99th percentile request latency per job.", "s",
                   [(f"job:http_request_duration_seconds:p95_5m{{{JOB}}}", "p95 {{job}}"),
                    (f"job:http_request_duration_seconds:p99_5m{{{JOB}}}", "p99 {{job}}")], 12, 6),
        timeseries("Server errors (5xx)", "Share of requests answered with a 5xx status, per job.", "percentunit",
                   [(f"job:http_requests_errors:ratio_rate5m{{{JOB}}}", "{{job}}")], 0, 14),
        timeseries("Client errors (4xx)", "Requests per second answered with a 4xx status, per job.", "reqps",
                   [(f'sum by (job) (rate(http_requests_total{{{JOB}, status=~"4.."}}[$__rate_interval]))',
                     "{{job}}")], 12, 14),
        row("Resources", 22),
        timeseries("CPU utilisation", "Share of CPU time not idle, per node.", "percentunit",
                   [("instance:node_cpu_utilisation:ratio_rate5m", "{{instance}}")], 0, 23, w=8),
        timeseries("Memory utilisation", "Share of memory in use, per node.", "percentunit",
                   [("instance:node_memory_utilisation:ratio", "{{instance}}")], 8, 23, w=8),
        timeseries("GPU memory", "Share of GPU frame buffer in use, per GPU.", "percentunit",
                   [("gpu_hostname:dcgm_fb_used:ratio", "{{Hostname}} GPU {{gpu}}")], 16, 23, w=8),
        timeseries("GPU utilisation", "GPU utilisation reported by the DCGM exporter, per GPU.", "percent",
                   [("avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)", "{{Hostname}} GPU {{gpu}}")], 0, 31),
        timeseries("CPU by pod (top 10)", "CPU cores used by the ten busiest pods.", "short",
                   [("topk(10, namespace_pod:container_cpu_usage_seconds:rate5m)", "{{namespace}}/{{pod}}")],
                   12, 31),
    ],
)
