from django.urls import path

from casebridge.consent import views

urlpatterns = [
    path("person/<uuid:person_id>/", views.person_consents, name="person_consents"),
    path(
        "person/<uuid:person_id>/disclosures/",
        views.person_disclosures,
        name="person_disclosures",
    ),
    path("person/<uuid:person_id>/export.json", views.person_export, name="person_export"),
    path("person/<uuid:person_id>/export.pdf", views.person_export_pdf, name="person_export_pdf"),
    path("<uuid:directive_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("<uuid:directive_id>/evidence/", views.consent_evidence, name="consent_evidence"),
    path("emergency/", views.emergency, name="emergency_access"),
    path("emergency/<uuid:person_id>/", views.emergency_open, name="emergency_open"),
]
