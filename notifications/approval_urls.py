from django.urls import path

from notifications import views_approvals

urlpatterns = [
    path("", views_approvals.approvals, name="approval-inbox"),
    path("count/", views_approvals.approvals_count, name="approval-inbox-count"),
    path("decide/", views_approvals.approvals_decide, name="approval-inbox-decide"),
]
