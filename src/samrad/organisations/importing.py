"""Importing the register from a CSV or XLSX file.

Three steps, in one transaction:

1. every row is read and checked on its own and against the other rows (codes, kinds, e-mail, numbers...);
2. each row is matched to the organisation it describes: by municipality code, else by organisation number
   (within the same kind), else by kind + name (+ county when given);
3. only if no row has a problem, each row creates or updates its organisation through the services (which
   validate once more and write the audit log). Any problem, or a dry run, rolls everything back.

An empty cell never erases what the register holds (clear values on the organisation's page instead). A non-empty
`groups` cell makes the listed groups the organisation's subregions: groups that do not exist yet are created as
subregions and the organisation leaves subregions that are not listed; networks and other groups it belongs to are
kept. Importing the same file twice changes nothing the second time.

A row that adds an organisation (or gives one a new name, number or registry address) with the name, organisation
number or registry address of another organisation in the register, or of another row, is a *warning*, not a
problem: it is listed by line, and nothing is imported until the import is confirmed (`confirm_warnings=True`,
`manage.py import_register --confirm-warnings`, or the tick box on the import page).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samrad.actors import COORDINATE, Actor, may
from samrad.audit.services import audit_record
from samrad.organisations import services
from samrad.organisations.duplicates import duplicate_warnings
from samrad.organisations.geography import SWEDISH_COUNTIES, county_code_of_municipality
from samrad.organisations.models import (
    County,
    Group,
    Organisation,
    normalise_email,
    normalise_organisation_number,
    normalise_spaces,
    validate_organisation_number_check_digit,
)
from samrad.organisations.register_file import RegisterFileError, Table, TableRow, read_table
from samrad.organisations.selectors import kind_filter

COLUMNS = [
    "municipality_code",
    "name",
    "kind",
    "second_kind",
    "short_name",
    "organisation_number",
    "county_code",
    "county",
    "registry_email",
    "website",
    "population",
    "population_year",
    "groups",
]
# Swedish headers a person is likely to write, mapped to the column they mean.
COLUMN_ALIASES = {
    "kommunkod": "municipality_code",
    "namn": "name",
    "typ": "kind",
    "andra_typ": "second_kind",
    "kortnamn": "short_name",
    "organisationsnummer": "organisation_number",
    "länskod": "county_code",
    "län": "county",
    "registrator": "registry_email",
    "e-post": "registry_email",
    "webbplats": "website",
    "folkmängd": "population",
    "befolkning": "population",
    "år": "population_year",
    "grupper": "groups",
    "delregion": "groups",
}
# Common Swedish words for the kinds, besides the kinds' own names in English and Swedish.
KIND_SYNONYMS = {
    "kommun": "municipality",
    "landsting": "county_council",
    "länsstyrelse": "county_board",
    "myndighet": "agency",
    "statlig myndighet": "agency",
    "förening": "association",
    "organisation": "association",
    "företag": "company",
    "bolag": "company",
    "annan": "other",
    "övrig": "other",
}
# population_2016 (or folkmängd_2016) is the population in 2016.
POPULATION_OF_YEAR = re.compile(r"^(?:population|folkmängd|befolkning)_([0-9]{4})$")
MAX_POPULATION = 2_147_483_647
MAX_LENGTHS = {"name": 200, "short_name": 50, "county": 100, "website": 200, "registry_email": 254}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: `line` as the user sees it (header = 1), None for the file as a whole."""

    line: int | None
    column: str
    message: str


