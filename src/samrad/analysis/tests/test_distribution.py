"""Stance distributions per question: counts, shares and shares weighted by population (missing figures counted,
never guessed), by kind (Gotland in both roles) and by group, a joint answer counted for each confirmed
co-signer, a paper answer counted with the stance the senders set; a fixed number of queries."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from samrad.analysis.distribution import consultation_distributions
from samrad.consultations import stances
from samrad.consultations.models import Question
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
    signatory_confirm,
    signatory_invite,
)
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    make_consultation,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Group, Organisation
from samrad.organisations.selectors import kind_filter
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def answer(person, response, question, stance="", text=""):
    current = response.answers.filter(question=question).first()
    answer_save(
        actor=person,
        response=response,
        question=question,
        stance=stance,
        text=text,
        base_version=current.version if current else 0,
    )


def submit(organisation, consultation, question, stance):
    person = member_of(organisation)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
    answer(person, draft, question, stance, "Svar.")
    return person, draft


@pytest.fixture
def analysed(region, coordinator):  # noqa: F811
    """Six bodies answer the stance question:

    - Nacka (Södertörn, 100 000): supports.
    - Region Gotland (municipality and region, 60 000): opposes.
    - Solna (80 000): opposes, jointly with Sundbyberg (50 000, confirmed); Järfälla was asked but never confirmed.
    - Täby (Södertörn, no population figure): on paper; the senders set "supports with changes".
    - Naturskyddsföreningen: unsolicited by e-mail, not in the register, no stance.
    """
    consultation = ConsultationFactory.create(open=True, senders=[region])
    stance_q = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni?")
    QuestionFactory.create(consultation=consultation, order=2, text="Övrigt", kind=Question.Kind.TEXT)
    sodertorn = Group.objects.create(name="Södertörn")
    nacka = OrganisationFactory.create(name="Nacka kommun", population=100_000, population_year=2024)
    gotland = OrganisationFactory.create(
        name="Region Gotland",
        second_kind=Organisation.Kind.REGION,
        population=60_000,
        population_year=2024,
    )
    solna = OrganisationFactory.create(name="Solna stad", population=80_000, population_year=2024)
    sundbyberg = OrganisationFactory.create(name="Sundbybergs stad", population=50_000, population_year=2023)
    jarfalla = OrganisationFactory.create(name="Järfälla kommun", population=1_000, population_year=2024)
    taby = OrganisationFactory.create(name="Täby kommun", population=None)
    nacka.groups.add(sodertorn)
    taby.groups.add(sodertorn)
    for organisation in (nacka, gotland, solna, sundbyberg, jarfalla, taby):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)

    person, draft = submit(nacka, consultation, stance_q, "support")
    response_submit(actor=person, response=draft)
    person, draft = submit(gotland, consultation, stance_q, "oppose")
    response_submit(actor=person, response=draft)
    person, draft = submit(solna, consultation, stance_q, "oppose")
    signatory = signatory_invite(actor=person, response=draft, organisation=sundbyberg)
    signatory_confirm(actor=member_of(sundbyberg), signatory=signatory)
    signatory_invite(actor=person, response=draft, organisation=jarfalla)
    response_submit(actor=person, response=draft)

    paper = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=taby,
        received_at=timezone.now() - dt.timedelta(days=2),
        stream=io.BytesIO(make_pdf("Täbys yttrande")),
        filename="yttrande.pdf",
        channel="paper",
    )
    stances.stance_set(actor=coordinator, submission=paper, question=stance_q, stance="support_with_changes")
    response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Naturskyddsföreningen",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="email",
    )
    return {"consultation": consultation, "stance_q": stance_q, "group": sodertorn}


def table(distribution):
    return {
        line.stance: (line.count, line.percent, line.population, line.weighted_percent, line.missing)
        for line in distribution.lines
    }


def test_the_overall_distribution_counts_bodies_and_weighs_by_population(analysed):
    result = consultation_distributions(analysed["consultation"])
    assert result.bodies == 6 and result.joint == 1
    assert result.population_years_label == "2023–2024"
    [item] = result.questions  # the free-text question has no distribution
    assert item.question == analysed["stance_q"] and item.number == 1
    overall = item.overall
    assert (overall.total, overall.population, overall.missing) == (6, 290_000, 2)
    assert table(overall) == {
        "support": (1, 16.7, 100_000, 34.5, 0),
        "support_with_changes": (1, 16.7, 0, 0.0, 1),  # Täby: the senders' stance, no population figure
        "oppose": (3, 50.0, 190_000, 65.5, 0),  # Gotland, Solna and Sundbyberg (co-signed); not Järfälla
        "no_comment": (0, 0.0, 0, 0.0, 0),
        "abstain": (0, 0.0, 0, 0.0, 0),
        "none": (1, 16.7, 0, 0.0, 1),  # the unsolicited answer outside the register
    }


def test_breakdowns_by_kind_count_gotland_in_both_roles_and_by_group(analysed):
    [item] = consultation_distributions(analysed["consultation"]).questions
    by_kind = {d.key: d for d in item.by_kind}
    assert list(by_kind) == ["municipality", "region", "none"]
    assert by_kind["municipality"].total == 5
    assert table(by_kind["municipality"])["oppose"][:3] == (3, 60.0, 190_000)
    assert by_kind["region"].total == 1 and table(by_kind["region"])["oppose"] == (1, 100.0, 60_000, 100.0, 0)
    assert by_kind["none"].total == 1 and by_kind["none"].missing == 1
    # The same bodies as the register's own filter by role finds among those counted (not Järfälla).
    counted = Organisation.objects.exclude(name="Järfälla kommun").filter(
        referrals__consultation=analysed["consultation"]
    )
    for kind in ("municipality", "region"):
        assert by_kind[kind].total == counted.filter(kind_filter(kind)).count()
    [sodertorn] = item.by_group
    assert sodertorn.label == "Södertörn" and (sodertorn.total, sodertorn.missing) == (2, 1)
    assert table(sodertorn)["support"] == (1, 50.0, 100_000, 100.0, 0)
    assert table(sodertorn)["support_with_changes"] == (1, 50.0, 0, 0.0, 1)


def test_a_corrected_stance_moves_the_body(analysed, coordinator):  # noqa: F811
    consultation, question = analysed["consultation"], analysed["stance_q"]
    from samrad.consultations.selectors_reading import current_submissions

    nacka = current_submissions(consultation).get(response__organisation__name="Nacka kommun")
    stances.stance_set(actor=coordinator, submission=nacka, question=question, stance="oppose")
    [item] = consultation_distributions(consultation).questions
    assert table(item.overall)["oppose"][:3] == (4, 66.7, 290_000)
    assert table(item.overall)["support"][0] == 0


def _answers(consultation, question, count):
    group = Group.objects.create(name=f"Grupp {count}")
    for n in range(count):
        organisation = OrganisationFactory.create(
            name=f"Kommun {n:04d}", population=None if n % 5 == 0 else 1000 + n, groups=[group]
        )
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        person, draft = submit(organisation, consultation, question, "support" if n % 2 else "oppose")
        response_submit(actor=person, response=draft)


@pytest.mark.parametrize("count", [10, 100])
def test_a_fixed_number_of_queries(count, make_consultation, django_assert_num_queries):  # noqa: F811
    consultation = make_consultation(open=True, questions=2)
    question = consultation.questions.order_by("order", "id").first()
    _answers(consultation, question, count)
    with django_assert_num_queries(5):
        result = consultation_distributions(consultation)
    assert result.bodies == count
    assert sum(line.count for line in result.questions[0].overall.lines) == count
