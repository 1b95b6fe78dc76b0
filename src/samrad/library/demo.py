"""Demo content of the knowledge base: a handful of background documents on the regional reform (regionbildning)
in Stockholm and Gotland, written for the demo and stored as generated PDF and Word files, linked to the first
open consultation and the first dialogue series if there are any.

Idempotent: a document whose title is already in the knowledge base is left alone (only linked, if it was not).
The text of each file is extracted and indexed at once, so that searching "regionbildning" finds the documents
with highlighted snippets without waiting for the background worker.
"""

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from samrad.actors import Actor
from samrad.consultations.models import Consultation
from samrad.dialogue.models import DialogueSeries
from samrad.documents.generation import PDF_LINE_WIDTH, make_docx_pages, make_pdf
from samrad.documents.services import stored_file_extract_text
from samrad.library.indexing import search_index_object
from samrad.library.models import LibraryDocument
from samrad.library.services import library_document_create, library_document_update
from samrad.organisations.selectors import organisation_find_by_name


@dataclass(frozen=True)
class DemoDocument:
    title: str
    kind: str
    summary: str
    tags: tuple[str, ...]
    published_on: dt.date
    organisation: str  # name of the organisation behind it ("" for none)
    file_format: str  # "pdf" or "docx"
    pages: tuple[tuple[str, ...], ...]  # pages, each a list of paragraphs


DOCUMENTS = (
    DemoDocument(
        title="Regionbildning i Stockholms och Gotlands län – delbetänkande",
        kind=LibraryDocument.Kind.REPORT,
        summary=(
            "Indelningskommitténs delbetänkande om en större region för Stockholms och Gotlands län: "
            "bakgrund, alternativ och konsekvenser för kommunerna."
        ),
        tags=("regionbildning", "indelning", "Gotland"),
        published_on=dt.date(2016, 3, 15),
        organisation="Stockholms läns landsting",
        file_format="pdf",
        pages=(
            (
                "Sammanfattning",
                "Kommittén föreslår att Stockholms län och Gotlands län bildar en gemensam region från år 2019. "
                "Regionbildningen ska ge bättre förutsättningar för regional utveckling, kollektivtrafik och "
                "hälso- och sjukvård.",
                "Förslaget bygger på samråd med kommunerna, landstinget och Region Gotland under 2015.",
            ),
            (
                "Kapitel 3. Alternativ till regionbildning",
                "Tre alternativ har prövats: ett oförändrat län, en region för Stockholms län ensamt och en "
                "gemensam region med Gotland. Det tredje alternativet ger störst möjligheter till samordning av "
                "infrastruktur och planering.",
                "Kostnaderna för övergången beräknas till 120 miljoner kronor under de två första åren.",
            ),
            (
                "Kapitel 5. Konsekvenser för kommunerna",
                "Kommunernas ansvar förändras inte. Regionen tar över landstingets uppgifter och det regionala "
                "utvecklingsansvaret från länsstyrelsen. Kommunerna får en starkare röst genom ett regionalt "
                "samverkansråd.",
            ),
        ),
    ),
    DemoDocument(
        title="Kommunernas synpunkter på regionbildningen – sammanställning",
        kind=LibraryDocument.Kind.REPORT,
        summary="KSL:s sammanställning av vad länets 26 kommuner har sagt om en ny region i dialogmötena.",
        tags=("regionbildning", "dialog", "kommuner"),
        published_on=dt.date(2016, 5, 30),
        organisation="Kommunförbundet Stockholms Län",
        file_format="docx",
        pages=(
            (
                "Sammanställning av kommunernas synpunkter",
                "En klar majoritet av kommunerna ser positivt på regionbildningen, under förutsättning att "
                "kommunernas inflytande över den regionala planeringen säkras.",
                "Flera kommuner i Södertörn och Nordost betonar behovet av en gemensam bostadsplanering.",
            ),
            (
                "Frågor som kommunerna vill att regionen utreder vidare",
                "Finansieringen av kollektivtrafiken efter regionbildningen, ansvaret för "
                "kompetensförsörjningen och hur Gotlands särskilda förutsättningar tas till vara.",
            ),
        ),
    ),
    DemoDocument(
        title="Befolkning och pendling i Stockholmsregionen 2015",
        kind=LibraryDocument.Kind.STATISTICS,
        summary="Statistik om befolkning, inflyttning och arbetspendling över kommun- och länsgränser.",
        tags=("statistik", "pendling", "befolkning"),
        published_on=dt.date(2016, 2, 1),
        organisation="Länsstyrelsen i Stockholms län",
        file_format="pdf",
        pages=(
            (
                "Befolkning",
                "Gotlands län hade 57 391 invånare vid årsskiftet. Stockholms län växer snabbare än något annat "
                "län, främst genom inflyttning och födelseöverskott.",
            ),
            (
                "Pendling",
                "En stor del av de förvärvsarbetande pendlar dagligen över en kommungräns inom länet. Pendlingen "
                "mellan Gotland och fastlandet är liten. Underlaget används i arbetet med regionbildningen.",
            ),
        ),
    ),
    DemoDocument(
        title="Beslut om remiss av förslaget till ny regional indelning",
        kind=LibraryDocument.Kind.DECISION,
        summary="Landstingsstyrelsens beslut att remittera indelningskommitténs förslag till länets kommuner.",
        tags=("beslut", "remiss", "regionbildning"),
        published_on=dt.date(2016, 4, 5),
        organisation="Stockholms läns landsting",
        file_format="docx",
        pages=(
            (
                "Protokollsutdrag, landstingsstyrelsen § 87",
                "Landstingsstyrelsen beslutar att remittera förslaget om regionbildning i Stockholms och Gotlands "
                "län till länets kommuner, Region Gotland och Länsstyrelsen i Stockholms län.",
                "Remissvaren ska ha kommit in senast den 30 september 2016.",
            ),
        ),
    ),
    DemoDocument(
        title="Förslag till gemensam regional utvecklingsplan efter regionbildningen",
        kind=LibraryDocument.Kind.PROPOSAL,
        summary="Ett första utkast till mål och strategier för den nya regionens utvecklingsplan.",
        tags=("regionbildning", "utvecklingsplan", "planering"),
        published_on=dt.date(2016, 9, 1),
        organisation="",
        file_format="pdf",
        pages=(
            (
                "Mål för den nya regionen",
                "Utvecklingsplanen ska göra regionen till Europas mest attraktiva storstadsregion, med en "
                "sammanhållen bostadsmarknad och kollektivtrafik som binder samman kommunerna.",
            ),
            (
                "Strategier",
                "Planen föreslår fyra strategier: ökad tillgänglighet, fler bostäder, en stark arbetsmarknad och "
                "en hållbar energiförsörjning. Regionbildningen gör det möjligt att planera dem tillsammans.",
            ),
        ),
    ),
)


