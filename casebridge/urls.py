from django.urls import include, path

from casebridge.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casebridge.accounts.urls")),
    path("", include("casebridge.caseloads.urls")),
    path("people/", include("casebridge.people.urls")),
    path("enrollments/", include("casebridge.enrollments.urls")),
    path("intake/", include("casebridge.intake.urls")),
    path("assessments/", include("casebridge.assessments.urls")),
    path("tasks/", include("casebridge.tasks.urls")),
    path("refer/", include("casebridge.intake.public_urls")),
    path("", include("casebridge.web.urls")),
]
