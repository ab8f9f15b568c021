from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casebridge.tasks import services
from casebridge.tasks.models import Task


@login_required
@require_POST
def task_done(request, task_id):
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)
    services.task_complete(actor=request.user, task=task)
    messages.success(request, _("Task done."))
    return redirect("caseload")
