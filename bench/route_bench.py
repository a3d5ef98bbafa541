#!/usr/bin/env python3
"""Speed of `obslint route-test` batch routing against `amtool config routes test`, in the same run.

Routes N generated alerts (labels drawn from the values the config's matchers name, plus others)
through alertmanager/alertmanager.yml: in-process (the router alone) and through the command line
(`--alerts FILE`, start-up included). amtool answers one label set per process, so it runs on a
sample and its per-alert time gives the ratio.

    .venv/bin/python bench/route_bench.py [--alerts 10000] [--sample 40]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from obslint.alertmanager import router  # noqa: E402
from obslint.commands.route_test import load_model  # noqa: E402
from obslint.config import Config  # noqa: E402

CONFIG = REPO / "alertmanager" / "alertmanager.yml"
VALUES = {"alertname": ["ModelServerDown", "HighPredictionLatency", "HighCPUUsage", "RevenueImpactDropped", "X"],
          "severity": ["critical", "warning", "info"],
          "team": ["ml-platform", "ml-team", "devops", "business", "security", "other"],
          "service": ["model-server", "gpu", "mlflow", "kserve", "infrastructure"],
          "namespace": ["kserve", "mlflow", "default"]}


def alerts(n: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{k: rng.choice(v) for k, v in VALUES.items() if rng.random() < 0.85} for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config = Config(alertmanager_version=(0, 25))
    model = load_model(CONFIG, config)
    batch = alerts(args.alerts)

    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for labels in batch:
            router.route_alert(model, labels)
        times.append(time.perf_counter() - start)
    in_process = args.alerts / statistics.median(times)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alerts.jsonl"
        path.write_text("\n".join(json.dumps(a) for a in batch) + "\n")
        cli_times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "obslint", "route-test", "--config", str(CONFIG),
                            "--alertmanager-version", "0.25", "--alerts", str(path), "--format", "json"],
                           check=True, stdout=subprocess.DEVNULL)
            cli_times.append(time.perf_counter() - start)
    cli = args.alerts / statistics.median(cli_times)
    print(f"obslint router, in process      {in_process:12,.0f} alerts/s  ({args.alerts} alerts, median of "
          f"{args.rounds})")
    print(f"obslint route-test --alerts     {cli:12,.0f} alerts/s  (start-up and JSON output included)")

    amtool = shutil.which("amtool")
    if amtool is None:
        print("amtool not found: no ratio (apt-get install -y prometheus-alertmanager)")
        return
    sample = batch[:args.sample]
    start = time.perf_counter()
    for labels in sample:
        subprocess.run([amtool, "config", "routes", "test", f"--config.file={CONFIG}",
                        *[f"{k}={v}" for k, v in labels.items()]], check=True, capture_output=True)
    per_alert = (time.perf_counter() - start) / len(sample)
    print(f"amtool config routes test       {1 / per_alert:12,.1f} alerts/s  (one process per alert, "
          f"{len(sample)} sampled)")
    print(f"ratio obslint/amtool            {in_process * per_alert:12,.0f}x in process, "
          f"{cli * per_alert:,.0f}x through the command line")


if __name__ == "__main__":
    main()
