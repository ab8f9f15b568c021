from django.urls import path

from casebridge.people import views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:person_id>/relationships/", views.relationship_add, name="relationship_add"),
    path(
        "<uuid:person_id>/relationships/<uuid:relationship_id>/remove/",
        views.relationship_remove,
        name="relationship_remove",
    ),
]
