from django.urls import path

from staff import views, views_people, views_recruitment

app_name = "staff"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/pick/", views.person_pick, name="person-pick"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/pass-probation/", views_people.person_pass_probation, name="person-pass-probation"),
    path("people/<int:pk>/transfer/", views_people.person_transfer, name="person-transfer"),
    path("people/<int:pk>/promote/", views_people.person_promote, name="person-promote"),
    path("people/<int:pk>/change-manager/", views_people.person_change_manager, name="person-change-manager"),
    path("people/<int:pk>/warn/", views_people.person_warn, name="person-warn"),
    path("people/<int:pk>/dismiss/", views_people.person_dismiss, name="person-dismiss"),
    path("people/<int:pk>/handover/", views_people.person_handover, name="person-handover"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views_people.team_create, name="team-create"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/edit/", views_people.team_edit, name="team-edit"),
    path("regions/", views.region_list, name="region-list"),
    path("regions/new/", views_people.region_create, name="region-create"),
    path("regions/<int:pk>/", views.region_detail, name="region-detail"),
    path("regions/<int:pk>/edit/", views_people.region_edit, name="region-edit"),
    path("recruitment/", views_recruitment.opening_list, name="opening-list"),
    path("recruitment/new/", views_recruitment.opening_create, name="opening-create"),
    path("recruitment/<int:pk>/", views_recruitment.opening_detail, name="opening-detail"),
    path("recruitment/candidates/<int:pk>/", views_recruitment.candidate_detail, name="candidate-detail"),
]
