from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

dashboard = Dashboard(
    title="Payments", uid="payments",
    templating=Templating(list=[Template(name="datasource", type="datasource", query="prometheus")]),
    panels=[
        TimeSeries(title="Payment requests", unit="reqps", dataSource=DATASOURCE,
                   gridPos=GridPos(h=8, w=12, x=0, y=0),
                   targets=[Target(expr="sum(job:payment_requests:rate5m)")]),
        TimeSeries(title="Payment errors", unit="percentunit", dataSource=DATASOURCE,
                   gridPos=GridPos(h=8, w=12, x=12, y=0),
                   targets=[Target(expr="job:payments_requests_errors:ratio_rate5m")]),
    ],
)
