"""Who answered alike: the pure functions (passages, blocked neighbours, groups, the picture's choice), the service
on real answers embedded by the bundled model (near copies in one group, an unrelated answer alone, a letter
compared by its attachment's text, the same groups twice), the labelled example, progress and the hand-over at a
deadline, the task through a real worker, and the re-run queued by a new answer (at most one waiting)."""

import datetime as dt
import io

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samrad.analysis import alike, similarity
from samrad.analysis.evaluation.alike import example, measure
from samrad.analysis.models import SimilarityRun
from samrad.audit.models import AuditEvent
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_unsolicited,
    response_submit,
)
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    make_consultation,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.services import stored_file_extract_text
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.tests.factories import OrganisationFactory

CAMPAIGN_NAMES = sorted(answer["name"] for answer in example() if answer["group"] == "campaign")
CAMPAIGN = next(answer["text"] for answer in example() if answer["group"] == "campaign")


def answer_with(consultation, name, text, stance="oppose"):
    """`name` (a new organisation on the list) answers the consultation's first question with `text`."""
    organisation = OrganisationFactory.create(name=name)
    ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    person = member_of(organisation)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
    question = consultation.questions.order_by("order", "id").first()
    answer_save(actor=person, response=draft, question=question, stance=stance, text=text, base_version=0)
    return response_submit(actor=person, response=draft)


def example_answers(consultation, only=None):
    """The labelled example's answers (or the first `only`), each from its named body; returns name -> submission."""
    out = {}
    for item in example()[:only]:
        out[item["name"]] = answer_with(consultation, item["name"], item["text"], item["stance"])
    return out


def members_by_name(run):
    from samrad.consultations.models import Submission

    names = {
        s.pk: s.response.organisation.name if s.response.organisation else s.response.respondent_name
        for s in Submission.objects.select_related("response__organisation")
    }
    return [sorted(names[m] for m in group["members"]) for group in run.result["groups"]]


# --- Pure functions -------------------------------------------------------------------------------------------


def test_passages_keep_whole_sentences_within_the_size_and_the_limit():
    text = " ".join(f"Mening nummer {n} handlar om kollektivtrafik." for n in range(200))
    found = similarity.passages(text, size=120, limit=5)
    assert len(found) == 5
    assert all(len(p) <= 120 for p in found)
    assert found[0].startswith("Mening nummer 0 ") and found[0].endswith(".")
    assert similarity.passages("   ") == []
    assert similarity.passages("Kort svar.") == ["Kort svar."]


def test_blocked_neighbours_equal_the_whole_matrix_and_never_name_oneself():
    rng = np.random.default_rng(7)
    vectors = similarity._normalised(rng.normal(size=(50, 8)).astype(np.float32))
    near = similarity.neighbours(vectors, k=3, block=7)
    full = vectors @ vectors.T
    np.fill_diagonal(full, -np.inf)
    assert (near.indices[:, 0] == full.argmax(axis=1)).all()
    assert np.allclose(near.similarities[:, 0], full.max(axis=1), atol=1e-5)
    assert not (near.indices == np.arange(50)[:, None]).any()


def test_mean_similarity_is_the_mean_over_pairs():
    rng = np.random.default_rng(1)
    vectors = similarity._normalised(rng.normal(size=(6, 5)).astype(np.float32))
    members = [0, 2, 3, 5]
    pairs = [vectors[a] @ vectors[b] for i, a in enumerate(members) for b in members[i + 1 :]]
    assert similarity.mean_similarity(vectors, members) == pytest.approx(float(np.mean(pairs)), abs=1e-5)


def test_groups_from_vectors_copies_together_strangers_alone_and_no_matrix_needed():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(3, 16)).astype(np.float32)
    copies = [base[0] + rng.normal(size=16).astype(np.float32) * 0.01 for _ in range(5)]
    others = [base[1] + rng.normal(size=16).astype(np.float32) * 0.01 for _ in range(3)]
    strangers = list(rng.normal(size=(4, 16)).astype(np.float32))
    vectors = similarity._normalised(np.vstack([*copies, *strangers, *others]))
    groups = similarity.groups_of(vectors, similarity.neighbours(vectors, k=4, block=3))
    assert groups == [[0, 1, 2, 3, 4], [9, 10, 11]]


