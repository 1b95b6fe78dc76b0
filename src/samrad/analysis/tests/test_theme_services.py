"""Building themes in the background and reviewing them: progress, limits, the same themes twice, coordinators
only, every change audited, and a re-run after new answers that keeps what a person decided."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from samrad.analysis import theme_services as ts
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.analysis.tests.theme_world import PAPER_PAGE_2, answer_on_platform, themed_world
from samrad.audit.models import AuditEvent
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(region, coordinator):  # noqa: F811
    return themed_world(region, coordinator)


def built(coordinator, consultation):  # noqa: F811
    run = ts.themes_run_start(actor=coordinator, consultation=consultation)
    return ts.themes_build(run_id=run.pk)


def partition(run):
    """Per theme label, the (receipt number, passage digest) of its quotes."""
    out = {}
    for theme in Theme.objects.filter(run=run):
        out[theme.label] = sorted(theme.quotes.values_list("submission__receipt_number", "digest"))
    return out


@pytest.mark.django_db(transaction=True)
def test_the_task_builds_themes_with_progress_stances_and_pages(world, coordinator):  # noqa: F811
    consultation = world["consultation"]
    run = ts.themes_run_start(actor=coordinator, consultation=consultation)
    assert run.status == "queued"
    assert ts.themes_run_start(actor=coordinator, consultation=consultation) == run  # one run at a time

    run_queued_tasks(queue="default")

    run.refresh_from_db()
    assert run.status == "done" and run.finished_at and run.error == "" and run.method == "embeddings"
    assert run.total > 30 and run.done == run.total and run.percent == 100 and run.left_out == 0
    found = Theme.objects.filter(run=run, question=world["question"])
    assert 5 <= found.count() <= 15
    assert not {t.label.lower() for t in found} & {"övrigt", "allmänt", "övriga synpunkter"}
    quote = ThemeQuote.objects.get(theme__run=run, text__startswith="Kollektivtrafiken i kommunens norra delar")
    assert (quote.page, quote.respondent, quote.stance) == (2, "Dals-Eds kommun", "none")
    assert quote.submission == world["submissions"]["paper"]
    t03 = ThemeQuote.objects.filter(theme__run=run, submission=world["submissions"]["t03"])
    assert {q.stance for q in t03} == {"oppose"} and t03.count() == 2 and all(q.page is None for q in t03)
    assert ThemeQuote.objects.filter(theme__run=run, is_representative=True).count() >= found.count()
    assert AuditEvent.objects.filter(action="consultation.themes_started", actor_id=coordinator.pk).count() == 1
    built_event = AuditEvent.objects.get(action="consultation.themes_built")
    assert built_event.actor_label == "system" and built_event.changes["themes"] == found.count()

    assert ts.themes_build(run_id=run.pk).status == "done"  # running the task again changes nothing
    assert Theme.objects.filter(run=run).count() == found.count()


def test_the_same_answers_give_the_same_themes_twice(world, coordinator):  # noqa: F811
    first = built(coordinator, world["consultation"])
    second = built(coordinator, world["consultation"])
    assert first != second
    assert partition(first) == partition(second)

    third = built(coordinator, world["consultation"])  # only the last two runs are kept
    assert set(ThemeRun.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert not Theme.objects.filter(run_id=first.pk).exists()


def test_the_limits_leave_passages_out_and_stop_a_run_that_takes_too_long(world, coordinator):  # noqa: F811
    run = ts.themes_run_start(actor=coordinator, consultation=world["consultation"])
    limited = ts.themes_build(run_id=run.pk, max_passages=12)
    assert limited.status == "done" and limited.left_out > 20
    assert ThemeQuote.objects.filter(theme__run=limited).count() == 12
    # Spread over all the answers, not the earliest ones only: the last answer (the paper one) is among them.
    assert ThemeQuote.objects.filter(theme__run=limited, submission=world["submissions"]["paper"]).exists()
    assert ThemeQuote.objects.filter(theme__run=limited).values("submission").distinct().count() >= 8

    run = ts.themes_run_start(actor=coordinator, consultation=world["consultation"])
    stopped = ts.themes_build(run_id=run.pk, time_limit=0)
    assert stopped.status == "failed" and stopped.error == "Körningen tog längre tid än 0 sekunder och stoppades."
    assert not Theme.objects.filter(run=stopped).exists()
    assert AuditEvent.objects.filter(action="consultation.themes_failed").count() == 1
    assert ts.latest_done_run(world["consultation"]) == limited


def test_others_may_neither_build_nor_review(world, coordinator, other_coordinator, respondent):  # noqa: F811
    run = built(coordinator, world["consultation"])
    theme, other = Theme.objects.filter(run=run)[:2]
    for actor in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            ts.themes_run_start(actor=actor, consultation=world["consultation"])
        with pytest.raises(PermissionDenied):
            ts.theme_rename(actor=actor, theme=theme, label="Något annat")
        with pytest.raises(PermissionDenied):
            ts.themes_merge(actor=actor, theme=theme, into=other)
        with pytest.raises(PermissionDenied):
            ts.quote_move(actor=actor, quote=theme.quotes.first(), to=other)
        with pytest.raises(PermissionDenied):
            ts.themes_sign_off(actor=actor, run=run)
    assert not AuditEvent.objects.filter(action__startswith="theme.").exists()


def test_review_changes_are_audited_and_withdraw_the_sign_off(world, coordinator):  # noqa: F811
    run = built(coordinator, world["consultation"])
    first, second, third = Theme.objects.filter(run=run).order_by("order")[:3]
    ts.themes_sign_off(actor=coordinator, run=run)
    run.refresh_from_db()
    assert run.signed_off_by == coordinator and run.signed_off_at

    ts.theme_rename(actor=coordinator, theme=first, label="  Bussarnas   turtäthet ")
    first.refresh_from_db()
    assert (first.label, first.label_set_by_person, first.kept_by_person) == ("Bussarnas turtäthet", True, True)
    run.refresh_from_db()
    assert run.signed_off_at is None
    renamed = AuditEvent.objects.get(action="theme.renamed")
    assert renamed.changes["sign_off_withdrawn"] is True and renamed.changes["label"][1] == "Bussarnas turtäthet"

    count = second.quotes.count() + third.quotes.count()
    ts.themes_merge(actor=coordinator, theme=second, into=third)
    assert not Theme.objects.filter(pk=second.pk).exists() and third.quotes.count() == count

    quote = third.quotes.order_by("id").first()
    ts.quote_move(actor=coordinator, quote=quote, to=first)
    quote.refresh_from_db()
    assert quote.theme == first and quote.placed_by_person

    split_off = list(third.quotes.order_by("id")[:2])
    new = ts.theme_split(actor=coordinator, theme=third, quotes=split_off, label="Hamnarnas järnväg")
    assert set(new.quotes.all()) == set(split_off) and new.label_set_by_person

    with pytest.raises(ValidationError):
        ts.theme_rename(actor=coordinator, theme=first, label="   ")
    with pytest.raises(ValidationError):
        ts.theme_split(actor=coordinator, theme=new, quotes=list(new.quotes.all()), label="Allt")
    actions = list(
        AuditEvent.objects.filter(action__startswith="theme.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["theme.renamed", "theme.merged", "theme.quote_moved", "theme.split"]

    newer = built(coordinator, world["consultation"])
    with pytest.raises(ValidationError):  # an older run can no longer be changed
        ts.theme_rename(actor=coordinator, theme=first, label="Sent")
    assert newer.status == "done"


def test_a_re_run_after_new_answers_keeps_what_a_person_decided(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=16)
    consultation = world["consultation"]
    run = built(coordinator, consultation)
    themes = list(Theme.objects.filter(run=run).order_by("order"))
    renamed, merged, into, target = themes[0], themes[1], themes[2], themes[3]
    ts.theme_rename(actor=coordinator, theme=renamed, label="Vad kommunerna sa om detta")
    merged_keys = set(merged.quotes.values_list("submission_id", "digest"))
    into_keys = set(into.quotes.values_list("submission_id", "digest"))
    ts.themes_merge(actor=coordinator, theme=merged, into=into)
    moved = renamed.quotes.order_by("-id").first()
    ts.quote_move(actor=coordinator, quote=moved, to=target)
    target_label = target.label
    # New answers arrive: one about bus services like the paper answer, one about a new matter.
    answer_on_platform(
        consultation, world["question"], OrganisationFactory.create(name="Kommun ny"), "support", PAPER_PAGE_2
    )
    answer_on_platform(
        consultation,
        world["question"],
        OrganisationFactory.create(name="Kommun nyast"),
        "oppose",
        "Flygplatsen i Trollhättan behöver bättre anslutning med buss. Flyget är viktigt för näringslivet.",
    )

    again = built(coordinator, consultation)

    new_themes = {t.label: t for t in Theme.objects.filter(run=again)}
    kept = new_themes["Vad kommunerna sa om detta"]
    assert kept.label_set_by_person and kept.kept_by_person
    merged_into = [
        t
        for t in new_themes.values()
        if (merged_keys | into_keys) <= set(t.quotes.values_list("submission_id", "digest"))
    ]
    assert len(merged_into) == 1  # what a person merged stays together
    home = ThemeQuote.objects.get(theme__run=again, submission=moved.submission, digest=moved.digest)
    assert home.theme.label == target_label and home.placed_by_person
    assert not kept.quotes.filter(submission=moved.submission, digest=moved.digest).exists()
    assert ThemeQuote.objects.filter(theme__run=again, respondent__in=["Kommun ny", "Kommun nyast"]).count() >= 2
    total = ThemeQuote.objects.filter(theme__run=again).count()
    assert total == ThemeQuote.objects.filter(theme__run=run).count() + 2  # one passage each


# --- Lemma vectors: too many new passages to embed ---------------------------------------------------------------

BUSES = [
    "Busslinjen mellan hållplatserna i centrum och pendeltågsstationen behöver fler avgångar för pendlare.",
    "Turtätheten på bussarna till landsbygden är för låg, och resenärerna väntar länge vid hållplatsen.",
    "Kollektivtrafiken med buss måste få fler avgångar på kvällar så att pendlare hinner hem.",
    "Pendlare och skolelever åker buss varje dag och behöver tätare turer mellan hållplatserna.",
    "Resenärer på busslinjerna klagar på inställda avgångar och trånga bussar i rusningstid.",
    "Bussarnas turtäthet och nya hållplatser avgör om kollektivtrafiken blir ett alternativ för pendlare.",
]
WATER = [
    "Vattenverket behöver förnyas så att dricksvattnet håller god kvalitet även vid torka.",
    "Grundvattnet i vattentäkten måste skyddas mot föroreningar från jordbruk och vägar.",
    "Ledningsnätet för dricksvatten och avlopp är gammalt och läcker, och förnyelsen av ledningarna går långsamt.",
    "Reningsverket och vattenverket bör byggas ut med grannkommunerna för en trygg vattenförsörjning.",
    "Dricksvattnets kvalitet och vattentäktens skyddsområde behöver bättre tillsyn.",
    "Vattenförsörjningen är sårbar: en reservvattentäkt och nya ledningar till vattenverket behövs.",
]


@pytest.fixture
def two_subjects(region):  # noqa: F811
    from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory

    consultation = ConsultationFactory.create(open=True, senders=[region])
    question = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om planen?")
    for number, text in enumerate(BUSES + WATER):
        organisation = OrganisationFactory.create(name=f"Kommun {number:02d}")
        answer_on_platform(consultation, question, organisation, "support" if number % 2 else "oppose", text)
    return consultation


def test_with_too_many_new_passages_a_run_uses_lemma_vectors_and_keeps_subjects_apart(
    settings,
    client,
    coordinator,  # noqa: F811
    two_subjects,
):
    from samrad.analysis.models import Embedding

    settings.ANALYSIS_EMBED_MAX_PASSAGES = 0
    run = built(coordinator, two_subjects)
    assert run.status == "done" and run.method == "lemmas"
    assert run.total == run.done == 12 and not Embedding.objects.exists()  # nothing was embedded
    themes_found = Theme.objects.filter(run=run)
    assert 5 <= themes_found.count() <= 6  # at least two passages per theme on average
    for theme in themes_found:
        texts = set(theme.quotes.values_list("text", flat=True))
        assert texts <= set(BUSES) or texts <= set(WATER), f"{theme.label} mixes the subjects: {texts}"
    assert AuditEvent.objects.get(action="consultation.themes_built").changes["method"] == "lemmas"
    # The same answers give the same themes under lemma vectors too.
    assert partition(built(coordinator, two_subjects)) == partition(run)

    client.force_login(coordinator)
    html = client.get(reverse("analysis:themes", args=[two_subjects.pk]), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "Beräknat med ordens lemman" in html and "meningsinbäddningar" in html


def test_while_few_passages_are_new_a_run_embeds_them(client, coordinator, two_subjects):  # noqa: F811
    from samrad.analysis.models import Embedding

    run = built(coordinator, two_subjects)  # the default limit (2 000 new passages)
    assert run.method == "embeddings" and Embedding.objects.count() == 12
    for theme in Theme.objects.filter(run=run):
        texts = set(theme.quotes.values_list("text", flat=True))
        assert texts <= set(BUSES) or texts <= set(WATER), f"{theme.label} mixes the subjects: {texts}"
    client.force_login(coordinator)
    html = client.get(reverse("analysis:themes", args=[two_subjects.pk]), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "Beräknat med meningsinbäddningar" in html
