"""Reading a compilation: the content its documents show (frozen at sign-off, live while a draft)."""

from samrad.consultations.models import Consultation
from samrad.reports.content import Content, compilation_content
from samrad.reports.models import Compilation


def compilation_of(consultation: Consultation) -> Compilation | None:
    return Compilation.objects.filter(consultation=consultation).first()


def document_content(compilation: Compilation) -> Content:
    """What the documents say: the signed-off content, or for a draft the answers as they are now."""
    if compilation.is_signed_off and compilation.content:
        return Content.from_json(compilation.content)
    return compilation_content(compilation.consultation, summary=compilation.summary)
