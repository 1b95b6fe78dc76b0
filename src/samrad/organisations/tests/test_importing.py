"""The register import: the shipped file, bad files, re-imports, XLSX, and the command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation
from openpyxl import Workbook

from samrad.audit.models import AuditEvent
from samrad.organisations.importing import default_register_path, import_register_file, register_import
from samrad.organisations.models import County, Group, Organisation
from samrad.organisations.tests.factories import GroupFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SHIPPED = default_register_path().read_bytes()


def run(text: str | bytes, filename: str = "register.csv", **kwargs):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return register_import(actor="import", content=content, filename=filename, **kwargs)


def problems_by_line(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for problem in result.problems:
        found.setdefault(problem.line, []).append(f"{problem.column}: {problem.message}")
    return found


def test_the_shipped_register_imports_stockholm_county_and_gotland(register):
    assert (register.created, register.updated, register.unchanged) == (27, 0, 0)
    assert Organisation.objects.filter(kind="municipality", county__code="01").count() == 26
    gotland = Organisation.objects.select_related("county").get(municipality_code="0980")
    assert (gotland.name, str(gotland.county)) == ("Region Gotland", "Gotlands län")
    assert (gotland.kind, gotland.second_kind) == ("municipality", "region")
    assert gotland.population is None and gotland.population_year is None
    assert Group.objects.get(name="Södertörn").organisations.count() == 8
    assert Group.objects.get(name="Stockholm Nordost").organisations.count() == 6
    assert set(Group.objects.values_list("kind", flat=True)) == {Group.Kind.SUBREGION}
    total = Organisation.objects.filter(county__code="01").aggregate(total=Sum("population"))["total"]
    assert total == 2_269_060
    assert set(Organisation.objects.exclude(population=None).values_list("population_year", flat=True)) == {2016}
    assert dict(County.objects.values_list("code", "name")) == {"01": "Stockholms län", "09": "Gotlands län"}
    # One audit event per organisation, group and county created, and one for the import as a whole.
    assert AuditEvent.objects.filter(action="organisation.create", actor_label="import").count() == 27
    assert AuditEvent.objects.filter(action="register.import").count() == 1


def test_importing_the_same_file_again_changes_nothing(register):
    events = AuditEvent.objects.count()
    before = list(Organisation.objects.order_by("pk").values())

    again = import_register_file(default_register_path())

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 27)
    assert again.groups_created == [] and again.counties_created == []
    assert AuditEvent.objects.count() == events
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_a_file_with_several_problems_reports_each_with_its_line_and_changes_nothing():
    OrganisationFactory.create(name="Befintlig", municipality_code="0114", population=1)
    events = AuditEvent.objects.count()
    organisations = list(Organisation.objects.values())
    text = (
        "municipality_code,name,county_code,county,population_2016,groups,registry_email,organisation_number\n"
        "0114,Upplands Väsby,01,Stockholms län,43891,,registrator@upplandsvasby.se,212000-2882\n"  # fine
        "114,Kort kod,01,Stockholms län,10,,,\n"  # 3: three-digit code
        "0115,,01,Stockholms län,-5,,inte-en-adress,\n"  # 4: no name, negative population, bad e-mail
        "0114,Dubblett,01,Stockholms län,7,,,\n"  # 5: code already on line 2
        "0117,Österåker,1,Stockholms län,43293,Stockholm Nordost,,\n"  # 6: one-digit county code
        "0120,Värmdö,01,Stockholms län,många,,,12345\n"  # 7: population not a number, bad organisation number
        "0123,Järfälla,09,Gotlands län,74412,,,\n"  # 8: code 0123 is not in county 09
        "\n"
        "0125,Ekerö,01,Stockholms län,27406,,,212000-0143\n"  # 10: check digit wrong (blank line 9 counted)
    )
    result = run(text)

    assert not result.ok
    lines = problems_by_line(result)
    assert sorted(line for line in lines if line) == [3, 4, 5, 6, 7, 8, 10]
    assert len(lines[4]) == 3
    assert len(lines[7]) == 2
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert list(Organisation.objects.values()) == organisations
    assert not Group.objects.exists()
    assert AuditEvent.objects.count() == events


def test_problems_are_reported_in_swedish_by_default():
    with translation.override("sv"):
        result = run("municipality_code,name\n12a4,Fel\n0114,\n")
    messages = " ".join(problem.message for problem in result.problems)
    assert "kommunkod" in messages.lower()
    assert "namn" in messages.lower()
    assert [problem.line for problem in result.problems] == [2, 3]


def test_unknown_columns_are_reported_not_ignored_and_the_rows_are_still_checked():
    result = run("municipality_code,name,colour,inhabitants\n0114,Upplands Väsby,red,1\n99999,X,,\n")
    assert [(p.line, p.column) for p in result.problems] == [
        (1, "colour"),
        (1, "inhabitants"),
        (3, "municipality_code"),
    ]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name,kind\nTrafikverket,\n", 2, "kind"),  # no kind and no municipality code
        ("name,kind\nTrafikverket,rymdstation\n", 2, "kind"),
        ("name,kind,municipality_code\nTrafikverket,agency,0114\n", 2, "municipality_code"),
        ("name,kind,county_code\nNågot,other,02\n", 2, "county_code"),  # 02 is no Swedish county
        ("name,kind,population,population_year\nNågot,other,,2016\n", 2, "population_year"),
        ("name,kind,population_year\nNågot,other,tjugo\n", 2, "population_year"),
        ("name,kind,website\nNågot,other,inte en adress\n", 2, "website"),
        ("name,kind,county\nNågot,other,Stockholms län\n", 2, "county"),  # a county name needs a code
        ("name,name\nA,B\n", 1, "name"),
        ("name,kind\nA,other,extra\n", 2, ""),
    ],
)
def test_each_kind_of_bad_value_is_reported(text, line, column):
    result = run(text)
    assert not result.ok
    assert (result.problems[0].line, result.problems[0].column) == (line, column)


def test_the_same_organisation_twice_in_a_file_is_reported():
    result = run("name,kind,county_code\nTrafikverket,agency,\ntrafikverket,Myndighet,\n")
    assert [(p.line, p.column) for p in result.problems] == [(3, "name")]


def test_conflicting_county_names_are_reported():
    result = run("municipality_code,name,county\n0114,Upplands Väsby,Stockholms län\n0115,Vallentuna,Sthlm\n")
    assert [(p.line, p.column) for p in result.problems] == [(3, "county")]


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "register.csv", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "register.csv", ".xls"),
        (b"PK\x03\x04 not really a workbook", "register.xlsx", "Excel"),
        (b"municipality_code,name\n0114,Upplands V\xe4sby\n", "register.csv", "UTF-8"),
        (b"", "register.csv", "empty"),
        (b"municipality_code,name\n", "register.csv", "no rows"),
        (b"name\nA\n", "register.pdf", "CSV"),
    ],
)
def test_files_that_are_not_registers_are_refused_with_a_clear_message(content, filename, expected):
    with translation.override("en"):
        result = run(content, filename)
    assert not result.ok
    assert len(result.problems) == 1 and result.problems[0].line is None
    assert expected in result.problems[0].message
    assert not Organisation.objects.exists()


def test_a_file_larger_than_the_limit_is_refused(settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 100
    with translation.override("en"):
        result = run(SHIPPED)
        path = tmp_path / "big.csv"
        path.write_bytes(SHIPPED)
        from_disk = import_register_file(path)
    assert "too large" in result.problems[0].message
    assert "too large" in from_disk.problems[0].message
    assert not Organisation.objects.exists()


def test_semicolons_a_byte_order_mark_and_swedish_headers_are_understood():
    text = "\ufeffkommunkod;namn;länskod;län;folkmängd_2016;grupper\n0114;Upplands Väsby;01;Stockholms län;43 891;\n"
    result = run(text)
    assert result.ok, result.problems
    org = Organisation.objects.get(municipality_code="0114")
    assert (org.population, org.population_year, str(org.county)) == (43891, 2016, "Stockholms län")


def test_an_xlsx_file_is_imported_and_numeric_codes_get_their_leading_zeros_back():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["municipality_code", "name", "county_code", "county", "population_2016", "groups"])
    sheet.append([114, "Upplands Väsby", 1, "Stockholms län", 43891, None])  # numbers, as Excel stores them
    sheet.append(["0126", "Huddinge", "01", "Stockholms län", 107538.0, "Södertörn"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["0980", "Gotland", "09", "Gotlands län", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(buffer.getvalue(), "register.xlsx")

    assert result.ok, result.problems
    assert result.created == 3
    assert Organisation.objects.filter(municipality_code="0114", county__code="01").exists()
    assert Organisation.objects.get(municipality_code="0126").population == 107538
    assert [o.line for o in result.outcomes] == [2, 3, 5]


def test_an_xlsx_file_with_problems_reports_spreadsheet_rows():
    workbook = Workbook()
    workbook.active.append(["municipality_code", "name"])
    workbook.active.append(["01145", "För lång kod"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), "register.xlsx")
    assert [(p.line, p.column) for p in result.problems] == [(2, "municipality_code")]


def test_a_changed_value_updates_only_that_organisation_and_is_audited(register):
    text = SHIPPED.decode("utf-8").replace(
        "0114,Upplands Väsby,01,Stockholms län,43891", "0114,Upplands Väsby,01,Stockholms län,44000"
    )
    events = AuditEvent.objects.count()

    result = run(text)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 26)
    assert result.outcomes[0].changed == ("population",)
    assert Organisation.objects.get(municipality_code="0114").population == 44000
    update = AuditEvent.objects.get(action="organisation.update")
    assert update.changes == {"population": [43891, 44000]}
    assert AuditEvent.objects.count() == events + 2  # the update and the import summary


def test_matching_by_organisation_number_then_by_kind_and_name():
    by_number = OrganisationFactory.create(agency=True, name="Gammalt namn", organisation_number="202100-5489")
    by_name = OrganisationFactory.create(agency=True, name="Länsstyrelsen i Stockholms län", kind="county_board")
    text = (
        "name,kind,organisation_number,registry_email\n"
        "Trafikverket,agency,2021005489,trafikverket@trafikverket.se\n"
        "länsstyrelsen i stockholms län,county_board,,stockholm@lansstyrelsen.se\n"
        "Naturvårdsverket,myndighet,,registrator@naturvardsverket.se\n"
    )
    result = run(text)

    assert result.ok, result.problems
    assert (result.created, result.updated) == (1, 2)
    by_number.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_number.name, by_number.registry_email) == ("Trafikverket", "trafikverket@trafikverket.se")
    assert by_name.registry_email == "stockholm@lansstyrelsen.se"
    assert by_name.name == "länsstyrelsen i stockholms län"
    assert Organisation.objects.get(name="Naturvårdsverket").kind == Organisation.Kind.AGENCY


def test_empty_cells_keep_what_the_register_has(register):
    org = Organisation.objects.get(municipality_code="0114")
    org.registry_email = "registrator@upplandsvasby.se"
    org.save()
    result = run("municipality_code,name,registry_email,population_2016\n0114,Upplands Väsby,,\n")
    assert result.unchanged == 1
    org.refresh_from_db()
    assert (org.registry_email, org.population) == ("registrator@upplandsvasby.se", 43891)


def test_the_groups_cell_sets_subregions_and_keeps_networks(register):
    network = GroupFactory.create(name="Klimatnätverket", kind=Group.Kind.NETWORK)
    nykvarn = Organisation.objects.get(municipality_code="0140")
    nykvarn.groups.add(network)

    result = run("municipality_code,name,groups\n0140,Nykvarn,Sydväst; Mälardalen\n")

    assert result.ok and result.updated == 1
    assert sorted(result.groups_created) == ["Mälardalen", "Sydväst"]
    assert sorted(nykvarn.groups.values_list("name", flat=True)) == ["Klimatnätverket", "Mälardalen", "Sydväst"]
    assert Group.objects.get(name="Södertörn").organisations.count() == 7


def test_a_dry_run_reports_what_would_change_and_saves_nothing():
    result = import_register_file(default_register_path(), dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, len(result.groups_created), len(result.counties_created)) == (27, 2, 2)
    assert not Organisation.objects.exists() and not County.objects.exists() and not Group.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_respondent_may_not_import(respondent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register_import(actor=respondent, content=SHIPPED, filename="register.csv")


def test_the_command_prints_the_summary_and_is_idempotent(capsys):
    call_command("import_register", str(default_register_path()))
    assert Organisation.objects.count() == 27
    call_command("import_register", str(default_register_path()), "--dry-run")
    out = capsys.readouterr().out
    assert "27" in out
    assert AuditEvent.objects.filter(action="register.import").count() == 1


def test_the_command_lists_bad_rows_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("municipality_code,name\n12,Kort\n0114,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_register", str(path))
    err = capsys.readouterr().err
    assert "2" in err and "3" in err
    assert not Organisation.objects.exists()


def test_the_command_exits_non_zero_for_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_register", str(tmp_path / "finns-inte.csv"))


def test_a_tab_separated_utf16_file_from_excel_is_read():
    text = "municipality_code\tname\tpopulation_2016\r\n0114\tUpplands Väsby\t43891\r\n"
    result = run(text.encode("utf-16"))
    assert result.ok, result.problems
    assert Organisation.objects.get(municipality_code="0114").population == 43891


def test_a_file_with_too_many_rows_is_refused(monkeypatch):
    from samrad.organisations import register_file

    monkeypatch.setattr(register_file, "MAX_ROWS", 2)
    with translation.override("en"):
        result = run("name,kind\nA,other\nB,other\nC,other\n")
    assert "more than 2 rows" in result.problems[0].message
    assert not Organisation.objects.exists()


def test_an_archive_bomb_named_xlsx_is_refused_before_it_is_unpacked(tmp_path):
    from samrad.documents.tests.samples import make_docx_bomb

    bomb = tmp_path / "register.xlsx"
    bomb.write_bytes(make_docx_bomb(expanded_mb=400))
    result = import_register_file(bomb, dry_run=True)
    assert not result.ok
    assert "arkivbomb" in " ".join(problem.message for problem in result.problems)
    assert not Organisation.objects.exists()


def test_a_row_like_an_organisation_in_the_register_waits_for_a_confirmation(register, tmp_path):
    huddinge = Organisation.objects.get(municipality_code="0126")
    Organisation.objects.filter(pk=huddinge.pk).update(registry_email="registrator@huddinge.example")
    text = (
        "name,kind,organisation_number,registry_email\n"
        "Huddinge,agency,,\n"  # the name of a municipality
        "Södertörns brandförsvar,association,,registrator@huddinge.example\n"
        "Södertörns miljö,association,,ny@example.se\n"
        "Södertörns vatten,association,,ny@example.se\n"  # same address as line 4
    )
    with translation.override("sv"):
        stopped = run(text)
    assert not stopped.ok and stopped.needs_confirmation and not stopped.problems
    assert [(w.line, w.column) for w in stopped.warnings] == [
        (2, "name"),
        (3, "registry_email"),
        (5, "registry_email"),
    ]
    assert "Huddinge (0126)" in stopped.warnings[0].message
    assert "Rad 4" in stopped.warnings[2].message
    assert "Inget har importerats" in stopped.summary()
    assert not Organisation.objects.filter(name="Södertörns miljö").exists()

    preview = run(text, dry_run=True)
    assert preview.ok and len(preview.warnings) == 3 and preview.created == 4

    confirmed = run(text, confirm_warnings=True)
    assert confirmed.ok and confirmed.created == 4
    event = AuditEvent.objects.get(action="register.import", changes__file="register.csv")
    assert len(event.changes["warnings_confirmed"]) == 3


def test_the_command_lists_warnings_and_imports_with_confirm_warnings(register, tmp_path):
    path = tmp_path / "dubbletter.csv"
    path.write_text("name,kind,organisation_number\nNacka,agency,\n", encoding="utf-8")
    err = io.StringIO()
    with translation.override("sv"), pytest.raises(CommandError):
        call_command("import_register", str(path), stderr=err)
    assert "Rad 2, name:" in err.getvalue() and "--confirm-warnings" in err.getvalue()
    assert Organisation.objects.filter(name="Nacka").count() == 1

    call_command("import_register", str(path), "--confirm-warnings", stdout=io.StringIO(), stderr=io.StringIO())
    assert Organisation.objects.filter(name="Nacka").count() == 2


def test_reimporting_the_shipped_file_warns_of_nothing(register):
    again = run(SHIPPED, filename="stockholm_county_2016.csv")
    assert again.ok and again.warnings == [] and again.unchanged == 27


def test_a_second_kind_column_gives_both_roles(db):
    result = run("municipality_code,name,kind,second_kind\n0980,Region Gotland,region,kommun\n")
    assert result.ok, result.problems
    gotland = Organisation.objects.get(municipality_code="0980")
    assert gotland.kinds == ["region", "municipality"]
    bad = run("name,kind,second_kind\nX,region,region\n")
    assert problems_by_line(bad) == {2: ["second_kind: Den andra typen måste skilja sig från typen."]}
