from django.urls import path

from casebridge.tasks import views

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<uuid:task_id>/done/", views.task_done, name="task_done"),
    path("<uuid:task_id>/snooze/", views.task_snooze, name="task_snooze"),
]

person_urlpatterns = [path("<uuid:person_id>/tasks/new/", views.task_add, name="task_add")]

notification_urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.notifications_read, name="notifications_read"),
]
