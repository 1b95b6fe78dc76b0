"""The API's one error format, and how every refusal becomes it.

Every error the API answers is JSON of the shape `ErrorOut`: a stable English `code` for programs, a `detail`
for people in the request's language (Swedish unless the person chose English on the site), and for bad
parameters one entry per problem with the parameter's name. Operations declare the statuses they can answer
with `responses(...)`, so that the published OpenAPI document lists each one: 400 on every operation (any
request may carry malformed parameters or more than Django accepts, see samrad.api.middleware), 404 where an id
is in the path, 403 where a caller may be refused, 401 where a login is needed.
"""

import logging
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError


class ErrorCode(StrEnum):
    """What went wrong, as a stable identifier to program against (the `detail` text may change)."""

    INVALID_PARAMETERS = "invalid_parameters"
    TOO_MANY_PARAMETERS = "too_many_parameters"
    BAD_REQUEST = "bad_request"
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


class ParameterProblemOut(Schema):
    parameter: str = Field(description="The parameter's name; a list item's position follows a dot (kind.1).")
    code: str = Field(description="The kind of problem as a stable identifier, e.g. int_parsing or less_than_equal.")
    message: str = Field(description="The problem, for people, in the request's language.")


class ErrorOut(Schema):
    code: ErrorCode
    detail: str = Field(description="What went wrong and what to do, in the request's language (Swedish by default).")
    errors: list[ParameterProblemOut] = Field(
        default_factory=list, description="For invalid_parameters: each problem; empty otherwise."
    )


class ApiError(Exception):
    """A refusal the API answers in its error format: `raise ApiError(404, ErrorCode.NOT_FOUND, _("…"))`."""

    def __init__(self, status: int, code: ErrorCode, detail: str | Promise) -> None:
        super().__init__(str(detail))
        self.status = status
        self.code = code
        self.detail = detail


def not_found(detail: str | Promise) -> ApiError:
    return ApiError(404, ErrorCode.NOT_FOUND, detail)


def forbidden(detail: str | Promise) -> ApiError:
    return ApiError(403, ErrorCode.FORBIDDEN, detail)


# What pydantic's error types mean, in words the translation catalogue holds. The placeholders are filled from
# the error's context (ge, le, max_length, ...). Types not listed get the general message.
_MESSAGES: dict[str, Promise] = {
    "missing": _("is required"),
    "int_parsing": _("must be a whole number"),
    "int_type": _("must be a whole number"),
    "int_from_float": _("must be a whole number"),
    "int_parsing_size": _("is too large a number"),
    "greater_than_equal": _("must be at least %(ge)s"),
    "greater_than": _("must be greater than %(gt)s"),
    "less_than_equal": _("must be at most %(le)s"),
    "less_than": _("must be less than %(lt)s"),
    "enum": _("must be one of %(expected)s"),
    "bool_parsing": _("must be true or false"),
    "bool_type": _("must be true or false"),
    "date_parsing": _("must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": _("must be a date written YYYY-MM-DD"),
    "date_from_datetime_inexact": _("must be a date written YYYY-MM-DD"),
    "date_type": _("must be a date written YYYY-MM-DD"),
    "county_code": _("must be a two-digit county code such as 01"),
    "nul_character": _("must not contain the NUL character"),
}
_GENERAL_MESSAGE = _("is not a valid value")


def _problem_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "string_too_long":
        limit = context.get("max_length", 0)
        return ngettext("must be at most %(n)d character", "must be at most %(n)d characters", limit) % {"n": limit}
    if kind == "string_too_short":
        limit = context.get("min_length", 0)
        return ngettext("must be at least %(n)d character", "must be at least %(n)d characters", limit) % {"n": limit}
    template = _MESSAGES.get(kind)
    if template is None:
        return str(_GENERAL_MESSAGE)
    values = {key: str(value) for key, value in context.items()}
    if kind == "enum":
        # pydantic lists the values as "'a', 'b' or 'c'"; the values are identifiers, so the last " or " is
        # the only one and gives way to a comma rather than an English word.
        values["expected"] = values.get("expected", "").replace("' or '", "', '")
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return str(_GENERAL_MESSAGE)


def _parameter(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", []) if part not in ("query", "path", "body"))


def _error_response(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every refusal, and every malformed request that reaches the API, in the error format."""

    @api.exception_handler(ValidationError)
    def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [
            {"parameter": _parameter(error), "code": str(error.get("type", "")), "message": _problem_message(error)}
            for error in exc.errors
        ]
        text = "; ".join(f"{problem['parameter']}: {problem['message']}" for problem in problems)
        detail = _("Invalid parameters: %(problems)s") % {"problems": text}
        return _error_response(
            api, request, 400, {"code": ErrorCode.INVALID_PARAMETERS, "detail": detail, "errors": problems}
        )

    @api.exception_handler(ApiError)
    def refused(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _error_response(api, request, exc.status, {"code": exc.code, "detail": str(exc.detail), "errors": []})

    @api.exception_handler(Http404)
    def not_found_anywhere(request: HttpRequest, exc: Http404) -> HttpResponse:
        detail = _("Nothing was found at this address.")
        return _error_response(api, request, 404, {"code": ErrorCode.NOT_FOUND, "detail": detail, "errors": []})

    @api.exception_handler(SuspiciousOperation)
    def malformed(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return malformed_request_response(api, request, exc)


def malformed_request_response(api: NinjaAPI, request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """What Django answers with its 400 page, the API answers in its own format; logged as Django logs it."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        code = ErrorCode.TOO_MANY_PARAMETERS
        detail = _("The request has more than %(limit)s parameters; send fewer.") % {"limit": limit}
    else:
        code, detail = ErrorCode.BAD_REQUEST, str(_("The request could not be read."))
    body = {"code": code, "detail": detail, "errors": []}
    return _error_response(api, request, 400, body)


def responses(ok: Any, *statuses: int) -> dict[int, Any]:
    """The response map of an operation: `ok` for 200 and the error format for each of `statuses`."""
    return {200: ok, **dict.fromkeys(statuses, ErrorOut)}