def test_every_group_averages_at_least_the_cut_and_the_same_vectors_give_the_same_groups():
    rng = np.random.default_rng(11)
    centres = rng.normal(size=(6, 24))
    centre_of = rng.integers(0, 6, 300)
    points = centres[centre_of] + rng.normal(size=(300, 24)) * 0.35
    vectors = similarity._normalised(points.astype(np.float32))
    near = similarity.neighbours(vectors)
    for threshold in (0.08, 0.25):
        groups = similarity.groups_of(vectors, near, threshold)
        assert groups and all(len(group) >= 2 for group in groups)
        for group in groups:
            assert similarity.mean_similarity(vectors, group) >= 1 - threshold - 1e-5
        grouped = [member for group in groups for member in group]
        assert len(grouped) == len(set(grouped))  # each answer in one group at most
        assert similarity.groups_of(vectors.copy(), near, threshold) == groups
    # A looser cut groups at least as many answers.
    tight, loose = (sum(map(len, similarity.groups_of(vectors, near, t))) for t in (0.08, 0.25))
    assert loose >= tight and loose > 250
    # At the looser cut the groups are the points' centres: no group mixes two.
    assert all(len({int(centre_of[m]) for m in group}) == 1 for group in similarity.groups_of(vectors, near, 0.25))


def test_the_picture_takes_each_group_in_turn_then_answers_in_no_group():
    assert similarity.picture_of([[1, 2, 3, 4], [5, 6]], [7, 8], limit=5) == [1, 2, 3, 5, 6]
    assert similarity.picture_of([[1, 2], [5]], [7, 8], limit=5) == [1, 2, 5, 7, 8]
    assert similarity.picture_of([], [7, 8], limit=1) == [7]


def test_stances_count_when_weighted():
    text = similarity._normalised(np.array([[1, 0], [0.8, 0.6]], dtype=np.float32))
    stances = similarity.stance_vectors([[(1, "oppose")], [(1, "oppose")]], [(1, "oppose"), (1, "support")])
    alone = text[0] @ text[1]
    combined = similarity.with_stances(text, stances, 0.5)
    assert combined[0] @ combined[1] == pytest.approx(0.5 * alone + 0.5, abs=1e-5)
    assert similarity.with_stances(text, stances, 0.0) is text


# --- On real answers (the bundled model) ----------------------------------------------------------------------


