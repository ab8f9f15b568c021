"""API plumbing shared by every router: authentication, error shapes, pagination."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, django_auth
from pydantic import Field

from casebridge.accounts.services import api_token_authenticate
from casebridge.core.errors import LockedError, NotVisible, TransitionError


class BearerToken(HttpBearer):
    """``Authorization: Bearer cb_…`` for integrations."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api_auth = [BearerToken(), django_auth]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def _error(api, request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def install_error_handlers(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def schema_errors(request, exc):
        errors = []
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", [])]
            if loc and loc[0] in {"body", "query", "path"} and len(loc) > 1 and loc[1] == "payload":
                loc = [loc[0], *loc[2:]]
            errors.append({"field": ".".join(loc), "message": error.get("msg", "Invalid value")})
        return _error(api, request, 422, "The request has invalid fields.", errors)

    @api.exception_handler(TransitionError)
    def transition_errors(request, exc):
        return _error(api, request, 409, " ".join(exc.messages))

    @api.exception_handler(LockedError)
    def locked_errors(request, exc):
        return _error(api, request, 409, " ".join(exc.messages))

    @api.exception_handler(DjangoValidationError)
    def domain_errors(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": "body" if name == "__all__" else f"body.{name}", "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
            return _error(api, request, 422, "The request has invalid fields.", errors)
        return _error(api, request, 422, " ".join(exc.messages))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return _error(api, request, 403, str(exc) or "Not allowed.")

    @api.exception_handler(NotVisible)
    def not_found(request, exc):
        return _error(api, request, 404, "Not found.")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return _error(api, request, 401, "Authentication required.")

    @api.exception_handler(HttpError)
    def http_errors(request, exc):
        return _error(api, request, exc.status_code, str(exc))


class Page(PaginationBase):
    """``?limit=&offset=`` pagination with a hard maximum page size."""

    class Input(Schema):
        limit: int = Field(25, ge=1, le=settings.API_MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0)

    class Output(Schema):
        items: list
        count: int
        limit: int
        offset: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        return {
            "items": list(queryset[pagination.offset : pagination.offset + pagination.limit]),
            "count": queryset.count(),
            "limit": pagination.limit,
            "offset": pagination.offset,
        }
