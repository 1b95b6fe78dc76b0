"""Text extraction runs in a child process with limits: time, processor time, memory, pages, characters. A file
that hits one is kept, flagged as cut off with the limit named, with what was read before; never left pending."""

import io
import time

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from samrad.audit.models import AuditEvent
from samrad.documents.models import DocumentPage, StoredFile
from samrad.documents.services import file_intake, stored_file_extract_text
from samrad.documents.tests import samples

pytestmark = pytest.mark.django_db


def intake(data: bytes, name: str, **kwargs) -> StoredFile:
    return file_intake(actor=None, stream=io.BytesIO(data), name=name, **kwargs)


def page_texts(stored: StoredFile) -> list[tuple[int, str]]:
    return [(p.number, p.text) for p in DocumentPage.objects.filter(file=stored).order_by("number")]


def test_a_pdf_whose_pages_share_one_huge_content_stream_is_stopped_at_the_time_limit(settings):
    settings.EXTRACTION_TIME_LIMIT = 4
    # About 2 s a page for 60 pages: two minutes in one reader, without the limit.
    bomb = samples.make_extraction_bomb(pages=60, first_pages=("Inledning om samverkan", "Bakgrund"))
    assert len(bomb) < 50_000
    stored = intake(bomb, "remiss.pdf")

    started = time.monotonic()
    stored = stored_file_extract_text(stored_file=stored)
    elapsed = time.monotonic() - started

    assert elapsed < settings.EXTRACTION_TIME_LIMIT + 2, f"extraction took {elapsed:.1f} s"
    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.TIME
    assert stored.text_flagged
    assert stored.text_claimed_at is None
    # What was read before the limit is kept and searchable.
    assert page_texts(stored)[:2] == [(1, "Inledning om samverkan"), (2, "Bakgrund")]
    assert "4" in stored.text_error
    event = AuditEvent.objects.get(action="file.text_extracted", object_id=str(stored.pk))
    assert event.changes["cut_off"] == "time"
    assert event.changes["text_state"] == ["pending", "partial"]


def test_the_processor_time_limit_stops_a_reader_the_kernel_way(settings):
    settings.EXTRACTION_TIME_LIMIT = 60
    settings.EXTRACTION_CPU_LIMIT = 1
    stored = intake(samples.make_extraction_bomb(pages=60), "remiss.pdf")

    started = time.monotonic()
    stored = stored_file_extract_text(stored_file=stored)

    assert time.monotonic() - started < 20
    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.CPU


def test_only_the_first_pages_are_read_beyond_the_page_limit(settings):
    settings.EXTRACTION_MAX_PAGES = 2
    stored = intake(samples.make_pdf("Sida ett", "Sida två", "Sida tre", "Sida fyra"), "lang.pdf")

    stored = stored_file_extract_text(stored_file=stored)

    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.PAGES
    assert page_texts(stored) == [(1, "Sida ett"), (2, "Sida två")]


def test_a_file_with_exactly_the_page_limit_is_read_whole(settings):
    settings.EXTRACTION_MAX_PAGES = 2
    stored = stored_file_extract_text(stored_file=intake(samples.make_pdf("Sida ett", "Sida två"), "kort.pdf"))
    assert stored.text_state == StoredFile.TextState.EXTRACTED
    assert stored.text_cut_off == ""


def test_text_beyond_the_character_limit_is_cut_and_said_so(settings):
    settings.EXTRACTION_MAX_CHARS = 12
    stored = intake(samples.make_pdf("Yttrande över regionbildningen", "Sida två"), "yttrande.pdf")

    stored = stored_file_extract_text(stored_file=stored)

    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.CHARS
    assert page_texts(stored) == [(1, "Yttrande öve")]


def test_a_reader_that_needs_more_memory_than_allowed_is_stopped(settings):
    settings.EXTRACTION_MEMORY_LIMIT = 2 * 1024 * 1024
    text = ("Synpunkter på förslaget till regional indelning. " * 200_000).encode()  # 10 MB
    stored = intake(text, "synpunkter.txt", allowed_kinds=("txt",))

    stored = stored_file_extract_text(stored_file=stored)

    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.MEMORY
    assert page_texts(stored) == []


def test_the_reason_a_text_was_cut_off_is_shown_where_its_state_is(settings):
    settings.EXTRACTION_MAX_PAGES = 1
    stored = stored_file_extract_text(stored_file=intake(samples.make_pdf("Ett", "Två"), "lang.pdf"))

    with translation.override("sv"):
        html = render_to_string("library/includes/text_state.html", {"file": stored})

    assert "Texten är avkortad" in html
    assert "filen har fler sidor än vad som läses" in html
