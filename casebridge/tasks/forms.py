from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.tasks.models import TaskPriority
from casebridge.web.forms import DesignSystemFormMixin

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TaskForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("What needs doing"), max_length=200)
    due_at = forms.DateTimeField(label=_("Due"), widget=DATETIME_WIDGET)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.ROUTINE
    )
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, empty_label=None)
    details = forms.CharField(
        label=_("Details"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class SnoozeForm(DesignSystemFormMixin, forms.Form):
    until = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300)
