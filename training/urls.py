from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/", views.course_list, name="course-list"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("enrollments/", views.enrollment_list, name="enrollment-list"),
    path("enrollments/<int:pk>/result/", views.enrollment_result, name="enrollment-result"),
    path("onboarding/", views.onboarding_list, name="onboarding-list"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/missing/", views.report_missing, name="report-missing"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion-decide"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("people/<int:pk>/", views.person_history, name="person-history"),
]
