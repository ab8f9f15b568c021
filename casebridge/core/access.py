"""The access policy: the one place that decides which client records a user may read.

Each domain app registers, per model, a rule ``rule(principal, membership) -> Q | None`` giving
the rows one of the user's memberships opens up. A user sees the union over their memberships
and rules; with no rule matching, they see nothing. Later capabilities (consent directives,
break-the-glass) only *add* rules, and sensitive-record restrictions register *exclusions*.

Querysets reach the policy through ``Model.objects.visible_to(user)``.

Some people are visible but their identity is not: *identity rules* name the persons whose
name, birth date and whereabouts the user may not see (e.g. domestic-violence protection,
registered by ``crisis.access``). ``policy.hidden_person_ids(user)`` is their union, read once
per request; ``core.identity`` blanks those persons' identity fields as rows are loaded.
"""

import contextlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

Rule = Callable[["Principal", "MembershipGrant"], Q | None]
Exclusion = Callable[["Principal"], Q | None]
IdentityRule = Callable[["Principal"], set]


@dataclass(frozen=True)
class MembershipGrant:
    agency_id: object
    role: str
    program_id: object | None
    team_id: object | None
    team_program_id: object | None = None
    agency_name: str = ""


@dataclass
class Principal:
    """The acting user with their active memberships, loaded once per request."""

    user: object
    grants: list[MembershipGrant] = field(default_factory=list)

    @property
    def agency_ids(self) -> set:
        return {grant.agency_id for grant in self.grants}

    def has_role(self, *roles: str, agency_id=None) -> bool:
        return any(
            grant.role in roles and (agency_id is None or grant.agency_id == agency_id)
            for grant in self.grants
        )


def principal_for(user) -> Principal:
    """Build (and cache on the user object) the principal for ``user``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Principal(user=user)
    cached = getattr(user, "_casebridge_principal", None)
    if cached is not None:
        return cached
    grants = [
        MembershipGrant(*row)
        for row in user.memberships.filter(is_active=True, agency__is_active=True).values_list(
            "agency_id", "role", "program_id", "team_id", "team__program_id", "agency__name"
        )
    ]
    principal = Principal(user=user, grants=grants)
    user._casebridge_principal = principal
    return principal


class AccessPolicy:
    def __init__(self):
        self._rules: dict[str, list[Rule]] = defaultdict(list)
        self._exclusions: dict[str, list[Exclusion]] = defaultdict(list)
        self._identity_rules: list[IdentityRule] = []

    def rule(self, model: type[models.Model]):
        """Decorator: register a rule that grants rows of ``model``."""

        def register(func: Rule) -> Rule:
            self._rules[model._meta.label_lower].append(func)
            return func

        return register

    def exclusion(self, model: type[models.Model]):
        """Decorator: register a filter that removes rows whatever the grants say."""

        def register(func: Exclusion) -> Exclusion:
            self._exclusions[model._meta.label_lower].append(func)
            return func

        return register

    def identity_rule(self, func: IdentityRule) -> IdentityRule:
        """Decorator: register ``func(principal) -> {person ids}`` whose identity is hidden."""
        self._identity_rules.append(func)
        return func

    def hidden_person_ids(self, user) -> frozenset:
        """Persons whose identity ``user`` may not see: one query per request, cached on the user
        object like the principal. Anonymous visitors (e.g. a provider's secure link) and users
        without memberships are outside every circle."""
        cached = getattr(user, "_casebridge_hidden_persons", None)
        if cached is not None:
            return cached
        principal = principal_for(user)
        hidden: set = set()
        for rule in self._identity_rules:
            hidden |= set(rule(principal))
        result = frozenset(hidden)
        if user is not None:
            user._casebridge_hidden_persons = result
        return result

    def forget_hidden_persons(self, user) -> None:
        """Drop the cached set (after a write that changes who is protected)."""
        with contextlib.suppress(AttributeError):
            del user._casebridge_hidden_persons

    def filter_for(self, model: type[models.Model], user) -> Q | None:
        """The Q selecting rows of ``model`` visible to ``user``; None means nothing."""
        principal = principal_for(user)
        label = model._meta.label_lower
        parts: list[Q] = []
        for grant in principal.grants:
            for rule in self._rules[label]:
                q = rule(principal, grant)
                if q is not None and not q:
                    raise ValueError(
                        f"Access rule {rule.__qualname__} returned an empty Q (= all rows)."
                    )
                if q is not None and q not in parts:
                    parts.append(q)
        if not parts:
            return None
        combined = parts[0]
        for q in parts[1:]:
            combined |= q
        for exclusion in self._exclusions[label]:
            q = exclusion(principal)
            if q is not None:
                combined &= ~q
        return combined

    def scope(self, queryset: models.QuerySet, user) -> models.QuerySet:
        q = self.filter_for(queryset.model, user)
        if q is None:
            return queryset.none()
        return queryset.filter(q)


policy = AccessPolicy()


class VisibleQuerySet(models.QuerySet):
    """Queryset whose ``visible_to(user)`` applies the access policy."""

    def visible_to(self, user):
        return policy.scope(self, user)
