"""API plumbing shared by every router: authentication, error shapes, pagination."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser
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


class BodyError(Exception):
    """A request body that is not JSON (415), not well-formed JSON (400) or holds text no
    database column can store (422, with the fields named)."""

    def __init__(self, status: int, detail: str, errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or [{"field": "body", "message": detail}]


def unstorable_text(value: str) -> str | None:
    """Why ``value`` cannot be stored (PostgreSQL refuses NUL; UTF-8 has no lone surrogates)."""
    if "\x00" in value:
        return "Text cannot contain NUL (\\u0000) characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Text cannot contain unpaired surrogate (\\ud800-\\udfff) characters."
    return None


def _unstorable_fields(data, loc: str):
    if isinstance(data, str):
        message = unstorable_text(data)
        if message:
            yield {"field": loc, "message": message}
    elif isinstance(data, dict):
        for key, value in data.items():
            message = unstorable_text(key)
            if message:
                yield {"field": f"{loc}.{key!r}", "message": message}
            else:
                yield from _unstorable_fields(value, f"{loc}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unstorable_fields(value, f"{loc}.{index}")


class JsonParser(Parser):
    """Request bodies are JSON; anything else is refused with an error that names the problem.

    Text that no column can store (NUL, lone surrogates) is refused here for every operation,
    naming the field, rather than failing in the database with a 500.

    Ninja wraps whatever ``parse_body`` raises in a bare "Cannot parse request body" 400; the
    ``HttpError`` handler below unwraps a :class:`BodyError` to answer with its own status.
    """

    def parse_body(self, request):
        media_type = request.content_type or ""
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise BodyError(
                415,
                f"Unsupported Content-Type {media_type or '(none)'!r}: "
                "send the request body as JSON with Content-Type: application/json.",
            )
        try:
            data = json.loads(request.body)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise BodyError(400, f"The request body is not valid JSON: {exc}.") from exc
        errors = list(_unstorable_fields(data, "body"))
        if errors:
            raise BodyError(422, "The request has invalid fields.", errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        errors = [
            {"loc": ("query", key), "msg": message}
            for key, values in data.lists()
            for message in {unstorable_text(key), *map(unstorable_text, values)} - {None}
        ]
        if errors:
            raise NinjaValidationError(errors)
        return super().parse_querydict(data, list_fields, request)


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
        if isinstance(exc.__cause__, BodyError):
            body_error = exc.__cause__
            return _error(api, request, body_error.status, body_error.detail, body_error.errors)
        return _error(api, request, exc.status_code, str(exc))


_ERROR_RESPONSES = {
    400: "The request body is not valid JSON.",
    401: "Authentication required.",
    415: "The request body is not JSON.",
    422: "The request has invalid fields.",
}


class CasebridgeAPI(NinjaAPI):
    """The NinjaAPI with the error answers the shared plumbing can give documented on every
    operation: 401 (authentication), 422 (invalid path/query/body) and, with a body, 400/415."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                codes = set()
                if operation.get("security"):
                    codes.add(401)
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.add(422)
                if operation.get("requestBody"):
                    codes |= {400, 415}
                responses = operation.setdefault("responses", {})
                for code in sorted(codes - {int(c) for c in responses}):
                    responses[code] = {"description": _ERROR_RESPONSES[code], "content": error}
        return schema


class Page(PaginationBase):
    """``?limit=&offset=`` pagination with a hard maximum page size."""

    class Input(Schema):
        limit: int = Field(25, ge=1, le=settings.API_MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=2**31 - 1)

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
