"""What the remiss compilation says, built once and read by all four formats (html, docx, pdf, xlsx).

- The coordinators' summary.
- Who was asked and who answered: every body on the referral list with what became of it (answered, answered
  jointly with another body's answer, declined, did not answer), the answers from bodies not on the list, the
  joint answers with their co-signers, and counts of each.
- Per question: the distribution of the effective stances (the current SubmissionStance of each answer's latest
  version, as consultations.selectors_reading counts them) as counts and shares, and a short account of each
  answer: the respondent, its stance, the first EXCERPT_LENGTH characters of its text and its receipt number.

- The county maps (analysis.county_maps): what became of each municipality of the counties of the invited
  municipalities, and per stance question each one's stance, as plain rows (code, name, value, label); the
  formats draw the map from those rows and the boundaries (SVG in HTML and PDF, PNG in DOCX, a table in XLSX).

- Per stance question also the population-weighted view (analysis.distribution): the stances counted by body (a
  joint answer counts for each co-signer) and their shares of the population of the bodies with a figure in the
  register; bodies without one are counted as missing, never estimated.

- Per stance question the themes of the analysis (analysis.theme_services.theme_review: the latest finished run)
  with the number of answers per stance in each and its quotes (the representative passages and those a person
  placed), each traceable to its answer's receipt number and, for an attachment, its page. `themes_state` says
  whether a coordinator had signed the themes off when the content was built; the compilation can only be signed
  off with signed-off themes (reports.services), so a signed-off compilation never carries unreviewed themes.

The content is plain data (strings and numbers, labels already translated) so that a signed-off compilation can
be kept as JSON (`as_json`/`from_json`) and read back unchanged whatever happens to the answers later.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samrad.analysis.charts import Chart, bar_chart
from samrad.analysis.county_maps import DrawnMap, MapData, consultation_maps, drawn
from samrad.analysis.distribution import consultation_distributions
from samrad.analysis.theme_services import theme_review
from samrad.consultations.models import Consultation, Question, Referral, Response, ResponseSignatory, Stance
from samrad.consultations.selectors_reading import (
    NO_STANCE,
    current_submissions,
    latest_receipts_for_referrals,
    question_answers,
    respondent_label,
)

EXCERPT_LENGTH = 300


@dataclass
class Party:
    """One respondent or referral body as the compilation lists it."""

    name: str
    status: str = ""  # answered | answered_jointly | declined | not_answered | unsolicited
    status_label: str = ""
    receipt: str = ""  # receipt number of the answer that counts for it ("" when none)
    note: str = ""  # reason for declining, or the answer it co-signed, or the co-signers


@dataclass
class Count:
    key: str
    label: str
    count: int


@dataclass
class StanceLine:
    stance: str  # a Stance value, or "none"
    label: str
    count: int  # answers
    percent: float
    # Counted by body and weighted by population (analysis.distribution): a joint answer counts for each of its
    # co-signers; the weighted share is of the population of the bodies that have a figure in the register.
    # Zero in a compilation signed off before these figures existed (QuestionPart.weighted is then False).
    bodies: int = 0
    population: int = 0
    weighted_percent: float = 0.0
    missing: int = 0  # bodies without a population figure


@dataclass
class Account:
    """One answer to one question, in short."""

    respondent: str
    stance: str
    stance_label: str
    excerpt: str
    truncated: bool
    receipt: str
    channel_label: str


@dataclass
class Quote:
    """A passage of an answer quoted under a theme."""

    text: str
    respondent: str
    receipt: str
    stance_label: str
    page: int | None = None  # the attachment's page; None: the answer's own text


@dataclass
class ThemePart:
    label: str
    answers: int  # answers with a passage in the theme
    stances: list[Count] = field(default_factory=list)  # answers per stance, the stances the theme holds
    quotes: list[Quote] = field(default_factory=list)


THEMES_NONE = "none"  # no theme run has finished
THEMES_DRAFT = "draft"  # the latest finished run is not signed off
THEMES_SIGNED_OFF = "signed_off"


@dataclass
class QuestionPart:
    number: int
    text: str
    asks_stance: bool
    total: int
    distribution: list[StanceLine] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    map: MapData | None = None  # each municipality's stance (a stance question, invited municipalities)
    weighted: bool = False  # the lines carry the counts by body and the population-weighted shares
    themes: list[ThemePart] = field(default_factory=list)

    @property
    def chart(self) -> Chart | None:
        """The stance shares as a bar chart (share of answers; below it the share weighted by population)."""
        if not self.asks_stance or not self.total:
            return None
        lines = ((line.label, line.percent, line.weighted_percent) for line in self.distribution)
        return bar_chart(lines, weighted=self.weighted)

    @property
    def drawn_map(self) -> DrawnMap | None:
        if self.map is None:
            return None
        title = _("Each municipality's stance on question %(number)s") % {"number": self.number}
        return drawn(self.map, title=title, prefix=f"cmap-q{self.number}")


@dataclass
class Content:
    title: str
    reference_number: str
    senders: list[str]
    deadline: str
    closed: str
    built_at: str
    summary: str
    counts: list[Count]
    referrals: list[Party]
    declined: list[Party]
    not_answered: list[Party]
    unsolicited: list[Party]
    joint: list[Party]
    questions: list[QuestionPart]
    status_map: MapData | None = None  # what became of each municipality (none: no municipality invited)
    population_years: str = ""  # the years of the population figures used ("2015" or "2014–2015")
    themes_state: str = THEMES_NONE  # THEMES_NONE, THEMES_DRAFT or THEMES_SIGNED_OFF when built
    themes_signed_off: str = ""  # the day the themes were signed off

    @property
    def has_themes(self) -> bool:
        return any(part.themes for part in self.questions)

    @property
    def drawn_status_map(self) -> DrawnMap | None:
        if self.status_map is None:
            return None
        return drawn(self.status_map, title=_("What became of each municipality's referral"), prefix="cmap-status")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Content":
        parties = ("referrals", "declined", "not_answered", "unsolicited", "joint")
        values = dict(data)
        for name in parties:
            values[name] = [Party(**row) for row in data[name]]
        values["counts"] = [Count(**row) for row in data["counts"]]
        values["questions"] = [
            QuestionPart(
                **{
                    **part,
                    "distribution": [StanceLine(**line) for line in part["distribution"]],
                    "accounts": [Account(**account) for account in part["accounts"]],
                    "map": MapData.from_json(part["map"]) if part.get("map") else None,
                    # A compilation signed off before themes were part of it has none.
                    "themes": [
                        ThemePart(
                            **{
                                **theme,
                                "stances": [Count(**line) for line in theme["stances"]],
                                "quotes": [Quote(**quote) for quote in theme["quotes"]],
                            }
                        )
                        for theme in part.get("themes", [])
                    ],
                }
            )
            for part in data["questions"]
        ]
        # A compilation signed off before the maps existed has none.
        values["status_map"] = MapData.from_json(data["status_map"]) if data.get("status_map") else None
        return cls(**values)

    def count(self, key: str) -> int:
        return next(line.count for line in self.counts if line.key == key)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> tuple[str, bool]:
    """The first `length` characters of `text`, cut at a word where possible, and whether anything was cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text, False
    cut = text[:length]
    space = cut.rfind(" ")
    if space > length * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…", True