@dataclass(frozen=True)
class RowOutcome:
    line: int
    name: str
    action: str  # "create", "update" or "unchanged"
    changed: tuple[str, ...] = ()

    def changed_labels(self) -> list[str]:
        """The changed fields' names in the active language."""
        return [str(getattr(Organisation._meta.get_field(name), "verbose_name", name)) for name in self.changed]


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    problems: list[ImportProblem] = field(default_factory=list)
    # Organisations that may already be in the register: the import waits for a confirmation.
    warnings: list[ImportProblem] = field(default_factory=list)
    confirm_warnings: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    counties_created: list[str] = field(default_factory=list)
    counties_renamed: list[str] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """Warnings that nobody has confirmed: nothing is imported (a preview only lists them)."""
        return bool(self.warnings) and not self.confirm_warnings and not self.dry_run

    @property
    def ok(self) -> bool:
        return not self.problems and not self.needs_confirmation

    def _count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.created or self.updated or self.counties_created or self.counties_renamed or self.groups_created
        )

    def summary(self) -> str:
        """One sentence for the person who imported (in the active language)."""
        if self.problems:
            return ngettext(
                "The file has %(count)d problem. Nothing was imported.",
                "The file has %(count)d problems. Nothing was imported.",
                len(self.problems),
            ) % {"count": len(self.problems)}
        if self.needs_confirmation:
            return ngettext(
                "The file has %(count)d warning about organisations that may already be in the register. Nothing "
                "was imported: check the warning and confirm it to import anyway.",
                "The file has %(count)d warnings about organisations that may already be in the register. Nothing "
                "was imported: check the warnings and confirm them to import anyway.",
                len(self.warnings),
            ) % {"count": len(self.warnings)}
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "groups": len(self.groups_created),
            "counties": len(self.counties_created),
        }
        if self.dry_run:
            return (
                _(
                    "Preview, nothing has been saved. Would be created: %(created)d, updated: %(updated)d, "
                    "unchanged: %(unchanged)d; new groups: %(groups)d, new counties: %(counties)d."
                )
                % counts
            )
        return (
            _(
                "Organisations created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d; "
                "new groups: %(groups)d, new counties: %(counties)d."
            )
            % counts
        )


@dataclass
class RegisterRow:
    """One row, checked. None means the file does not say (the register keeps what it has)."""

    line: int
    kind: str
    name: str
    second_kind: str | None = None
    municipality_code: str | None = None
    short_name: str | None = None
    organisation_number: str | None = None
    county_code: str | None = None
    county_name: str | None = None
    registry_email: str | None = None
    website: str | None = None
    population: int | None = None
    population_year: int | None = None
    groups: list[str] | None = None


def default_register_path() -> Path:
    """The shipped register of Stockholm County's 26 municipalities and Gotland (population 2016)."""
    return Path(__file__).resolve().parent / "data" / "stockholm_county_2016.csv"


