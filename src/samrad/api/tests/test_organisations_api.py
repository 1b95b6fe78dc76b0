"""The organisation register as open data under /api/v1/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samrad.organisations.importing import default_register_path, import_register_file
from samrad.organisations.models import County, Group, Organisation
from samrad.organisations.tests.factories import DivisionFactory, GroupFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations"


@pytest.fixture
def register(db):
    result = import_register_file(default_register_path())
    assert result.ok
    return result


def test_stockholm_countys_26_municipalities_with_their_codes(client, register):
    response = client.get(URL, {"kind": "municipality", "county": "01"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 26 and len(body["items"]) == 26
    codes = {item["municipality_code"]: item["name"] for item in body["items"]}
    assert codes["0180"] == "Stockholm" and codes["0114"] == "Upplands Väsby"
    assert "0980" not in codes
    assert sum(item["population"] for item in body["items"]) == 2_269_060


def test_an_item_has_the_documented_fields(client, register):
    huddinge = Organisation.objects.get(municipality_code="0126")
    huddinge.registry_email = "huddinge.kommun@huddinge.se"
    huddinge.organisation_number = "212000-0183"
    huddinge.save()
    item = client.get(f"{URL}/{huddinge.pk}").json()
    assert item == {
        "id": huddinge.pk,
        "name": "Huddinge",
        "name_valid_from": None,
        "former_names": [],
        "short_name": "",
        "kind": "municipality",
        "kind_label": item["kind_label"],
        "second_kind": None,
        "kinds": ["municipality"],
        "municipality_code": "0126",
        "county_code": "01",
        "county_name": "Stockholms län",
        "organisation_number": "212000-0183",
        "groups": ["Södertörn"],
        "population": 107538,
        "population_year": 2016,
        "registry_email": "huddinge.kommun@huddinge.se",
        "website": "",
        "is_active": True,
    }


def test_filters_by_kind_county_group_and_name(client, register):
    OrganisationFactory.create(agency=True, name="Trafikverket")
    assert [i["name"] for i in client.get(URL, {"kind": "agency"}).json()["items"]] == ["Trafikverket"]
    assert client.get(URL, {"county": "09"}).json()["items"][0]["name"] == "Region Gotland"
    assert client.get(URL, {"group": "Södertörn"}).json()["count"] == 8
    assert client.get(URL, {"group": "stockholm nordost"}).json()["count"] == 6
    nordost = Group.objects.get(name="Stockholm Nordost")
    assert client.get(URL, {"group": str(nordost.pk)}).json()["count"] == 6
    assert client.get(URL, {"group": "Finns inte"}).json()["count"] == 0
    assert [i["name"] for i in client.get(URL, {"q": "SUNDBY"}).json()["items"]] == ["Sundbyberg"]
    assert [i["name"] for i in client.get(URL, {"q": "täby"}).json()["items"]] == ["Täby"]
    division = DivisionFactory.create(name="Bara Gotland", counties=[County.objects.get(code="09")])
    assert client.get(URL, {"division": division.pk}).json()["count"] == 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite's LIKE folds the case of ASCII letters only")
def test_name_search_folds_the_case_of_swedish_letters(client, register):
    assert [i["name"] for i in client.get(URL, {"q": "ÖSTERÅ"}).json()["items"]] == ["Österåker"]


def test_limit_and_offset_pages_through_the_list(client, register):
    first = client.get(URL, {"limit": 10}).json()
    second = client.get(URL, {"limit": 10, "offset": 10}).json()
    last = client.get(URL, {"limit": 10, "offset": 20}).json()
    beyond = client.get(URL, {"offset": 1000}).json()
    assert (first["count"], len(first["items"]), len(second["items"]), len(last["items"])) == (27, 10, 10, 7)
    names = [i["name"] for i in first["items"] + second["items"] + last["items"]]
    assert names == sorted(Organisation.objects.values_list("name", flat=True), key=names.index)
    assert len(set(names)) == 27
    assert beyond["items"] == [] and beyond["count"] == 27
    assert len(client.get(URL).json()["items"]) == 27  # default limit 50


def test_empty_parameters_filter_nothing(client, register):
    body = client.get(URL, {"kind": "", "county": "", "group": "", "q": "", "limit": ""}).json()
    assert body["count"] == 27 and body["limit"] == 50


def test_detail_and_404(client, register):
    org = Organisation.objects.get(municipality_code="0980")
    assert client.get(f"{URL}/{org.pk}").json()["county_name"] == "Gotlands län"
    missing = client.get(f"{URL}/999999")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert "999999" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"offset": "99999999999999999999999999"}, "offset"),
        ({"kind": "xyz"}, "kind"),
        ({"county": "1234"}, "county"),
        ({"county": "1"}, "county"),
        ({"county": "ab"}, "county"),
        ({"division": "x"}, "division"),
    ],
)
def test_bad_parameters_get_400_with_a_readable_message(client, params, parameter):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body["detail"]
    assert body["errors"][0]["parameter"] == parameter
    assert body["errors"][0]["message"]


@pytest.mark.parametrize("path", ["abc", "0", "-1", "99999999999999999999999999"])
def test_a_bad_id_is_a_4xx_with_a_message(client, path):
    response = client.get(f"{URL}/{path}")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_counties_groups_and_divisions(client, register):
    counties = client.get("/api/v1/counties").json()
    assert counties == [
        {"code": "01", "name": "Stockholms län", "organisation_count": 26},
        {"code": "09", "name": "Gotlands län", "organisation_count": 1},
    ]
    groups = {g["name"]: g["organisation_count"] for g in client.get("/api/v1/groups").json()}
    assert groups == {"Stockholm Nordost": 6, "Södertörn": 8}
    assert client.get("/api/v1/groups", {"kind": "network"}).json() == []
    assert client.get("/api/v1/groups", {"kind": "nope"}).status_code == 400
    DivisionFactory.create(name="Stockholm + Gotland", counties=list(County.objects.all()))
    assert client.get("/api/v1/divisions").json()[0]["county_codes"] == ["01", "09"]


def test_the_openapi_schema_describes_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/organisations", "/api/v1/organisations/{organisation_id}", "/api/v1/counties"):
        assert "get" in schema["paths"][path]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organisations"]["get"]["parameters"]}
    assert {"kind", "county", "group", "q", "limit", "offset"} <= parameters


def test_the_list_takes_the_same_number_of_queries_for_5_and_50_organisations(client, django_assert_num_queries):
    groups = [GroupFactory.create(), GroupFactory.create()]
    OrganisationFactory.create_batch(5, groups=groups)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(URL).json()["items"]) == 5
    OrganisationFactory.create_batch(45, groups=groups)
    with django_assert_num_queries(len(five.captured_queries)):
        assert len(client.get(URL).json()["items"]) == 50


def test_region_gotland_is_one_organisation_in_both_roles(client, register):
    regions = client.get(URL, {"kind": "region"}).json()
    municipalities = client.get(URL, {"kind": "municipality"}).json()
    assert [item["name"] for item in regions["items"]] == ["Region Gotland"]
    assert municipalities["count"] == 27 and "Region Gotland" in {item["name"] for item in municipalities["items"]}
    gotland = regions["items"][0]
    assert (gotland["kind"], gotland["second_kind"], gotland["kinds"]) == (
        "municipality",
        "region",
        ["municipality", "region"],
    )
    assert gotland["municipality_code"] == "0980"


def test_former_names_are_given_and_searched(client, register):
    import datetime as dt

    from samrad.organisations.services import organisation_rename

    landsting = OrganisationFactory.create(
        kind=Organisation.Kind.COUNTY_COUNCIL, name="Stockholms läns landsting", municipality_code=None, population=None
    )
    organisation_rename(
        actor="test", organisation=landsting, new_name="Region Stockholm", valid_from=dt.date(2019, 1, 1)
    )
    item = client.get(f"{URL}/{landsting.pk}").json()
    assert item["name"] == "Region Stockholm" and item["name_valid_from"] == "2019-01-01"
    assert item["former_names"] == [{"name": "Stockholms läns landsting", "valid_from": None, "valid_to": "2018-12-31"}]
    assert [i["name"] for i in client.get(URL, {"q": "läns landsting"}).json()["items"]] == ["Region Stockholm"]