def _day(value: dt.datetime | None) -> str:
    return date_format(timezone.localtime(value), "j F Y") if value else ""


def _stance_label(value: str) -> str:
    if not value or value == NO_STANCE:
        return _("no stance")
    return str(Stance(value).label)


def _themes(consultation: Consultation) -> tuple[dict[int, list[ThemePart]], str, str]:
    """The themes per question of the latest finished theme run, its state and the day it was signed off."""
    review = theme_review(consultation)
    if review.run is None:
        return {}, THEMES_NONE, ""
    out: dict[int, list[ThemePart]] = {}
    for item in review.questions:
        out[item.question.pk] = [
            ThemePart(
                label=view.theme.label,
                answers=view.answers,
                stances=[Count(value, _stance_label(value), count) for value, _label, count in view.counts if count],
                quotes=[
                    Quote(
                        text=" ".join(quote.text.split()),
                        respondent=quote.respondent,
                        receipt=quote.submission.receipt_number,
                        stance_label=_stance_label(quote.stance),
                        page=quote.page,
                    )
                    for quote in view.quotes
                ],
            )
            for view in item.themes
        ]
    if review.run.signed_off_at is None:
        return out, THEMES_DRAFT, ""
    return out, THEMES_SIGNED_OFF, _day(review.run.signed_off_at)


