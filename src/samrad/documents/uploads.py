"""Refusing oversized uploads while they arrive, not after they have been written to disk.

Two guards, both before any view runs:

- `UploadLimitMiddleware`: a request that *declares* (Content-Length) more than the largest file accepted
  plus the form around it (`request_max_bytes()`) is answered 413 at once, its body never read; the page says
  in Swedish what happened and how large a file may be (the API gets its JSON error, `{"detail": ...}`).
- `UploadLimitHandler`, first in FILE_UPLOAD_HANDLERS: counts each file's bytes as they stream in. Past the
  largest file accepted (`upload_max_bytes()`) it passes nothing more on (what the temporary-file handler had
  written is deleted at once) and reads the rest of that file without keeping it; the rest of the form (what the
  person typed) is parsed as usual. The file arrives in the view as a `RefusedUpload`, which
  `documents.services.file_intake` (and the register import's form) refuse with a clear message, so the person
  gets the form back with their text and an error on the file field.

Reverse proxies should refuse the same sizes themselves (nginx `client_max_body_size`); see
docs/operations.md.
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def upload_max_bytes() -> int:
    """The largest single file any form accepts."""
    return max(settings.UPLOAD_MAX_BYTES, settings.IMPORT_MAX_BYTES)


def request_max_bytes() -> int:
    """The largest request body: one file of the largest size plus the form's fields and multipart framing."""
    return upload_max_bytes() + settings.UPLOAD_FORM_OVERHEAD


class RefusedUpload(UploadedFile):
    """A file that was larger than accepted: its name and the bytes received before it was refused, no content."""

    refused = True

    def __init__(self, *, name: str, content_type: str, received: int, limit: int) -> None:
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=received)
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_max_bytes()
        self.received = 0
        self.refused = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received <= self.limit:
            return raw_data
        if not self.refused:
            self.refused = True
            self._discard_what_others_kept()
        return None  # the handlers after this one get nothing more of this file

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.refused:
            return None  # the next handler (memory or temporary file) has the file
        return RefusedUpload(
            name=self.file_name or "", content_type=self.content_type or "", received=self.received, limit=self.limit
        )

    def _discard_what_others_kept(self) -> None:
        """Close (and so delete) the temporary file that a later handler has begun writing for this file."""
        for handler in getattr(self.request, "upload_handlers", []):
            if handler is self:
                continue
            partial = getattr(handler, "file", None)
            if partial is not None and hasattr(partial, "close"):
                partial.close()


class UploadLimitMiddleware:
    """Answers 413 to a request whose declared body is larger than any form accepts, without reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > request_max_bytes():
            return self.refuse(request, declared)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, declared: int) -> HttpResponse:
        if request.path.startswith("/api/"):  # the API answers in its own error format
            message = _("The request is %(size)s; the largest accepted is %(limit)s.") % {
                "size": filesizeformat(declared),
                "limit": filesizeformat(request_max_bytes()),
            }
            response: HttpResponse = JsonResponse({"detail": message}, status=413)
            response["Connection"] = "close"
            return response
        referer = request.META.get("HTTP_REFERER", "")
        back = (
            referer
            if referer
            and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=False)
            else ""
        )
        page = TemplateResponse(
            request,
            "documents/upload_too_large.html",
            {"limit": upload_max_bytes(), "declared": declared, "back": back},
            status=413,
        )
        page.render()
        # The body was not read: the connection cannot carry another request.
        page["Connection"] = "close"
        return page
