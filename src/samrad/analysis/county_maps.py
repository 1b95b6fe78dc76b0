"""What the county maps show: for every municipality of the counties of a consultation's invited municipalities,
its status on the referral list and its effective stance on each stance question.

The counties are those of the municipalities on the referral list (Organisation.municipality_code, whose first two
digits are the county; Region Gotland is one record, a region with the second kind municipality, code 0980). Every
municipality of those counties is drawn, in the register or not; a municipality is matched to the register by its
code.

Status: answered (its own answer), answered jointly (it confirmed another body's joint answer), answered unasked
(not on the referral list but answered), declined, invited but not answered (yet), not invited.

Stance on a question: the effective stance of the answer that counts for the municipality, as the distributions
count it (analysis.distribution: its own answer, else the first joint answer it confirmed; the current
SubmissionStance); "answered without a stance" when that answer has none; "invited, no answer or declined" when
it is on the referral list without an answer; "not invited".

Six queries whatever the number of answers: the invited municipalities, the register's municipalities of those
counties, the answers and the co-signers (distribution.counted_bodies), the stance questions, the current stances.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from samrad.analysis import maps
from samrad.analysis.distribution import counted_bodies
from samrad.consultations.models import Consultation, Question, Referral, SubmissionStance
from samrad.organisations.geography import SWEDISH_COUNTIES
from samrad.organisations.models import Organisation

STATUS = "status"
STANCE = "stance"


def categories_of(kind: str) -> tuple[maps.Category, ...]:
    return maps.STATUS_CATEGORIES if kind == STATUS else maps.STANCE_CATEGORIES


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    value: str  # a category key
    label: str  # the category's label, translated


@dataclass(frozen=True)
class MapData:
    """One map's content: plain strings, so that a compilation can keep it as JSON (`as_json`/`from_json`)."""

    kind: str  # STATUS or STANCE
    counties: tuple[str, ...]
    rows: tuple[MapRow, ...]  # every municipality of the counties, by name

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "counties": list(self.counties),
            "rows": [{"code": r.code, "name": r.name, "value": r.value, "label": r.label} for r in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MapData":
        return cls(data["kind"], tuple(data["counties"]), tuple(MapRow(**row) for row in data["rows"]))

    @property
    def county_names(self) -> str:
        return ", ".join(SWEDISH_COUNTIES.get(code, code) for code in self.counties)


@dataclass(frozen=True)
class QuestionMap:
    question: Question
    number: int
    map: MapData


@dataclass(frozen=True)
class ConsultationMaps:
    counties: tuple[str, ...]  # empty: no invited municipality with boundaries, no map
    status: MapData | None
    questions: list[QuestionMap] = field(default_factory=list)


def _rows(kind: str, names: dict[str, str], values: dict[str, str], counties: tuple[str, ...]) -> MapData:
    labels = {category.key: str(category.label).capitalize() for category in categories_of(kind)}
    rows = sorted(
        (MapRow(code, names[code], values[code], labels[values[code]]) for code in names),
        key=lambda row: (row.name.casefold(), row.code),
    )
    return MapData(kind, counties, tuple(rows))


def consultation_maps(consultation: Consultation) -> ConsultationMaps:
    """The status map and one stance map per stance question of `consultation` (six queries)."""
    invited = list(
        Referral.objects.filter(consultation=consultation, organisation__municipality_code__isnull=False).values_list(
            "organisation_id", "organisation__municipality_code", "status"
        )
    )
    counties = tuple(sorted({code[:2] for _org, code, _status in invited if code} & maps.counties_with_boundaries()))
    if not counties:
        return ConsultationMaps((), None)
    status_of_referral = {org_id: status for org_id, _code, status in invited}
    names = maps.municipality_names(counties)
    organisation_of: dict[str, int] = {}
    for pk, code, name in Organisation.objects.filter(
        reduce(or_, (Q(municipality_code__startswith=county) for county in counties))
    ).values_list("pk", "municipality_code", "name"):
        if code in names:
            organisation_of[code] = pk
            names[code] = name
    bodies = {int(body.key[1:]): body for body in counted_bodies(consultation) if body.key.startswith("o")}

    status: dict[str, str] = {}
    for code in names:
        org_id = organisation_of.get(code)
        body = bodies.get(org_id) if org_id is not None else None
        referral = status_of_referral.get(org_id) if org_id is not None else None
        if body is not None and referral is None:
            status[code] = maps.ANSWERED_UNASKED
        elif body is not None:
            status[code] = maps.ANSWERED_JOINTLY if body.joint else maps.ANSWERED
        elif referral == Referral.Status.DECLINED:
            status[code] = maps.DECLINED
        elif referral is not None:
            status[code] = maps.NOT_ANSWERED
        else:
            status[code] = maps.NOT_INVITED

    questions = list(consultation.questions.order_by("order", "id"))
    stance_questions = [(number, q) for number, q in enumerate(questions, start=1) if q.kind == Question.Kind.STANCE]
    submission_of = {code: bodies[org_id].submission_id for code, org_id in organisation_of.items() if org_id in bodies}
    stances: dict[tuple[int, int], str] = {}
    if stance_questions and submission_of:
        stances = {
            (question_id, submission_id): stance
            for question_id, submission_id, stance in SubmissionStance.objects.filter(
                submission_id__in=set(submission_of.values()),
                question_id__in=[q.pk for _n, q in stance_questions],
                is_current=True,
            ).values_list("question_id", "submission_id", "stance")
        }
    question_maps = []
    for number, question in stance_questions:
        values: dict[str, str] = {}
        for code in names:
            if code in submission_of:
                values[code] = stances.get((question.pk, submission_of[code])) or maps.NO_STANCE
            elif status[code] in (maps.DECLINED, maps.NOT_ANSWERED):
                values[code] = maps.NO_ANSWER
            else:
                values[code] = maps.NOT_INVITED
        question_maps.append(QuestionMap(question, number, _rows(STANCE, names, values, counties)))
    return ConsultationMaps(counties, _rows(STATUS, names, status, counties), question_maps)


# --- Drawing --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    label: str
    count: int
    swatch: str  # decorative SVG


@dataclass(frozen=True)
class DrawnMap:
    data: MapData
    svg: str
    legend: list[LegendEntry]
    title: str
    prefix: str


def drawn(data: MapData, *, title: str, prefix: str) -> DrawnMap:
    """The map of `data` as inline SVG with its legend (counts per category); `prefix` makes its ids unique on
    the page."""
    categories = categories_of(data.kind)
    counts = Counter(row.value for row in data.rows)
    legend_text = "; ".join(
        f"{str(category.label).capitalize()}: {counts[category.key]}" for category in categories if counts[category.key]
    )
    desc = _("%(counties)s, municipalities. %(counts)s. The table beside the map lists every municipality.") % {
        "counties": data.county_names,
        "counts": legend_text,
    }
    svg = maps.map_svg(
        maps.county_map(data.counties),
        {row.code: row.value for row in data.rows},
        {row.code: row.name for row in data.rows},
        categories,
        title=title,
        desc=desc,
        prefix=prefix,
    )
    legend = [
        LegendEntry(str(category.label).capitalize(), counts[category.key], maps.swatch_svg(category, f"{prefix}-l"))
        for category in categories
    ]
    return DrawnMap(data, svg, legend, title, prefix)
