"""Who is acting, from where: set per request by middleware, read by the audit log."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    source: str = "cli"
    actor_label: str = ""


_DEFAULT = RequestContext()
_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "casebridge_request_context",
    default=_DEFAULT,  # noqa: B039 (frozen dataclass, immutable)
)


def current_request_context() -> RequestContext:
    return _context.get()


def set_request_context(context: RequestContext) -> contextvars.Token:
    return _context.set(context)


def reset_request_context(token: contextvars.Token) -> None:
    _context.reset(token)
