from django.urls import path

from dashboard import views, views_forecast
from dashboard.reports import views as report_views
from dashboard.reports.catalogue import REPORTS

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("charts/", views.charts, name="charts"),
    path("export/", views.export, name="export"),
    path("forecast/", views_forecast.forecast, name="forecast"),
    path("reports/", report_views.report_index, name="reports"),
]
# One page and one export per report (named, so every guard test walks each of them).
for _key in REPORTS:
    urlpatterns += [
        path(f"reports/{_key}/", report_views.report_page, {"key": _key}, name=f"report-{_key}"),
        path(f"reports/{_key}/export/", report_views.report_export, {"key": _key}, name=f"report-{_key}-export"),
    ]
