from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("regions/", views.region_list, name="region-list"),
    path("regions/<int:pk>/", views.region_detail, name="region-detail"),
]
