from django.urls import path

from casebridge.tasks import views

urlpatterns = [path("<uuid:task_id>/done/", views.task_done, name="task_done")]
