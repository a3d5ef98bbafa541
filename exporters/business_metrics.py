"""The business metrics job: the daily KPIs the platform is judged by, computed from the warehouse."""

from prometheus_client import Gauge

KPIS = {
    "ml_revenue_impact_daily": "Revenue attributed to the models today, in EUR.",
    "automation_cost_savings_daily": "Cost saved by automation today, in EUR.",
    "customer_satisfaction_score": "Customer satisfaction, 1 to 5.",
    "platform_active_users": "Users active on the platform today.",
}
GAUGES = {name: Gauge(name, documentation) for name, documentation in KPIS.items()}


def publish(values: dict[str, float]) -> None:
    for name, value in values.items():
        GAUGES[name].set(value)
