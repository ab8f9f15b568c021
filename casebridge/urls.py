from django.urls import include, path

from casebridge.api import api
from casebridge.caseloads.urls import person_urlpatterns as timeline_urls
from casebridge.contacts import views as contact_views
from casebridge.contacts.urls import person_urlpatterns as contact_urls
from casebridge.tasks.urls import notification_urlpatterns
from casebridge.tasks.urls import person_urlpatterns as task_urls

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casebridge.accounts.urls")),
    path("", include("casebridge.caseloads.urls")),
    path("people/", include("casebridge.people.urls")),
    path("people/", include(contact_urls)),
    path("people/", include(task_urls)),
    path("people/", include(timeline_urls)),
    path("enrollments/", include("casebridge.enrollments.urls")),
    path("intake/", include("casebridge.intake.urls")),
    path("assessments/", include("casebridge.assessments.urls")),
    path("contacts/", include("casebridge.contacts.urls")),
    path("plans/", include("casebridge.plans.urls")),
    path("crisis/", include("casebridge.crisis.urls")),
    path("directory/", include("casebridge.directory.urls")),
    path("referrals/", include("casebridge.referrals.urls")),
    path("consent/", include("casebridge.consent.urls")),
    path("tasks/", include("casebridge.tasks.urls")),
    path("notifications/", include(notification_urlpatterns)),
    path("calendar/<str:token>.ics", contact_views.calendar_feed, name="calendar_feed"),
    path("refer/", include("casebridge.intake.public_urls")),
    path("", include("casebridge.web.urls")),
]
