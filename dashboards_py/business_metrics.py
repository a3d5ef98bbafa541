"""Business Metrics: what the models are worth: revenue impact, cost savings, satisfaction, users."""

from common import datasource_variable, stat, timeseries
from grafanalib.core import Dashboard, Templating, Time

dashboard = Dashboard(
    title="Business Metrics",
    uid="mlops-business-metrics",
    description="Business outcomes attributed to the ML platform.",
    tags=["mlops", "business"],
    timezone="utc",
    refresh="15m",
    time=Time("now-30d", "now"),
    templating=Templating(list=[datasource_variable()]),
    panels=[
        stat("Revenue impact today", "Daily revenue attributed to ML models.", "currencyEUR",
             "ml_revenue_impact_daily", 0, 0),
        stat("Cost savings today", "Daily cost saved by automation.", "currencyEUR",
             "automation_cost_savings_daily", 6, 0),
        stat("Customer satisfaction", "Customer satisfaction score (1 to 5).", "short",
             "customer_satisfaction_score", 12, 0),
        stat("Active users", "Users active on the platform.", "short", "platform_active_users", 18, 0),
        timeseries("Revenue impact, day over day", "Daily revenue impact and the value a day earlier; "
                   "RevenueImpactDropped fires below 80% of it.", "currencyEUR",
                   [("ml_revenue_impact_daily", "today"), ("ml_revenue_impact_daily offset 1d", "a day earlier")],
                   0, 4),
        timeseries("Customer satisfaction", "Customer satisfaction score; CustomerSatisfactionDropped fires "
                   "below 3.5.", "short", [("customer_satisfaction_score", "score")], 12, 4),
    ],
)
