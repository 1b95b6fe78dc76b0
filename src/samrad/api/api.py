"""The open JSON API under /api/v1/. Each app contributes a router; endpoints call selectors and services.

The OpenAPI document at /api/v1/openapi.json is what the API does: a test validates it with
openapi-spec-validator and fuzzes every operation against it with schemathesis (samrad/api/tests).
The docs at /api/v1/docs are django-ninja's bundled Swagger UI, served from the project's static files.
"""

from typing import Any

from ninja import NinjaAPI, Swagger

from samrad.api.errors import install_error_handlers
from samrad.api.organisations import geography_router
from samrad.api.organisations import router as organisations_router

DESCRIPTION = """Open data from Samråd: the organisation register, consultations and dialogues.

Without a login every operation answers with what is public. Logged in on the site, the same browser sees what
the site shows that person (the drafts a coordinator runs, the series their organisation is invited to).

Labels (`*_label`) and messages (`detail`) are in Swedish unless English was chosen on the site; machine values
(statuses, kinds, error codes) are stable English identifiers. Every error is JSON with a `code`, a `detail` and,
for bad parameters, one entry per problem in `errors`."""


class SamradAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for parameter in operation.get("parameters", []):
                    _tidy_parameter(parameter)
        return schema


def _tidy_parameter(parameter: dict[str, Any]) -> None:
    """Say of a parameter what OpenAPI 3.1 means, where pydantic's JSON Schema for the model says something else:
    a query or path parameter is a string given or not given, never JSON null (absent is `required: false`), and
    a parameter's `examples` is a map of Example objects, not JSON Schema's list."""
    schema = parameter.get("schema", {})
    alternatives = schema.get("anyOf")
    if alternatives is not None:
        kept = [alternative for alternative in alternatives if alternative != {"type": "null"}]
        if len(kept) == 1:
            del schema["anyOf"]
            schema.update({key: value for key, value in kept[0].items() if key not in schema})
        else:
            schema["anyOf"] = kept
    if schema.get("default", ...) is None:
        del schema["default"]
    examples = parameter.get("examples")
    if isinstance(examples, list):
        parameter["examples"] = {f"example_{number}": {"value": value} for number, value in enumerate(examples, 1)}


api = SamradAPI(
    title="Samråd API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # Swagger UI from the site's static files (templates/ninja/swagger.html). No validator badge: it would fetch
    # an image from outside the site. No deep links: their anchors sit inside the operations' buttons, and a link
    # inside a button is unreachable by keyboard and screen readers (axe: nested-interactive).
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": False}),
)
install_error_handlers(api)

api.add_router("/organisations", organisations_router)
api.add_router("", geography_router)
api.add_router("/consultations", "samrad.api.consultations.router")
api.add_router("/consultations", "samrad.api.answers.router")
api.add_router("/dialogue", "samrad.api.dialogue.router")
api.add_router("/library", "samrad.api.library.router")
api.add_router("/search", "samrad.api.search.router")