@pytest.mark.django_db
def test_near_copies_land_in_one_group_and_an_unrelated_answer_does_not(make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    example_answers(consultation)
    run = alike.similarity_build(actor=coordinator, consultation=consultation)
    assert run.status == SimilarityRun.Status.DONE and run.done == run.total == 12
    assert run.method == "embeddings" and run.result["method"] == "embeddings"
    assert members_by_name(run) == [
        CAMPAIGN_NAMES,
        ["Cykelfrämjandet Stockholm", "Järfälla kommun", "Sollentuna kommun"],
    ]
    campaign, cycling = run.result["groups"]
    question = consultation.questions.get()
    assert campaign["shared"] == [[question.pk, "oppose"]] and cycling["shared"] == [[question.pk, "support"]]
    assert campaign["mean"] > 0.95 and 0.9 < cycling["mean"] < campaign["mean"]
    assert len(run.result["nearest"]) == 12
    # The picture: the groups' members group by group, then the answers in no group.
    assert len(run.result["picture"]["members"]) == 12
    assert run.result["picture"]["groups"] == [0, 0, 0, 0, 1, 1, 1, None, None, None, None, None]
    assert run.last_submission_id == max(int(pk) for pk in run.result["nearest"])
    event = AuditEvent.objects.get(action="consultation.similarity_built")
    assert event.changes["groups"] == [4, 3]


@pytest.mark.django_db
def test_the_same_answers_give_the_same_groups(make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    example_answers(consultation, only=8)
    first = alike.similarity_build(actor=coordinator, consultation=consultation)
    second = alike.similarity_build(actor=coordinator, consultation=consultation)
    assert first.result == second.result and first.result["groups"]


@pytest.mark.django_db
def test_a_letter_attached_instead_of_answering_is_compared_by_its_text(make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    answer_with(consultation, "Föreningen Ren luft Solna", CAMPAIGN)
    answer_with(consultation, "Länsstyrelsen", "Länsstyrelsen har inga synpunkter på remissen.", "no_comment")
    answer_with(consultation, "Tomma kommunen", "", "support")  # a stance and no text: nothing to compare
    letter = response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Boende i Solna",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf(CAMPAIGN)),
        filename="brev.pdf",
    )
    for stored in letter.attachments.all():  # what the extraction task does after the upload
        stored_file_extract_text(stored_file=stored)
    run = alike.similarity_build(actor=coordinator, consultation=consultation)
    assert members_by_name(run) == [["Boende i Solna", "Föreningen Ren luft Solna"]]
    assert run.result["answers"] == 3 and run.result["without_text"] == 1


@pytest.mark.django_db
def test_on_the_labelled_example_the_chosen_cut_finds_the_groups_a_person_drew():
    rows = {(m.weight, m.threshold): m for m in measure(weights=(0.0, 0.3), thresholds=(0.08, 0.10))}
    assert rows[(similarity.STANCE_WEIGHT, similarity.DISTANCE_THRESHOLD)].agreement == 1.0
    # Weighting stances pulls an unrelated answer with the same stance into a group at a looser cut.
    assert rows[(0.3, 0.10)].agreement < rows[(0.0, 0.10)].agreement == 1.0


@pytest.mark.django_db
def test_only_the_consultations_coordinators_or_the_system(make_consultation, other_coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    with pytest.raises(PermissionDenied):
        alike.similarity_build(actor=other_coordinator, consultation=consultation)
    with pytest.raises(PermissionDenied):
        alike.similarity_request(actor=other_coordinator, consultation=consultation)
    assert not SimilarityRun.objects.exists()


@pytest.mark.django_db
def test_past_the_deadline_it_saves_its_progress_and_goes_back_to_the_queue(make_consultation, monkeypatch):  # noqa: F811
    monkeypatch.setattr(alike, "CHUNK", 2)
    consultation = make_consultation(open=True)
    example_answers(consultation, only=5)
    run = SimilarityRun.objects.create(consultation=consultation, requested_at=timezone.now())
    run = alike.similarity_build(actor="system", consultation=consultation, run=run, deadline=0)
    assert (run.status, run.done, run.total) == (SimilarityRun.Status.QUEUED, 2, 5)
    assert SimilarityRun.objects.get().done == 2
    run = alike.similarity_build(actor="system", consultation=consultation, run=run)
    assert (run.status, run.done) == (SimilarityRun.Status.DONE, 5)
    # Taken or done: a second task for the same run changes nothing.
    again = alike.similarity_build(actor="system", consultation=consultation, run=run)
    assert (
        again.finished_at == run.finished_at
        and AuditEvent.objects.filter(action="consultation.similarity_built").count() == 1
    )


@pytest.mark.django_db
def test_with_too_many_new_passages_it_compares_lemma_vectors_and_finds_the_campaign(
    make_consultation,  # noqa: F811
    coordinator,  # noqa: F811
    settings,
):
    from samrad.analysis.models import Embedding

    settings.ANALYSIS_EMBED_MAX_PASSAGES = 0
    consultation = make_consultation(open=True)
    example_answers(consultation)
    run = alike.similarity_build(actor=coordinator, consultation=consultation)
    assert run.status == SimilarityRun.Status.DONE and run.method == "lemmas" and run.done == run.total == 12
    assert not Embedding.objects.exists()  # nothing was embedded
    # The campaign's edited copies share their words: one group. The cycling answers say the same in other words,
    # which lemmas do not see: they stay alone, as do the unrelated answers.
    assert members_by_name(run) == [CAMPAIGN_NAMES]
    assert run.result["method"] == "lemmas" and run.result["threshold"] == similarity.LEMMA_DISTANCE_THRESHOLD
    assert run.result["groups"][0]["mean"] > 1 - similarity.LEMMA_DISTANCE_THRESHOLD
    assert AuditEvent.objects.get(action="consultation.similarity_built").changes["method"] == "lemmas"
    again = alike.similarity_build(actor=coordinator, consultation=consultation)
    assert again.result == run.result  # the same answers, the same result


@pytest.mark.django_db
def test_a_run_back_from_the_queue_goes_on_with_the_method_it_started_with(
    make_consultation,  # noqa: F811
    monkeypatch,
    settings,
):
    monkeypatch.setattr(alike, "CHUNK", 2)
    consultation = make_consultation(open=True)
    example_answers(consultation, only=5)
    run = SimilarityRun.objects.create(consultation=consultation, requested_at=timezone.now())
    run = alike.similarity_build(actor="system", consultation=consultation, run=run, deadline=0)
    assert (run.status, run.method, run.done) == (SimilarityRun.Status.QUEUED, "embeddings", 2)
    settings.ANALYSIS_EMBED_MAX_PASSAGES = 0  # now three answers' passages are new: too many
    run = alike.similarity_build(actor="system", consultation=consultation, run=run)
    assert (run.status, run.method, run.done) == (SimilarityRun.Status.DONE, "embeddings", 5)
    assert run.result["method"] == "embeddings"


@pytest.mark.django_db
def test_asking_twice_queues_one_run_and_a_lost_run_is_marked_failed(make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    lost = SimilarityRun.objects.create(
        consultation=consultation,
        status=SimilarityRun.Status.RUNNING,
        requested_at=timezone.now() - dt.timedelta(hours=3),
        heartbeat_at=timezone.now() - dt.timedelta(hours=2),
    )
    first = alike.similarity_request(actor=coordinator, consultation=consultation)
    second = alike.similarity_request(actor=coordinator, consultation=consultation)
    assert first == second and first.status == SimilarityRun.Status.QUEUED and first.requested_by == coordinator
    lost.refresh_from_db()
    assert lost.status == SimilarityRun.Status.FAILED and "lost" in lost.error
    assert AuditEvent.objects.filter(action="consultation.similarity_requested").count() == 1


# --- Re-run when answers change -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_answer_queues_one_rerun_where_answers_were_compared(
    make_consultation,  # noqa: F811
    coordinator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    compared, never = make_consultation(open=True), make_consultation(open=True)
    answer_with(compared, "Nacka kommun", CAMPAIGN)
    alike.similarity_build(actor=coordinator, consultation=compared)
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answer_with(compared, f"Kommun {number}", CAMPAIGN)
            answer_with(never, f"Annan kommun {number}", CAMPAIGN)
    waiting = SimilarityRun.objects.filter(status=SimilarityRun.Status.QUEUED)
    assert [run.consultation for run in waiting] == [compared]
    assert waiting.get().requested_by is None
    assert not SimilarityRun.objects.filter(consultation=never).exists()
    # The page says the result is older than the newest answer.
    assert alike.similarity_page(compared).stale


@pytest.mark.worker
def test_the_task_runs_on_a_real_worker_with_its_progress(task_worker, make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    example_answers(consultation, only=6)
    run = alike.similarity_request(actor=coordinator, consultation=consultation)
    worker = task_worker(backend="database", queues=("default",))
    worker.wait_until(
        lambda: SimilarityRun.objects.get(pk=run.pk).status == SimilarityRun.Status.DONE,
        timeout=240,
        what="the answers are compared",
    )
    run.refresh_from_db()
    assert (run.done, run.total) == (6, 6) and run.started_at and run.finished_at
    assert members_by_name(run) == [CAMPAIGN_NAMES, ["Cykelfrämjandet Stockholm", "Sollentuna kommun"]]
    assert AuditEvent.objects.filter(action="consultation.similarity_built", actor__isnull=True).exists()


# --- The page -------------------------------------------------------------------------------------------------


@pytest.fixture
def compared(make_consultation, coordinator):  # noqa: F811
    consultation = make_consultation(open=True)
    example_answers(consultation)
    alike.similarity_build(actor=coordinator, consultation=consultation)
    return consultation


@pytest.mark.django_db
def test_the_page_shows_the_groups_as_a_table_and_a_picture(client, coordinator, compared):  # noqa: F811
    from django.urls import reverse

    client.force_login(coordinator)
    html = client.get(reverse("analysis:alike", args=[compared.pk])).text
    assert "Vilka svarade likadant" in html and 'aria-current="page">Analys</a>' in html
    submission = compared.responses.get(organisation__name="Sollentuna kommun").submissions.get()
    assert reverse("reading:answer", args=[compared.pk, submission.receipt_number]) in html
    assert "Fråga 1: avstyrker" in html and "Fråga 1: tillstyrker" in html
    assert '<svg role="img"' in html and "<desc" in html and "Likhet mellan svar, ordnade efter grupp" in html
    assert html.count('class="alike-block"') == 2 and "style=" not in html.split("<main", 1)[1]
    assert "<title>Sollentuna kommun (" in html and ", grupp 2</title>" in html
    assert "Jämför svaren igen" in html and "äldre än det senaste svaret" not in html
    assert (
        reverse("analysis:alike", args=[compared.pk])
        in client.get(reverse("analysis:distributions", args=[compared.pk])).text
    )


@pytest.mark.django_db
def test_the_page_says_how_the_answers_were_compared(client, coordinator, make_consultation, settings):  # noqa: F811
    from django.urls import reverse

    client.force_login(coordinator)
    consultation = make_consultation(open=True)
    example_answers(consultation)
    alike.similarity_build(actor=coordinator, consultation=consultation)
    html = client.get(reverse("analysis:alike", args=[consultation.pk])).text
    assert "Beräknat med meningsinbäddningar" in html and "ljusast under 0,85" in html

    settings.ANALYSIS_EMBED_MAX_PASSAGES = 0
    other = make_consultation(open=True)
    for number in range(3):
        answer_with(other, f"Kommun {number}", CAMPAIGN + f" Vi har {number} synpunkter till.")
    alike.similarity_build(actor=coordinator, consultation=other)
    html = client.get(reverse("analysis:alike", args=[other.pk])).text
    assert "Beräknat med ordens lemman" in html and "ljusast under 0,4" in html and "0,75 (prick" in html


@pytest.mark.django_db
def test_the_button_queues_one_run_and_the_page_shows_its_progress(client, coordinator, make_consultation):  # noqa: F811
    from django.urls import reverse

    consultation = make_consultation(open=True)
    client.force_login(coordinator)
    html = client.get(reverse("analysis:alike", args=[consultation.pk])).text
    assert "Jämför svaren</button>" in html
    for _ in range(2):
        response = client.post(reverse("analysis:alike_run", args=[consultation.pk]))
        assert response.status_code == 302
    run = SimilarityRun.objects.get()
    assert run.status == SimilarityRun.Status.QUEUED and run.requested_by == coordinator
    html = client.get(reverse("analysis:alike", args=[consultation.pk])).text
    assert 'hx-get="' + reverse("analysis:alike_status", args=[consultation.pk]) in html
    assert "väntar på att jämföras" in html and "Jämför svaren</button>" not in html
    SimilarityRun.objects.filter(pk=run.pk).update(status=SimilarityRun.Status.RUNNING, done=3, total=12)
    fragment = client.get(reverse("analysis:alike_status", args=[consultation.pk])).text
    assert "3 av 12 svar" in fragment and "hx-trigger" in fragment
    SimilarityRun.objects.filter(pk=run.pk).update(status=SimilarityRun.Status.DONE, result=None)
    fragment = client.get(reverse("analysis:alike_status", args=[consultation.pk])).text
    assert "hx-trigger" not in fragment and "Visa resultatet" in fragment


@pytest.mark.django_db
def test_after_a_new_answer_the_page_says_the_result_is_older(client, coordinator, compared):  # noqa: F811
    from django.urls import reverse

    answer_with(compared, "Sen kommun", CAMPAIGN)
    client.force_login(coordinator)
    html = client.get(reverse("analysis:alike", args=[compared.pk])).text
    assert "äldre än det senaste svaret" in html and "Jämför svaren igen" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_coordinator", "respondent"])
def test_others_are_refused(client, compared, who, request):
    from django.urls import reverse

    client.force_login(request.getfixturevalue(who))
    for name in ("analysis:alike", "analysis:alike_status"):
        assert client.get(reverse(name, args=[compared.pk])).status_code == 404
    assert client.post(reverse("analysis:alike_run", args=[compared.pk])).status_code == 404
    assert not SimilarityRun.objects.filter(status=SimilarityRun.Status.QUEUED).exists()


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries(client, coordinator, make_consultation, django_assert_num_queries):  # noqa: F811
    """The same queries for 3 answers and for 40 (their vectors taken from the cache of one text each)."""
    from django.urls import reverse

    client.force_login(coordinator)
    counts = []
    for size in (3, 40):
        consultation = make_consultation(open=True)
        for number in range(size):
            answer_with(consultation, f"Kommun {size}-{number}", CAMPAIGN if number % 2 else example()[4]["text"])
        alike.similarity_build(actor=coordinator, consultation=consultation)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("analysis:alike", args=[consultation.pk]))
        assert response.status_code == 200 and "alike-block" in response.text
        counts.append(len(queries))
    assert counts[0] == counts[1]
