"""Parameter types shared by the API's operations, each within limits the database can take."""

from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

# Ids are 64-bit in every database the platform runs on; a larger number is refused before it reaches a query.
MAX_ID = 2**63 - 1
ID = Annotated[int, Field(ge=1, le=MAX_ID)]

# PostgreSQL can neither store nor compare text with a NUL character in it.
NO_NUL_PATTERN = "^[^\\u0000]*$"


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain the NUL character")
    return value


class _NulFree:
    """Refuses text with a NUL character (error type nul_character) and says so in the schema as a pattern."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_without_nul, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = NO_NUL_PATTERN
        return json_schema


NulFree = _NulFree()

# Free text in a filter: a part of a name, a title, a tag.
SearchText = Annotated[str, Field(max_length=200), NulFree]
Tag = Annotated[str, Field(max_length=100), NulFree]
