from django.urls import path

from dashboard import views, views_forecast

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("charts/", views.charts, name="charts"),
    path("export/", views.export, name="export"),
    path("forecast/", views_forecast.forecast, name="forecast"),
]