def import_register_file(
    path: str | Path, actor: Actor = None, *, dry_run: bool = False, confirm_warnings: bool = False
) -> ImportResult:
    """Import a register file from disk (the command and the demo use this)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        return ImportResult(
            filename=path.name,
            dry_run=dry_run,
            problems=[ImportProblem(None, "", _("The file cannot be opened: %(error)s") % {"error": error.strerror})],
        )
    if size > settings.IMPORT_MAX_BYTES:
        message = _("The file is too large (%(size)s). The largest file that can be imported is %(max)s.") % {
            "size": filesizeformat(size),
            "max": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        return ImportResult(filename=path.name, dry_run=dry_run, problems=[ImportProblem(None, "", message)])
    return register_import(
        actor=actor if actor is not None else "import",
        content=path.read_bytes(),
        filename=path.name,
        dry_run=dry_run,
        confirm_warnings=confirm_warnings,
    )


def register_import(
    *, actor: Actor, content: bytes, filename: str, dry_run: bool = False, confirm_warnings: bool = False
) -> ImportResult:
    """Check a whole register file and, if every row is fine (and its warnings confirmed) and this is no dry run,
    apply it."""
    if not may(actor, COORDINATE):
        raise PermissionDenied(_("Only coordinators may change the organisation register."))
    result = ImportResult(filename=filename, dry_run=dry_run, confirm_warnings=confirm_warnings)
    try:
        table = read_table(content=content, filename=filename)
    except RegisterFileError as error:
        result.problems.append(ImportProblem(None, "", str(error)))
        return result
    rows, labels = _check_rows(table, result.problems)
    if result.problems:
        result.problems.sort(key=lambda problem: problem.line or 0)
        return result
    with transaction.atomic():
        matches = _match_rows(rows, result.problems)
        if not result.problems:
            result.warnings = _duplicate_warnings(rows, matches, labels)
        if not result.problems and not result.needs_confirmation:
            _apply(rows, matches, labels=labels, actor=actor, result=result)
        if result.ok and result.changed_anything and not dry_run:
            audit_record(
                actor=actor,
                action="register.import",
                object_type="organisations.register",
                changes={
                    "file": filename,
                    "warnings_confirmed": [f"{w.line}: {w.message}" for w in result.warnings],
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "groups_created": result.groups_created,
                    "counties_created": result.counties_created,
                },
            )
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    if not result.ok:
        result.problems.sort(key=lambda problem: problem.line or 0)
        result.outcomes.clear()
        result.groups_created.clear()
        result.counties_created.clear()
        result.counties_renamed.clear()
    return result


# --- Step 1: reading and checking each row ------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    positions: dict[str, int]  # column -> position in the row
    labels: dict[str, str]  # column -> the header as written in the file
    population_year: int | None  # from a population_YYYY header
    width: int  # number of columns in the header


def _read_header(header: list[str], problems: list[ImportProblem]) -> _Columns:
    """The known columns and where they are. Unknown or repeated columns are reported and left out, so that the
    rows are still checked and every problem is reported at once."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    population_year = None
    for position, written in enumerate(header):
        key = "_".join(written.replace("\ufeff", "").strip().lower().split())
        column = COLUMN_ALIASES.get(key, key)
        if match := POPULATION_OF_YEAR.match(key):
            column, population_year = "population", int(match.group(1))
        if not key:
            problems.append(
                ImportProblem(1, "", _("Column %(number)d has no name in the header.") % {"number": position + 1})
            )
            continue
        if column not in COLUMNS:
            problems.append(
                ImportProblem(
                    1,
                    written,
                    _("Unknown column “%(column)s”. The columns that can be imported are: %(known)s.")
                    % {"column": written, "known": ", ".join([*COLUMNS, "population_2016"])},
                )
            )
            continue
        if column in positions:
            problems.append(
                ImportProblem(
                    1,
                    written,
                    _("The columns “%(first)s” and “%(second)s” both give %(column)s.")
                    % {"first": labels[column], "second": written, "column": column},
                )
            )
            continue
        positions[column], labels[column] = position, written
    if "name" not in positions:
        problems.append(ImportProblem(1, "name", _("The file has no “name” column.")))
    if population_year is not None and "population_year" in positions:
        problems.append(
            ImportProblem(
                1,
                labels["population_year"],
                _("Give the population year either in the header (“%(population)s”) or in its own column, not both.")
                % {"population": labels["population"]},
            )
        )
    return _Columns(positions=positions, labels=labels, population_year=population_year, width=len(header))


