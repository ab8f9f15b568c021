"""Hidden identities: rows that carry a protected person's identity are blanked as they load.

The access policy decides *which* persons' identities a user may not see
(``policy.hidden_person_ids``). This module applies that decision in one place, the model's
``from_db``: every row of an :class:`IdentityProtected` model that is loaded while a viewer is
set (each web and API request, see ``core.middleware``) has its identity fields replaced by
neutral placeholders ("Protected person #1a2b3c4d") when its person is hidden from the viewer.
Because it happens when rows are loaded — through ``visible_to``, ``select_related``, prefetches
or a lazy foreign key alike — a template, schema or export that forgets about protection still
renders the placeholder: it fails closed.

A blanked row never writes its placeholders back: ``save()`` leaves the blanked columns out.
Code without a viewer (management commands, background jobs, tests calling services) sees
real values; code that produces something for a specific outsider sets one with
:func:`viewing_as`.
"""

import contextvars
from contextlib import contextmanager

from django.db import models
from django.utils.translation import gettext as _

from casebridge.core.access import policy

_NO_VIEWER = None
_viewer: contextvars.ContextVar = contextvars.ContextVar(
    "casebridge_identity_viewer", default=_NO_VIEWER
)


def set_viewer(resolve) -> contextvars.Token:
    """``resolve()`` returns the user rows are shown to (called lazily, e.g. ``request.user``
    once authentication has run)."""
    return _viewer.set(resolve)


def reset_viewer(token: contextvars.Token) -> None:
    _viewer.reset(token)


@contextmanager
def viewing_as(user):
    """Load rows as ``user`` sees them (``None``: an anonymous outsider)."""
    token = set_viewer(lambda: user)
    try:
        yield
    finally:
        reset_viewer(token)


def hidden_for_viewer() -> frozenset | None:
    """Person ids hidden from the current viewer; None when no viewer is set (system code)."""
    resolve = _viewer.get()
    if resolve is _NO_VIEWER:
        return None
    return policy.hidden_person_ids(resolve())


def reference(person_id) -> str:
    """A stable short reference for a protected person: the start of their id."""
    return f"#{str(person_id)[:8]}"


def placeholder_name() -> str:
    return _("Protected person")


def conceal(instance) -> None:
    """Blank ``instance``'s identity fields if its person is hidden from the current viewer."""
    attname = instance.identity_person_attname
    if attname in instance.__dict__:
        person_id = instance.__dict__[attname]
        if person_id is None:
            return
        hidden = hidden_for_viewer()
        if not hidden or person_id not in hidden:
            return
        ref = reference(person_id)
    else:  # the person id was deferred (``only()``): whose row it is is unknown, so fail closed
        if not hidden_for_viewer():
            return
        ref = ""
    blanks = instance.identity_placeholders(ref)
    if not blanks:
        return
    for name, value in blanks.items():
        setattr(instance, name, value)
    instance._identity_blanked = frozenset(blanks) | instance.__dict__.get(
        "_identity_blanked", frozenset()
    )


class IdentityProtected(models.Model):
    """A model whose rows carry a person's identity or whereabouts.

    Subclasses name the attribute holding the person id and return, per row, the placeholder
    value of each field to blank.
    """

    identity_person_attname = "person_id"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        blanked = self.__dict__.get("_identity_blanked")
        if blanked:
            if args or kwargs.get("force_insert"):
                raise TypeError("A record with a hidden identity saves with keyword arguments.")
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name not in blanked]
        super().save(*args, **kwargs)

    def identity_placeholders(self, ref: str) -> dict:
        raise NotImplementedError

    @property
    def identity_hidden(self) -> bool:
        """True when this row was blanked for the current viewer."""
        return bool(self.__dict__.get("_identity_blanked"))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        conceal(instance)
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        conceal(self)
