"""Outbound referrals are visible to the care roles of the sending agency when the person is
visible to them. The receiving provider's staff have no agency membership and so no grant here:
their pages use ``selectors.provider_referrals``, scoped to their organisation and showing only
the shared snapshot."""

from casebridge.assessments.access import _of_visible_person
from casebridge.core.access import policy
from casebridge.referrals.models import ServiceReferral

policy.rule(ServiceReferral)(_of_visible_person)