def _kind_lookup() -> dict[str, str]:
    """Kinds by their code and by their name in English and Swedish, lower case: "kommun" -> municipality."""
    lookup: dict[str, str] = dict(KIND_SYNONYMS)
    for value, label in Organisation.Kind.choices:
        lookup[value] = value
        lookup[value.replace("_", " ")] = value
        for language in ("en", "sv"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


class _RowReader:
    """Reads the cells of one row, collecting what is wrong with them."""

    def __init__(self, row: TableRow, columns: _Columns, problems: list[ImportProblem]) -> None:
        self.row, self.columns, self.problems = row, columns, problems
        self.ok = True

    def problem(self, column: str, message: str) -> None:
        self.problems.append(ImportProblem(self.row.line, self.columns.labels.get(column, column), message))
        self.ok = False

    def raw(self, column: str) -> str | None:
        """The cell with its white space tidied, or None when the column is missing or the cell is empty."""
        position = self.columns.positions.get(column)
        if position is None or position >= len(self.row.values):
            return None
        return normalise_spaces(self.row.values[position]) or None

    def text(self, column: str) -> str | None:
        """The cell, checked for length."""
        value = self.raw(column)
        if value is None:
            return None
        if column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
            self.problem(
                column,
                _("“%(column)s” is too long: at most %(max)d characters.")
                % {"column": self.columns.labels[column], "max": MAX_LENGTHS[column]},
            )
            return None
        return value

    def code(self, column: str, digits: int, message: Callable[[str], str]) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        position = self.columns.positions[column]
        if position in self.row.numeric and value.isdigit() and len(value) < digits:
            value = value.zfill(digits)  # a spreadsheet number lost its leading zeros: 114 -> 0114
        if not re.fullmatch(rf"[0-9]{{{digits}}}", value):
            self.problem(column, message(value))
            return None
        return value

    def whole_number(self, column: str, message: Callable[[str], str]) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        digits = re.sub(r"[\s\u00a0\u202f]", "", value)
        if not re.fullmatch(r"[0-9]+", digits) or int(digits) > MAX_POPULATION:
            self.problem(column, message(value))
            return None
        return int(digits)


def _read_row(
    row: TableRow, columns: _Columns, kinds: dict[str, str], problems: list[ImportProblem]
) -> RegisterRow | None:
    cells = _RowReader(row, columns, problems)
    if any(row.values[columns.width :]):
        cells.problem(
            "", _("The row has more values than the header has columns (%(count)d).") % {"count": columns.width}
        )

    name = cells.text("name")
    if cells.raw("name") is None and "name" in columns.positions:
        cells.problem("name", _("The name is missing."))

    municipality_code = cells.code(
        "municipality_code",
        4,
        lambda value: (
            _("The municipality code “%(value)s” must have exactly four digits, e.g. 0114.") % {"value": value}
        ),
    )

    kind_text = cells.text("kind")
    kind: str | None
    if kind_text is not None:
        kind = kinds.get(kind_text.lower())
        if kind is None:
            cells.problem(
                "kind",
                _("Unknown kind “%(value)s”. Use one of: %(kinds)s.")
                % {"value": kind_text, "kinds": ", ".join(str(label) for label in Organisation.Kind.labels)},
            )
    elif cells.raw("municipality_code") is not None:
        kind = Organisation.Kind.MUNICIPALITY
    else:
        kind = None
        cells.problem("kind", _("The kind is missing (it may only be left out for a row with a municipality code)."))
    second_kind_text = cells.text("second_kind")
    second_kind: str | None = None
    if second_kind_text is not None:
        second_kind = kinds.get(second_kind_text.lower())
        if second_kind is None:
            cells.problem(
                "second_kind",
                _("Unknown kind “%(value)s”. Use one of: %(kinds)s.")
                % {"value": second_kind_text, "kinds": ", ".join(str(label) for label in Organisation.Kind.labels)},
            )
        elif second_kind == kind:
            cells.problem("second_kind", _("The second kind must differ from the kind."))
    is_municipality = Organisation.Kind.MUNICIPALITY in (kind, second_kind)
    if kind is not None and not is_municipality and municipality_code is not None:
        cells.problem(
            "municipality_code",
            _("Only municipalities have a municipality code (this row’s kind is %(kind)s).")
            % {"kind": Organisation.Kind(kind).label},
        )

    county_code = cells.code(
        "county_code",
        2,
        lambda value: _("The county code “%(value)s” must have exactly two digits, e.g. 01.") % {"value": value},
    )
    if county_code is not None and county_code not in SWEDISH_COUNTIES:
        cells.problem("county_code", _("“%(value)s” is not a Swedish county code.") % {"value": county_code})
        county_code = None
    if municipality_code is not None:
        own_county = county_code_of_municipality(municipality_code)
        if county_code is None and own_county in SWEDISH_COUNTIES and cells.raw("county_code") is None:
            county_code = own_county
        elif county_code is not None and county_code != own_county:
            cells.problem(
                "county_code",
                _("Municipality code %(code)s belongs to county %(own)s, not to county %(given)s.")
                % {"code": municipality_code, "own": own_county, "given": county_code},
            )
    county_name = cells.text("county")
    if county_name is not None and county_code is None and cells.raw("county_code") is None:
        cells.problem("county", _("A county name needs a county code (or a municipality code)."))

    organisation_number = cells.text("organisation_number")
    if organisation_number is not None:
        organisation_number = normalise_organisation_number(organisation_number)
        if not re.fullmatch(r"[0-9]{6}-[0-9]{4}", organisation_number):
            cells.problem(
                "organisation_number",
                _("The organisation number “%(value)s” must have ten digits, e.g. 212000-0142.")
                % {"value": organisation_number},
            )
        else:
            try:
                validate_organisation_number_check_digit(organisation_number)
            except ValidationError as error:
                cells.problem("organisation_number", " ".join(error.messages))

    registry_email = cells.text("registry_email")
    if registry_email is not None:
        registry_email = normalise_email(registry_email)
        try:
            validate_email(registry_email)
        except ValidationError:
            cells.problem("registry_email", _("“%(value)s” is not a valid e-mail address.") % {"value": registry_email})

    website = cells.text("website")
    if website is not None:
        if "://" not in website:
            website = f"https://{website}"
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            cells.problem("website", _("“%(value)s” is not a valid web address.") % {"value": website})

    population = cells.whole_number(
        "population",
        lambda value: _("The population must be a whole number of 0 or more, not “%(value)s”.") % {"value": value},
    )
    population_year = cells.whole_number(
        "population_year",
        lambda value: _("The population year must be a year such as 2016, not “%(value)s”.") % {"value": value},
    )
    if population_year is not None and not 1800 <= population_year <= 2200:
        cells.problem(
            "population_year",
            _("The population year must be a year such as 2016, not “%(value)s”.") % {"value": population_year},
        )
    if population is not None and population_year is None:
        population_year = columns.population_year
    if population_year is not None and population is None:
        if columns.population_year is None and "population_year" in columns.positions:
            cells.problem("population_year", _("A population year needs a population."))
        population_year = None

    groups_text = cells.text("groups")
    groups: list[str] | None = None
    if groups_text is not None:
        groups = []
        for part in groups_text.split(";"):
            group = normalise_spaces(part)
            if len(group) > 200:
                cells.problem("groups", _("A group name is too long: at most 200 characters."))
            elif group and group.casefold() not in {g.casefold() for g in groups}:
                groups.append(group)

    short_name = cells.text("short_name")
    if not cells.ok or name is None or kind is None:
        return None
    return RegisterRow(
        line=row.line,
        kind=kind,
        second_kind=second_kind,
        name=name,
        municipality_code=municipality_code,
        short_name=short_name,
        organisation_number=organisation_number,
        county_code=county_code,
        county_name=county_name,
        registry_email=registry_email,
        website=website,
        population=population,
        population_year=population_year,
        groups=groups,
    )


def _check_rows(table: Table, problems: list[ImportProblem]) -> tuple[list[RegisterRow], dict[str, str]]:
    columns = _read_header(table.header, problems)
    kinds = _kind_lookup()
    rows = [row for table_row in table.rows if (row := _read_row(table_row, columns, kinds, problems)) is not None]
    _check_across_rows(rows, columns.labels, problems)
    return rows, columns.labels


def _check_across_rows(rows: list[RegisterRow], labels: dict[str, str], problems: list[ImportProblem]) -> None:
    """Two rows for the same organisation, or two names for the same county."""
    first_line: dict[tuple[str, ...], int] = {}
    county_names: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.municipality_code is not None:
            key: tuple[str, ...] = ("code", row.municipality_code)
            message = _("The municipality code %(code)s is also on line %(line)d.")
            column = "municipality_code"
        else:
            key = ("name", row.kind, row.name.casefold(), row.county_code or "")
            message = _("The same organisation (%(name)s) is also on line %(line)d.")
            column = "name"
        if key in first_line:
            problems.append(
                ImportProblem(
                    row.line,
                    labels.get(column, column),
                    message % {"code": row.municipality_code, "name": row.name, "line": first_line[key]},
                )
            )
        else:
            first_line[key] = row.line
        if row.county_code is not None and row.county_name is not None:
            if row.county_code not in county_names:
                county_names[row.county_code] = (row.county_name, row.line)
            elif county_names[row.county_code][0] != row.county_name:
                other, other_line = county_names[row.county_code]
                problems.append(
                    ImportProblem(
                        row.line,
                        labels.get("county", "county"),
                        _("County %(code)s is called “%(other)s” on line %(line)d but “%(name)s” here.")
                        % {"code": row.county_code, "other": other, "line": other_line, "name": row.county_name},
                    )
                )


# --- Step 2: which organisation each row describes ---------------------------------------------------------


def _match_rows(rows: list[RegisterRow], problems: list[ImportProblem]) -> dict[int, Organisation | None]:
    """The existing organisation each row describes (None: a new one), by line."""
    with_groups = Organisation.objects.select_related("county").prefetch_related("groups")
    codes = [row.municipality_code for row in rows if row.municipality_code]
    by_code = {org.municipality_code: org for org in with_groups.filter(municipality_code__in=codes)}
    numbers = [row.organisation_number for row in rows if row.organisation_number]
    by_number: dict[str, list[Organisation]] = {}
    for org in with_groups.filter(organisation_number__in=numbers):
        by_number.setdefault(org.organisation_number, []).append(org)

    matches: dict[int, Organisation | None] = {}
    claimed: dict[int, int] = {}  # organisation id -> line that matched it
    for row in rows:
        try:
            match = _match_row(row, by_code, by_number, with_groups)
        except _Ambiguous as ambiguous:
            problems.append(ImportProblem(row.line, "name", str(ambiguous)))
            continue
        if match is not None:
            if match.pk in claimed:
                problems.append(
                    ImportProblem(
                        row.line,
                        "name",
                        _("This row and line %(line)d both describe %(name)s in the register.")
                        % {"line": claimed[match.pk], "name": match.name},
                    )
                )
                continue
            claimed[match.pk] = row.line
        matches[row.line] = match
    return matches


class _Ambiguous(Exception):
    pass


def _match_row(
    row: RegisterRow,
    by_code: dict[str | None, Organisation],
    by_number: dict[str, list[Organisation]],
    organisations: Any,
) -> Organisation | None:
    if row.municipality_code and row.municipality_code in by_code:
        return by_code[row.municipality_code]
    if row.organisation_number:
        same_kind = [org for org in by_number.get(row.organisation_number, []) if row.kind in org.kinds]
        if len(same_kind) > 1:
            same_kind = [org for org in same_kind if org.name.casefold() == row.name.casefold()]
            if len(same_kind) > 1:
                raise _Ambiguous(
                    _("Several organisations in the register have organisation number %(number)s and this name.")
                    % {"number": row.organisation_number}
                )
        if len(same_kind) == 1:
            return same_kind[0]
    candidates = [org for org in organisations.filter(kind_filter(row.kind), name__iexact=row.name)]
    if row.municipality_code:
        # A municipality with a new code: only one without a code can be this one.
        candidates = [org for org in candidates if not org.municipality_code]
    if row.county_code:
        candidates = [org for org in candidates if org.county is None or org.county.code == row.county_code]
        if len(candidates) > 1:
            candidates = [org for org in candidates if org.county is not None]
    if len(candidates) > 1:
        raise _Ambiguous(
            _("Several organisations in the register are called %(name)s; add an organisation number to the row.")
            % {"name": row.name}
        )
    return candidates[0] if candidates else None


def _duplicate_warnings(
    rows: list[RegisterRow], matches: dict[int, Organisation | None], labels: dict[str, str]
) -> list[ImportProblem]:
    """Rows whose name, organisation number or registry address another organisation has (in the register or
    on another row). Only what a row adds or changes is compared, so importing the same file again warns of
    nothing new."""
    warnings: list[ImportProblem] = []
    seen: dict[tuple[str, str], int] = {}  # (field, value) -> first line that brings it
    for row in rows:
        match = matches.get(row.line)
        values = {
            "name": row.name,
            "organisation_number": row.organisation_number or "",
            "registry_email": row.registry_email or "",
        }
        if match is not None:
            # Only values the row changes; an unchanged value is no news.
            current = {
                "name": match.name.casefold(),
                "organisation_number": match.organisation_number,
                "registry_email": match.registry_email.casefold(),
            }
            values = {
                k: v
                for k, v in values.items()
                if v and (v.casefold() if k != "organisation_number" else v) != current[k]
            }
        values = {k: v for k, v in values.items() if v}
        for warning in duplicate_warnings(exclude_ids=[match.pk] if match else [], **values):
            warnings.append(ImportProblem(row.line, labels.get(warning.field, warning.field), warning.message))
        for field_name, value in values.items():
            key = (field_name, value.casefold())
            if key in seen:
                warnings.append(
                    ImportProblem(
                        row.line,
                        labels.get(field_name, field_name),
                        _("Line %(line)d has the same %(field)s: %(value)s.")
                        % {
                            "line": seen[key],
                            "field": getattr(Organisation._meta.get_field(field_name), "verbose_name", field_name),
                            "value": value,
                        },
                    )
                )
            else:
                seen[key] = row.line
    return warnings


# --- Step 3: writing through the services ------------------------------------------------------------------


class _Lookups:
    """Counties and groups by code and name, created through the services the first time a row needs them."""

    def __init__(self, actor: Actor, result: ImportResult) -> None:
        self.actor, self.result = actor, result
        self.counties = {county.code: county for county in County.objects.all()}
        self.groups = {group.name.casefold(): group for group in Group.objects.all()}

    def county(self, row: RegisterRow) -> County | None:
        if row.county_code is None:
            return None
        county = self.counties.get(row.county_code)
        if county is None:
            name = row.county_name or SWEDISH_COUNTIES[row.county_code]
            county = services.county_create(actor=self.actor, code=row.county_code, name=name)
            self.counties[county.code] = county
            self.result.counties_created.append(f"{county.code} {county.name}")
        elif row.county_name is not None and county.name != row.county_name:
            county = services.county_rename(actor=self.actor, county=county, name=row.county_name)
            self.counties[county.code] = county
            self.result.counties_renamed.append(f"{county.code} {county.name}")
        return county

    def group(self, name: str) -> Group:
        group = self.groups.get(name.casefold())
        if group is None:
            group = services.group_create(actor=self.actor, name=name, kind=Group.Kind.SUBREGION)
            self.groups[name.casefold()] = group
            self.result.groups_created.append(group.name)
        return group


def _update_data(row: RegisterRow, org: Organisation, county: County | None, groups: list[Group] | None) -> dict:
    data: dict[str, Any] = {}
    for name in (
        "kind",
        "second_kind",
        "name",
        "municipality_code",
        "short_name",
        "organisation_number",
        "registry_email",
        "website",
        "population",
        "population_year",
    ):
        value = getattr(row, name)
        if value is not None and getattr(org, name) != value:
            data[name] = value
    if county is not None and org.county_id != county.pk:
        data["county"] = county
    if groups is not None:
        current = list(org.groups.all())
        listed = {group.pk for group in groups}
        kept = [group for group in current if group.kind != Group.Kind.SUBREGION or group.pk in listed]
        wanted = kept + [group for group in groups if group.pk not in {k.pk for k in kept}]
        if {group.pk for group in wanted} != {group.pk for group in current}:
            data["groups"] = wanted
    return data


def _apply(
    rows: list[RegisterRow],
    matches: dict[int, Organisation | None],
    *,
    labels: dict[str, str],
    actor: Actor,
    result: ImportResult,
) -> None:
    lookups = _Lookups(actor, result)
    for row in rows:
        try:
            county = lookups.county(row)
            groups = [lookups.group(name) for name in row.groups] if row.groups is not None else None
            org = matches[row.line]
            if org is None:
                services.organisation_create(
                    actor=actor,
                    kind=row.kind,
                    second_kind=row.second_kind,
                    name=row.name,
                    short_name=row.short_name or "",
                    organisation_number=row.organisation_number or "",
                    municipality_code=row.municipality_code,
                    county=county,
                    groups=groups or [],
                    registry_email=row.registry_email or "",
                    website=row.website or "",
                    population=row.population,
                    population_year=row.population_year,
                )
                result.outcomes.append(RowOutcome(row.line, row.name, "create"))
                continue
            data = _update_data(row, org, county, groups)
            if data:
                services.organisation_update(actor=actor, organisation=org, data=data)
                result.outcomes.append(RowOutcome(row.line, row.name, "update", tuple(sorted(data))))
            else:
                result.outcomes.append(RowOutcome(row.line, row.name, "unchanged"))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, messages in error.message_dict.items():
                    column = labels.get(field_name, "" if field_name == "__all__" else field_name)
                    for message in messages:
                        result.problems.append(ImportProblem(row.line, column, message))
            else:
                for message in error.messages:
                    result.problems.append(ImportProblem(row.line, "", message))
        except PermissionDenied as error:
            # Only the registry address may be refused to a coordinator (another organisation's mail): reported
            # on its row and column like any other problem, so that the whole file is still checked.
            result.problems.append(ImportProblem(row.line, labels.get("registry_email", "registry_email"), str(error)))
