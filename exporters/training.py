"""Training code: each training run pushes how it ended and how long it took to the Pushgateway."""

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, push_to_gateway

from labels import RUN_BUCKETS

REGISTRY = CollectorRegistry()
JOBS = Counter("jobs", "Training jobs finished, by outcome (success or failed).", ["status"],
               namespace="mlops", subsystem="training", registry=REGISTRY)
DURATION = Histogram("duration", "Time a training job took.", namespace="mlops", subsystem="training",
                     unit="seconds", buckets=RUN_BUCKETS, registry=REGISTRY)


def run(train, gateway: str = "pushgateway.monitoring.svc:9091") -> None:
    started = time.monotonic()
    try:
        train()
    except Exception:
        JOBS.labels("failed").inc()
        raise
    else:
        JOBS.labels("success").inc()
    finally:
        DURATION.observe(time.monotonic() - started)
        push_to_gateway(gateway, job="training", registry=REGISTRY)
