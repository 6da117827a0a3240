from django.urls import path

from staff import views, views_recruitment

app_name = "staff"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("regions/", views.region_list, name="region-list"),
    path("regions/<int:pk>/", views.region_detail, name="region-detail"),
    path("recruitment/", views_recruitment.opening_list, name="opening-list"),
    path("recruitment/new/", views_recruitment.opening_create, name="opening-create"),
    path("recruitment/<int:pk>/", views_recruitment.opening_detail, name="opening-detail"),
    path("recruitment/candidates/<int:pk>/", views_recruitment.candidate_detail, name="candidate-detail"),
]
