"""Masking a consultation's answers: the run in the background, the proposals per answer (its own text and its
attachments' text), a coordinator's decisions, the audit trail (which never holds the personal data itself), and
the masked copy: a new PDF from which the masked text is really gone."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from samrad.audit.models import AuditEvent
from samrad.consultations.models import Submission
from samrad.documents.models import DocumentPage, StoredFile
from samrad.publishing import services
from samrad.publishing.models import MaskingProposal, MaskingRun, MaskingSpan
from samrad.publishing.tests.world import ASSOCIATION_PERSONAL, PRIVATE_PERSONAL, masking_world


@pytest.fixture
def world(region, coordinator):
    return masking_world(region, coordinator)


def _flat(text):
    return " ".join(text.split())


def _spans(submission, **filters):
    return MaskingSpan.objects.filter(text__proposal__submission=submission, **filters).order_by("text__order", "start")


def _run_all(consultation, coordinator):
    run = services.masking_run_start(actor=coordinator, consultation=consultation)
    return services.masking_run(run_id=run.pk, time_limit=600)


def _pdf_text(stored):
    with stored.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_run_proposes_the_personal_data_of_every_answer(world, coordinator):
    run = _run_all(world["consultation"], coordinator)
    assert run.status == MaskingRun.Status.DONE
    assert (run.done, run.total) == (3, 3)

    private = {_flat(span.content) for span in _spans(world["private"])}
    for value in PRIVATE_PERSONAL:
        assert value in private, value
    # The attachment's file name holds the name too.
    assert _spans(world["private"], text__key__endswith=":name").exists()
    assert {span.content for span in _spans(world["association"])} == set(ASSOCIATION_PERSONAL)
    # A municipality's own contact details and its officials are not proposed.
    assert not _spans(world["municipality"]).exists()
    assert run.proposed == MaskingSpan.objects.count()
    assert all(span.status == MaskingSpan.Status.PROPOSED for span in MaskingSpan.objects.all())


def test_a_run_is_audited_without_the_personal_data(world, coordinator):
    _run_all(world["consultation"], coordinator)
    actions = list(AuditEvent.objects.filter(action__startswith="masking.").values_list("action", flat=True))
    assert actions.count("masking.detected") == 3
    assert "masking.run_started" in actions and "masking.run_done" in actions
    logged = " ".join(str(changes) for changes in AuditEvent.objects.values_list("changes", flat=True))
    for value in ("810314-1233", "karin.lindqvist@gmail.com", "070-174 06 12", "Björkvägen"):
        assert value not in logged


def test_only_the_coordinators_may_start_a_run_and_one_runs_at_a_time(world, coordinator, other_coordinator):
    with pytest.raises(PermissionDenied):
        services.masking_run_start(actor=other_coordinator, consultation=world["consultation"])
    first = services.masking_run_start(actor=coordinator, consultation=world["consultation"])
    assert services.masking_run_start(actor=coordinator, consultation=world["consultation"]) == first


def test_a_run_that_reaches_its_time_limit_goes_on_where_it_stopped(world, coordinator):
    run = services.masking_run_start(actor=coordinator, consultation=world["consultation"])
    run = services.masking_run(run_id=run.pk, time_limit=-1)  # out of time before the first answer
    assert run.status == MaskingRun.Status.QUEUED and run.done == 0 and run.total == 3
    run = services.masking_run(run_id=run.pk, time_limit=600)
    assert run.status == MaskingRun.Status.DONE and run.done == 3
    assert MaskingProposal.objects.count() == 3


def test_the_task_runs_the_slices_until_every_answer_is_read(world, coordinator, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
    from samrad.publishing.tasks import masking_detect

    run = MaskingRun.objects.create(consultation=world["consultation"])
    result = masking_detect.enqueue(run.pk)
    assert result.return_value["status"] == "done"
    assert result.return_value["done"] == 3


def test_a_second_run_keeps_the_decisions_and_adds_nothing_twice(world, coordinator):
    _run_all(world["consultation"], coordinator)
    span = _spans(world["association"]).first()
    services.span_decide(actor=coordinator, span=span, status=MaskingSpan.Status.REJECTED)
    count = MaskingSpan.objects.count()
    run = _run_all(world["consultation"], coordinator)
    assert run.proposed == 0
    assert MaskingSpan.objects.count() == count
    span.refresh_from_db()
    assert span.status == MaskingSpan.Status.REJECTED


def test_a_text_extracted_again_has_its_spans_moved_to_where_their_text_is(world, coordinator):
    _run_all(world["consultation"], coordinator)
    page = DocumentPage.objects.filter(file__in=world["private"].attachments.all(), number=2).get()
    span = _spans(world["private"], text__key__endswith=":2", kind="email").get()
    services.span_decide(actor=coordinator, span=span, status=MaskingSpan.Status.CONFIRMED)
    page.text = "Ny rad först.\n" + page.text
    page.save()
    proposal, _new = services.proposal_detect(submission=world["private"])
    span.refresh_from_db()
    assert span.status == MaskingSpan.Status.CONFIRMED
    assert page.text[span.start : span.end] == "karin.lindqvist@gmail.com"
    assert proposal.reviewed_at is None


def test_decisions_are_audited_and_only_coordinators_decide(world, coordinator, other_coordinator):
    _run_all(world["consultation"], coordinator)
    span = _spans(world["association"], kind="phone").get()
    with pytest.raises(PermissionDenied):
        services.span_decide(actor=other_coordinator, span=span, status=MaskingSpan.Status.CONFIRMED)
    services.span_decide(actor=coordinator, span=span, status=MaskingSpan.Status.CONFIRMED)
    span.refresh_from_db()
    assert span.status == MaskingSpan.Status.CONFIRMED and span.decided_by == coordinator
    event = AuditEvent.objects.filter(action="masking.span_confirmed").get()
    assert event.actor_id == coordinator.pk
    assert event.changes["span"] == span.pk and event.changes["status"] == ["proposed", "confirmed"]
    assert "070-174" not in str(event.changes)


def test_a_person_adds_what_the_detector_missed_everywhere_in_the_answer(world, coordinator):
    _run_all(world["consultation"], coordinator)
    proposal = MaskingProposal.objects.get(submission=world["private"])
    spans = services.span_add(actor=coordinator, proposal=proposal, value="Slussen", kind="other")
    assert len(spans) == 1 and spans[0].origin == MaskingSpan.Origin.PERSON
    assert spans[0].status == MaskingSpan.Status.CONFIRMED
    # Every occurrence, also one wrapped over two lines: the name is in the file name, page 1 and page 2.
    spans = services.span_add(actor=coordinator, proposal=proposal, value="karin   lindqvist", kind="name")
    assert len(spans) >= 3
    with pytest.raises(ValidationError):
        services.span_add(actor=coordinator, proposal=proposal, value="Ingen sådan text", kind="name")
    with pytest.raises(ValidationError):
        services.span_add(actor=coordinator, proposal=proposal, value="K", kind="name")
    event = AuditEvent.objects.filter(action="masking.spans_added").first()
    assert "Slussen" not in str(event.changes)


def test_a_span_is_changed_to_cover_more(world, coordinator):
    _run_all(world["consultation"], coordinator)
    proposal = MaskingProposal.objects.get(submission=world["association"])
    span = _spans(world["association"], kind="name").get()
    changed = services.span_change(actor=coordinator, span=span, value="Ulla Bergström, ordförande")
    assert changed.content == "Ulla Bergström, ordförande"
    assert changed.status == MaskingSpan.Status.CONFIRMED
    with pytest.raises(ValidationError):
        services.span_change(actor=coordinator, span=changed, value="Villaägarna")  # does not overlap
    event = AuditEvent.objects.filter(action="masking.span_changed").get()
    assert event.changes["before"]["end"] < event.changes["after"]["end"]
    assert proposal.pk == event.object_id or str(proposal.pk) == event.object_id


def test_reviewed_only_when_every_span_is_decided_and_a_change_withdraws_it(world, coordinator):
    _run_all(world["consultation"], coordinator)
    proposal = MaskingProposal.objects.get(submission=world["association"])
    with pytest.raises(ValidationError):
        services.proposal_mark_reviewed(actor=coordinator, proposal=proposal)
    assert services.proposal_confirm_all(actor=coordinator, proposal=proposal) == 3
    services.proposal_mark_reviewed(actor=coordinator, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.reviewed_at is not None and proposal.reviewed_by == coordinator
    span = _spans(world["association"]).first()
    services.span_decide(actor=coordinator, span=span, status=MaskingSpan.Status.REJECTED)
    proposal.refresh_from_db()
    assert proposal.reviewed_at is None


def test_masked_text_puts_a_marker_where_each_confirmed_span_was():
    text = "Ring Karin Lindqvist på 070-174 06 12."
    spans = [(5, 20, "name"), (24, 37, "phone"), (5, 10, "name")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "marker", lambda kind: f"[{kind}]")
        assert services.masked_text(text, spans) == "Ring [name] på [phone]."


def test_the_masked_pdf_is_a_new_file_without_the_masked_text(world, coordinator):
    _run_all(world["consultation"], coordinator)
    private = world["private"]
    proposal = MaskingProposal.objects.get(submission=private)
    with pytest.raises(ValidationError):  # proposals still undecided
        services.masked_pdf_build(actor=coordinator, proposal=proposal)
    services.proposal_confirm_all(actor=coordinator, proposal=proposal)
    original_ids = set(private.attachments.values_list("pk", flat=True)) | {private.pdf_id}
    original_hashes = dict(StoredFile.objects.filter(pk__in=original_ids).values_list("pk", "sha256"))

    stored = services.masked_pdf_build(actor=coordinator, proposal=proposal)

    assert stored.pk not in original_ids and stored.kind == "pdf"
    assert stored.original_name == f"remissvar-{private.receipt_number}-maskerat.pdf"
    text = _flat(_pdf_text(stored))
    for value in [*PRIVATE_PERSONAL, "Lindqvist", "810314", "1233", "karin.lindqvist", "Björkvägen"]:
        assert value not in text, value
    # The rest is there, with markers where the personal data was.
    for value in ("cykelbanan längs Värmdövägen är farlig i mörker", "Jag cyklar varje dag till jobbet i Slussen"):
        assert value in text
    assert "[maskerat: personnummer]" in text and "[maskerat: namn]" in text
    assert "[maskerat: telefonnummer]" in text and "[maskerat: e-postadress]" in text
    with stored.file.open("rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    assert "Lindqvist" not in str(pdf.metadata)
    # The originals are untouched and still with the case.
    assert dict(StoredFile.objects.filter(pk__in=original_ids).values_list("pk", "sha256")) == original_hashes
    assert Submission.objects.get(pk=private.pk).content == private.content
    assert AuditEvent.objects.filter(action="masking.pdf_rendered", changes__file=stored.pk).exists()


def test_the_masked_pdf_is_rendered_again_only_when_a_decision_changes(world, coordinator):
    _run_all(world["consultation"], coordinator)
    proposal = MaskingProposal.objects.get(submission=world["association"])
    services.proposal_confirm_all(actor=coordinator, proposal=proposal)
    first = services.masked_pdf_build(actor=coordinator, proposal=proposal)
    assert services.masked_pdf_build(actor=coordinator, proposal=proposal) == first
    span = _spans(world["association"], kind="phone").get()
    services.span_decide(actor=coordinator, span=span, status=MaskingSpan.Status.REJECTED)
    second = services.masked_pdf_build(actor=coordinator, proposal=proposal)
    assert second.pk != first.pk
    assert not StoredFile.objects.filter(pk=first.pk).exists()  # the older copy with more masked is gone
    text = _flat(_pdf_text(second))
    assert "070-174 06 44" in text  # rejected: stays
    assert "Ulla Bergström" not in text and re.search(r"\[maskerat: namn\], ordförande", text)


@pytest.mark.worker
def test_the_check_runs_on_a_real_worker(task_worker, region, coordinator):
    world = masking_world(region, coordinator)
    run = services.masking_run_start(actor=coordinator, consultation=world["consultation"])
    worker = task_worker(backend="database", queues=("default",))
    worker.wait_until(
        lambda: MaskingRun.objects.get(pk=run.pk).status == MaskingRun.Status.DONE,
        timeout=240,
        what="the answers are checked",
    )
    run.refresh_from_db()
    assert (run.done, run.total) == (3, 3) and run.proposed > 0 and run.finished_at
    assert AuditEvent.objects.filter(action="masking.run_done", actor_id__isnull=True).exists()


def test_an_attachment_without_text_is_named_and_left_out_of_the_masked_pdf(world, coordinator):
    import datetime as dt

    from django.utils import timezone

    from samrad.consultations.responses import response_register_unsolicited
    from samrad.documents.generation import make_pdf
    from samrad.documents.services import stored_file_extract_text

    scanned = response_register_unsolicited(
        actor=coordinator,
        consultation=world["consultation"],
        respondent_name="Per Svensson",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("")),  # a page without text, as a scan looks to a text extractor
        filename="skannat.pdf",
        channel="paper",
    )
    for stored in scanned.attachments.all():
        stored_file_extract_text(stored_file=stored)
    proposal, proposed = services.proposal_detect(submission=scanned)
    assert proposed == 1  # the respondent's own name
    services.proposal_confirm_all(actor=coordinator, proposal=proposal)
    text = _flat(_pdf_text(services.masked_pdf_build(actor=coordinator, proposal=proposal)))
    assert "skannat.pdf" in text and "could not be checked" not in text
    assert "kunde därför inte kontrolleras" in text and "Per Svensson" not in text
