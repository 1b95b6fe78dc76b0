"""Organisation register endpoints (filled in by the organisations work)."""

from ninja import Router

router = Router(tags=["organisations"])
