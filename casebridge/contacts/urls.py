from django.urls import path

from casebridge.contacts import views

urlpatterns = [
    path("<uuid:contact_id>/", views.contact_detail, name="contact_detail"),
    path("<uuid:contact_id>/amend/", views.contact_amend, name="contact_amend"),
    path("<uuid:contact_id>/status/", views.contact_status, name="contact_status"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
]

person_urlpatterns = [
    path("<uuid:person_id>/contacts/", views.person_contacts, name="person_contacts"),
    path("<uuid:person_id>/contacts/new/", views.contact_create, name="contact_create"),
]
