from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("cell/", views.grid_cell, name="grid-cell"),
    path("new/", views.target_create, name="create"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/breakdown/", views.target_breakdown, name="breakdown"),
    path("<int:pk>/allocate/", views.target_allocate, name="allocate"),
    path("approve/", views.approve_bulk, name="approve-bulk"),
    path("acknowledgements/", views.acknowledgements, name="acknowledgements"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template-create"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("proposals/", views.proposals, name="proposals"),
    path("export/", views.export, name="export"),
    path("import/", views.import_targets, name="import"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("achievements/", views.achievements, name="achievements"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
]
