from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.referrals.models import (
    ALLOWED,
    LINK_MOVES,
    PROVIDER_MOVES,
    SENDER_MOVES,
    SHAREABLE,
    ReferralStatus,
    Urgency,
)
from casebridge.web.forms import DesignSystemFormMixin

S = ReferralStatus
CONSENT_LABEL = _("The person agreed to this referral and to sharing the information ticked above.")


def _checkboxes(field):
    field.widget.attrs["class"] = "usa-checkbox__input"


class ReferralForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The provider sees this. Write only what the person agreed to share."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    goal = forms.ModelChoiceField(
        label=_("Care plan goal"), required=False, queryset=None, empty_label=_("No goal")
    )
    share_fields = forms.MultipleChoiceField(
        label=_("Also share with the provider"),
        required=False,
        choices=list(SHAREABLE.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    consent_confirmed = forms.BooleanField(label=CONSENT_LABEL, required=False)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda goal: goal.statement[:80]
        _checkboxes(self.fields["share_fields"])


class SendForm(DesignSystemFormMixin, forms.Form):
    consent_confirmed = forms.BooleanField(label=CONSENT_LABEL, required=False)


class MoveForm(DesignSystemFormMixin, forms.Form):
    """One move along the loop; the choices are the moves open to this user right now."""

    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining (why) and when completing (the outcome)."),
    )

    def __init__(self, *args, status, moves, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED.get(status, set()) & moves
        self.fields["to_status"].choices = [(v, label) for v, label in S.choices if v in allowed]

    @property
    def has_moves(self) -> bool:
        return bool(self.fields["to_status"].choices)


def sender_form(referral, data=None):
    return MoveForm(data, status=referral.status, moves=SENDER_MOVES - {S.SENT}, prefix="move")


def provider_form(referral, data=None):
    return MoveForm(data, status=referral.status, moves=PROVIDER_MOVES, prefix="move")


def link_form(referral, data=None):
    return MoveForm(data, status=referral.status, moves=LINK_MOVES, prefix="move")
