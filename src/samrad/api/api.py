"""The open JSON API under /api/v1/. Each app contributes a router; endpoints call selectors and services."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from samrad.api.organisations import geography_router
from samrad.api.organisations import router as organisations_router

api = NinjaAPI(
    title="Samråd API",
    version="1",
    description="Open data from Samråd: the organisation register, consultations and dialogues.",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Answer bad parameters with 400 and a message a person can read, not only the raw pydantic detail."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", []) if part not in ("query", "path", "body"))
        problems.append({"parameter": where, "message": error.get("msg", "")})
    text = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems)
    return api.create_response(
        request, {"detail": _("Invalid parameters: %(problems)s") % {"problems": text}, "errors": problems}, status=400
    )


api.add_router("/organisations", organisations_router)
api.add_router("", geography_router)
api.add_router("/consultations", "samrad.api.consultations.router")
api.add_router("/dialogue", "samrad.api.dialogue.router")
api.add_router("/library", "samrad.api.library.router")
api.add_router("/search", "samrad.api.search.router")
