"""Per-question stance distributions for the coordinators' "Analys" page and its XLSX download.

What counts is a *body*: each answer (the latest version of a response) counts for its respondent and for every
organisation that confirmed it as a joint answer — as the referral list and the "Svar" tab count a co-signer as
having answered (selectors_reading.latest_receipts_for_referrals). A body counts once per question: its own
answer if it has one, else the first joint answer it confirmed (by response id). A respondent outside the register
(a private person, an unlisted body) counts once per answer.

The stance is the effective stance (the current SubmissionStance: the respondent's, or what the senders set or
corrected, see consultations/stances.py); an answer without one is "no stance". Shares are over every counted body;
weighted shares are over the bodies with a population figure in the register (Organisation.population), whose
bodies without a figure are reported as "missing" with their count, never estimated.

Breakdowns: by kind of organisation, in every role a body takes (its kind and its second kind, the rule of
organisations.selectors.kind_filter: Region Gotland counts among the municipalities and among the regions), plus
"not in the register"; and by group (subregion, network), a body in two groups counting in both, a body in none
left out (as selectors_reading.breakdown_by_group).

Five queries whatever the number of answers: the stance questions, the answers with their respondents, the
confirmed co-signers, the current stances, the group memberships.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from samrad.consultations.models import Consultation, Question, ResponseSignatory, Stance, Submission, SubmissionStance
from samrad.organisations.models import Organisation

NO_STANCE = "none"
NOT_REGISTERED = "none"
STANCE_CHOICES: list[tuple[str, Any]] = [*Stance.choices, (NO_STANCE, _("no stance"))]


@dataclass(frozen=True)
class Body:
    """A counted body: a registered organisation, or a respondent outside the register."""

    key: str  # "o<organisation id>" or "r<response id>"
    name: str
    kinds: tuple[str, ...]  # empty: not in the register
    population: int | None
    population_year: int | None
    submission_id: int  # the answer that counts for it
    joint: bool  # counted through a joint answer it co-signed


@dataclass(frozen=True)
class StanceLine:
    stance: str  # a Stance value or NO_STANCE
    label: Any
    count: int
    percent: float  # of every counted body
    population: int  # summed over the bodies with a figure
    weighted_percent: float  # of the population of the bodies with a figure
    missing: int  # bodies without a population figure


@dataclass(frozen=True)
class Distribution:
    key: str
    label: Any
    lines: list[StanceLine]
    total: int
    population: int
    missing: int

    @property
    def with_population(self) -> int:
        return self.total - self.missing


@dataclass(frozen=True)
class QuestionDistribution:
    question: Question
    number: int  # the question's position among all questions, from 1
    overall: Distribution
    by_kind: list[Distribution]
    by_group: list[Distribution]


@dataclass(frozen=True)
class ConsultationDistributions:
    consultation: Consultation
    questions: list[QuestionDistribution]
    bodies: int  # every counted body
    joint: int  # of which counted through a joint answer
    population_years: list[int] = field(default_factory=list)

    @property
    def population_years_label(self) -> str:
        if not self.population_years:
            return ""
        first, last = self.population_years[0], self.population_years[-1]
        return str(first) if first == last else f"{first}–{last}"


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def distribution_of(key: str, label: Any, bodies: Iterable[Body], stance_of: dict[int, str]) -> Distribution:
    """The distribution of the effective stances (`stance_of`: submission id -> stance) over `bodies`."""
    counts: dict[str, int] = defaultdict(int)
    populations: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    for body in bodies:
        stance = stance_of.get(body.submission_id) or NO_STANCE
        counts[stance] += 1
        if body.population is None:
            missing[stance] += 1
        else:
            populations[stance] += body.population
    total, population = sum(counts.values()), sum(populations.values())
    lines = [
        StanceLine(
            stance=value,
            label=label_,
            count=counts[value],
            percent=_percent(counts[value], total),
            population=populations[value],
            weighted_percent=_percent(populations[value], population),
            missing=missing[value],
        )
        for value, label_ in STANCE_CHOICES
    ]
    return Distribution(key, label, lines, total, population, sum(missing.values()))


def counted_bodies(consultation: Consultation) -> list[Body]:
    """Every body an answer counts for (two queries): respondents first, then confirmed co-signers not already
    counted through an answer of their own."""
    newer = Submission.objects.filter(response=OuterRef("response"), number__gt=OuterRef("number"))
    answers = (
        Submission.objects.filter(response__consultation=consultation)
        .exclude(Exists(newer))
        .order_by("response_id")
        .values_list(
            "pk",
            "response_id",
            "response__respondent_name",
            "response__organisation_id",
            "response__organisation__name",
            "response__organisation__kind",
            "response__organisation__second_kind",
            "response__organisation__population",
            "response__organisation__population_year",
        )
    )
    bodies: dict[str, Body] = {}
    submission_of_response: dict[int, int] = {}
    for pk, response_id, respondent_name, org_id, name, kind, second_kind, population, year in answers:
        submission_of_response[response_id] = pk
        if org_id is None:
            key = f"r{response_id}"
            bodies[key] = Body(key, respondent_name or f"#{response_id}", (), None, None, pk, joint=False)
            continue
        key = f"o{org_id}"
        if key not in bodies:
            kinds = (kind, second_kind) if second_kind else (kind,)
            bodies[key] = Body(key, name, kinds, population, year, pk, joint=False)
    cosigners = (
        ResponseSignatory.objects.filter(response__consultation=consultation, confirmed_at__isnull=False)
        .order_by("response_id", "organisation_id")
        .values_list(
            "response_id",
            "organisation_id",
            "organisation__name",
            "organisation__kind",
            "organisation__second_kind",
            "organisation__population",
            "organisation__population_year",
        )
    )
    for response_id, org_id, name, kind, second_kind, population, year in cosigners:
        key = f"o{org_id}"
        submission_id = submission_of_response.get(response_id)
        if submission_id is None or key in bodies:  # not submitted yet, or counted already
            continue
        kinds = (kind, second_kind) if second_kind else (kind,)
        bodies[key] = Body(key, name, kinds, population, year, submission_id, joint=True)
    return list(bodies.values())


def consultation_distributions(consultation: Consultation) -> ConsultationDistributions:
    """The distribution of every stance question of `consultation`, overall, by kind and by group (five
    queries)."""
    questions = list(consultation.questions.order_by("order", "id"))
    numbers = {question.pk: number for number, question in enumerate(questions, start=1)}
    stance_questions = [q for q in questions if q.kind == Question.Kind.STANCE]
    bodies = counted_bodies(consultation)
    stances: dict[int, dict[int, str]] = defaultdict(dict)  # question id -> submission id -> stance
    if stance_questions and bodies:
        rows = SubmissionStance.objects.filter(
            submission_id__in={body.submission_id for body in bodies},
            question_id__in=[q.pk for q in stance_questions],
            is_current=True,
        ).values_list("question_id", "submission_id", "stance")
        for question_id, submission_id, stance in rows:
            stances[question_id][submission_id] = stance
    organisation_ids = [int(body.key[1:]) for body in bodies if body.key.startswith("o")]
    groups: dict[int, str] = {}
    members: dict[int, list[Body]] = defaultdict(list)
    by_organisation = {int(body.key[1:]): body for body in bodies if body.key.startswith("o")}
    if organisation_ids:
        memberships = Organisation.groups.through.objects.filter(organisation_id__in=organisation_ids).values_list(
            "group_id", "group__name", "organisation_id"
        )
        for group_id, group_name, organisation_id in memberships:
            groups[group_id] = group_name
            members[group_id].append(by_organisation[organisation_id])
    kind_labels = dict(Organisation.Kind.choices)
    kinds_present = sorted({kind for body in bodies for kind in body.kinds}, key=lambda k: str(kind_labels.get(k, k)))
    unregistered = [body for body in bodies if not body.kinds]
    results = []
    for question in stance_questions:
        stance_of = stances.get(question.pk, {})
        by_kind = [
            distribution_of(kind, kind_labels.get(kind, kind), [b for b in bodies if kind in b.kinds], stance_of)
            for kind in kinds_present
        ]
        if unregistered:
            by_kind.append(distribution_of(NOT_REGISTERED, _("not in the register"), unregistered, stance_of))
        by_group = [
            distribution_of(str(group_id), groups[group_id], members[group_id], stance_of)
            for group_id in sorted(groups, key=lambda pk: (groups[pk], pk))
        ]
        results.append(
            QuestionDistribution(
                question=question,
                number=numbers[question.pk],
                overall=distribution_of("all", _("All"), bodies, stance_of),
                by_kind=by_kind,
                by_group=by_group,
            )
        )
    return ConsultationDistributions(
        consultation=consultation,
        questions=results,
        bodies=len(bodies),
        joint=sum(1 for body in bodies if body.joint),
        population_years=sorted({body.population_year for body in bodies if body.population_year is not None}),
    )
