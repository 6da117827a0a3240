from django.urls import path

from appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("periods/<int:pk>/export/", views.period_export, name="period-export"),
    path("periods/<int:pk>/ranking/", views.period_ranking, name="period-ranking"),
    path("periods/<int:pk>/<slug:step>/", views.period_action, name="period-action"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="scorecard-detail"),
    path("scorecards/<int:pk>/actions/", views.action_add, name="action-add"),
    path("scorecards/<int:pk>/outcomes/", views.outcome_add, name="outcome-add"),
    path("scorecards/<int:pk>/<slug:step>/", views.scorecard_step, name="scorecard-step"),
    path("outcomes/<int:pk>/confirm/", views.outcome_confirm, name="outcome-confirm"),
    path("people/<int:pk>/", views.person_history, name="person-history"),
    path("contests/", views.contest_list, name="contest-list"),
    path("contests/<int:pk>/", views.contest_detail, name="contest-detail"),
    path("commission/", views.statement_list, name="statement-list"),
    path("commission/disputes/", views.dispute_list, name="dispute-list"),
    path("commission/<int:pk>/", views.statement_detail, name="statement-detail"),
]