def _file(document: DemoDocument) -> tuple[bytes, str]:
    name = document.title.split(" – ")[0][:60]
    if document.file_format == "pdf":
        pages = ["\n".join(paragraphs) for paragraphs in document.pages]
        return make_pdf(*pages, wrap=PDF_LINE_WIDTH, title=document.title), f"{name}.pdf"
    return make_docx_pages([list(p) for p in document.pages], title=document.title), f"{name}.docx"


def _arguments(document: LibraryDocument) -> dict[str, Any]:
    return {
        "title": document.title,
        "kind": document.kind,
        "summary": document.summary,
        "tags": [tag.name for tag in document.tags.all()],
        "published_on": document.published_on,
        "organisation": document.organisation,
        "url": document.url,
        "visibility": document.visibility,
        "readers": list(document.readers.all()),
    }


def library_demo_load(*, actor: Actor = "demo") -> list[LibraryDocument]:
    """Add the demo documents that are missing, link them all to the first open consultation and dialogue
    series (if any), and make their text searchable now. Returns the demo documents."""
    consultation = Consultation.objects.filter(status=Consultation.Status.OPEN).order_by("opens_at", "id").first()
    series = DialogueSeries.objects.order_by("created_at", "id").first()
    loaded = []
    for spec in DOCUMENTS:
        document = LibraryDocument.objects.filter(title=spec.title).first()
        if document is None:
            data, name = _file(spec)
            with transaction.atomic():
                document = library_document_create(
                    actor=actor,
                    title=spec.title,
                    kind=spec.kind,
                    summary=spec.summary,
                    tags=spec.tags,
                    published_on=spec.published_on,
                    # By the name of the document's time: the 2016 documents name Stockholms läns landsting.
                    organisation=organisation_find_by_name(spec.organisation) if spec.organisation else None,
                    file_stream=io.BytesIO(data),
                    file_name=name,
                    consultations=[consultation] if consultation else [],
                    dialogue_series=[series] if series else [],
                )
        else:
            consultations = set(document.consultations.all()) | ({consultation} if consultation else set())
            dialogues = set(document.dialogue_series.all()) | ({series} if series else set())
            if consultations != set(document.consultations.all()) or dialogues != set(document.dialogue_series.all()):
                document = library_document_update(
                    actor=actor,
                    document=document,
                    consultations=consultations,
                    dialogue_series=dialogues,
                    **_arguments(document),
                )
        if document.file is not None:
            stored_file_extract_text(actor=actor, stored_file=document.file)
        search_index_object(document)
        loaded.append(document)
    return loaded