def compilation_content(consultation: Consultation, *, summary: str) -> Content:
    """The compilation of `consultation` from its answers as they are now."""
    answers = list(current_submissions(consultation).select_related("response__organisation").defer("content"))
    by_receipt = {submission.receipt_number: submission for submission in answers}
    referrals = list(
        Referral.objects.filter(consultation=consultation).select_related("organisation").order_by("organisation__name")
    )
    receipts = latest_receipts_for_referrals(consultation, [referral.pk for referral in referrals])

    listed: list[Party] = []
    declined: list[Party] = []
    not_answered: list[Party] = []
    for referral in referrals:
        name = referral.organisation.name
        receipt = receipts.get(referral.pk, "")
        if referral.status == Referral.Status.SUBMITTED and receipt:
            answer = by_receipt.get(receipt)
            own = answer is not None and answer.response.organisation_id == referral.organisation_id
            if own or answer is None:
                listed.append(Party(name, "answered", _("answered"), receipt))
            else:
                listed.append(
                    Party(
                        name,
                        "answered_jointly",
                        _("answered jointly"),
                        receipt,
                        _("co-signed the answer of %(name)s") % {"name": respondent_label(answer)},
                    )
                )
        elif referral.status == Referral.Status.DECLINED:
            party = Party(name, "declined", pgettext("compilation", "declined"), "", referral.decline_reason)
            listed.append(party)
            declined.append(party)
        else:
            party = Party(name, "not_answered", _("did not answer"))
            listed.append(party)
            not_answered.append(party)

    unsolicited = [
        Party(respondent_label(answer), "unsolicited", _("answered unasked"), answer.receipt_number)
        for answer in answers
        if answer.response.is_unsolicited
    ]
    cosigners: dict[int, list[str]] = {}
    for response_id, organisation_name in (
        ResponseSignatory.objects.filter(response__consultation=consultation, confirmed_at__isnull=False)
        .values_list("response_id", "organisation__name")
        .order_by("organisation__name")
    ):
        cosigners.setdefault(response_id, []).append(organisation_name)
    joint = [
        Party(
            respondent_label(answer),
            "joint",
            _("joint answer"),
            answer.receipt_number,
            ", ".join(cosigners[answer.response_id]),
        )
        for answer in answers
        if answer.response_id in cosigners
    ]

    jointly = sum(1 for party in listed if party.status == "answered_jointly")
    answered_count = sum(1 for party in listed if party.status in ("answered", "answered_jointly"))
    counts = [
        Count("asked", _("Asked (on the referral list)"), len(referrals)),
        Count("answered", _("Answered, of those asked"), answered_count),
        Count("answered_jointly", _("of which in a joint answer"), jointly),
        Count("declined", pgettext("compilation", "Declined"), len(declined)),
        Count("not_answered", _("Did not answer"), len(not_answered)),
        Count("unsolicited", _("Answered unasked"), len(unsolicited)),
        Count("joint", _("Joint answers"), len(joint)),
        Count("answers", _("Answers received in all"), len(answers)),
    ]

    county = consultation_maps(consultation)
    stance_maps = {item.question.pk: item.map for item in county.questions}
    distributions = consultation_distributions(consultation)
    weighted = {
        item.question.pk: {line.stance: line for line in item.overall.lines} for item in distributions.questions
    }
    themes, themes_state, themes_signed_off = _themes(consultation)
    questions: list[QuestionPart] = []
    for question in consultation.questions.order_by("order", "id"):
        reading = question_answers(consultation=consultation, question=question)
        asks_stance = question.kind == Question.Kind.STANCE
        part = QuestionPart(
            number=reading.number,
            text=question.text,
            asks_stance=asks_stance,
            total=reading.total,
            distribution=[
                StanceLine(line.stance, str(line.label), line.count, line.percent) for line in reading.counts
            ],
            map=stance_maps.get(question.pk),
            weighted=question.pk in weighted,
            themes=themes.get(question.pk, []),
        )
        for line in part.distribution:
            by_body = weighted.get(question.pk, {}).get(line.stance)
            if by_body is not None:
                line.bodies, line.population = by_body.count, by_body.population
                line.weighted_percent, line.missing = by_body.weighted_percent, by_body.missing
        for row in reading.rows_of(list(reading.rows)):
            if not row.text and not row.stance and not row.registered:
                continue
            text, truncated = excerpt(row.text)
            if not text and row.registered:
                text = _("The answer came as a document; see the answer under its receipt number.")
            part.accounts.append(
                Account(
                    respondent=respondent_label(row.submission),
                    stance=row.stance,
                    stance_label=_stance_label(row.stance) if asks_stance else "",
                    excerpt=text,
                    truncated=truncated,
                    receipt=row.submission.receipt_number,
                    channel_label=str(Response.Channel(row.channel).label)
                    if row.channel in Response.Channel.values
                    else row.channel,
                )
            )
        questions.append(part)

    return Content(
        title=consultation.title,
        reference_number=consultation.reference_number,
        senders=[link.organisation.name for link in consultation.sender_links.select_related("organisation")],
        deadline=_day(consultation.deadline),
        closed=_day(consultation.closed_at),
        built_at=date_format(timezone.localtime(), "j F Y H.i"),
        summary=summary,
        counts=counts,
        referrals=listed,
        declined=declined,
        not_answered=not_answered,
        unsolicited=unsolicited,
        joint=joint,
        questions=questions,
        status_map=county.status,
        population_years=distributions.population_years_label,
        themes_state=themes_state,
        themes_signed_off=themes_signed_off,
    )
