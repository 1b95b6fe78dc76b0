"""The register of organisations that can be consulted, and the geography used to pick referral lists."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

municipality_code_validator = RegexValidator(r"^\d{4}$", _("A municipality code has exactly four digits."))
county_code_validator = RegexValidator(r"^\d{2}$", _("A county code has exactly two digits."))
organisation_number_validator = RegexValidator(
    r"^\d{6}-?\d{4}$", _("An organisation number has ten digits, e.g. 212000-0142.")
)


def normalise_spaces(value: str | None) -> str:
    """Text with surrounding space removed and inner runs of white space made one space."""
    return " ".join((value or "").split())


def normalise_email(value: str | None) -> str:
    """An address stripped, with its domain in lower case (the part before @ is left as written)."""
    value = (value or "").strip()
    if "@" in value:
        local, _sep, domain = value.rpartition("@")
        value = f"{local}@{domain.lower()}"
    return value


def normalise_organisation_number(value: str) -> str:
    """212000-0142 for both 2120000142 and 212000-0142; anything else comes back stripped, for the validators."""
    value = value.strip()
    if re.fullmatch(r"[0-9]{6}-?[0-9]{4}", value):
        digits = value.replace("-", "")
        return f"{digits[:6]}-{digits[6:]}"
    return value


def validate_organisation_number_check_digit(value: str) -> None:
    """The last digit of a Swedish organisation number is a Luhn check digit over the first nine."""
    digits = value.replace("-", "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        return  # the format validator reports this
    total = 0
    for position, char in enumerate(digits[:9]):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    if (10 - total % 10) % 10 != int(digits[9]):
        raise ValidationError(
            _("%(value)s is not a valid organisation number (the check digit does not match)."),
            code="check_digit",
            params={"value": value},
        )


class County(models.Model):
    """A Swedish county (län), identified by its two-digit SCB code."""

    code = models.CharField(_("county code"), max_length=2, unique=True, validators=[county_code_validator])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Division(models.Model):
    """A named grouping of counties, possibly only proposed (e.g. "Stockholm + Gotland")."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        DECIDED = "decided", _("decided")

    name = models.CharField(_("name"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    description = models.TextField(_("description"), blank=True)
    counties = models.ManyToManyField(County, related_name="divisions", verbose_name=_("counties"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A named group of organisations: a subregion (delregion) such as Södertörn, or another network."""

    class Kind(models.TextChoices):
        SUBREGION = "subregion", _("subregion")
        NETWORK = "network", _("network")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUBREGION)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A body that can be consulted or that sends consultations."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        REGION = "region", _("region")
        COUNTY_COUNCIL = "county_council", _("county council")
        COUNTY_BOARD = "county_board", _("county administrative board")
        AGENCY = "agency", _("government agency")
        ASSOCIATION = "association", _("association")
        COMPANY = "company", _("company")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    second_kind = models.CharField(
        _("second kind"),
        max_length=20,
        choices=Kind.choices,
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Only for a body that is two kinds at once, such as Region Gotland (a municipality and a region)."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_valid_from = models.DateField(
        _("name valid from"), null=True, blank=True, help_text=_("The day the current name was taken, if known.")
    )
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[organisation_number_validator, validate_organisation_number_check_digit],
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        validators=[municipality_code_validator],
        help_text=_("Four digits (SCB's kommunkod). Municipalities only."),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name=_("county")
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="organisations", verbose_name=_("groups"))
    registry_email = models.EmailField(
        _("registry e-mail"), blank=True, help_text=_("The registrar's address (registrator) that formal mail goes to.")
    )
    website = models.URLField(_("website"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                # second_kind IS NOT NULL first: a NULL in a CHECK passes, and NULL = 'municipality' is NULL.
                condition=Q(municipality_code__isnull=True)
                | Q(kind="municipality")
                | (Q(second_kind__isnull=False) & Q(second_kind="municipality")),
                name="org_municipality_code_only_for_municipalities",
                violation_error_message=_("Only municipalities have a municipality code."),
            ),
            models.CheckConstraint(
                condition=Q(population_year__isnull=True) | Q(population__isnull=False),
                name="org_population_year_needs_population",
                violation_error_message=_("A population year needs a population."),
            ),
            models.CheckConstraint(
                condition=Q(second_kind__isnull=True) | ~Q(second_kind=models.F("kind")),
                name="org_second_kind_differs",
                violation_error_message=_("The second kind must differ from the kind."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds(self) -> list[str]:
        """Every role the body takes: its kind, and its second kind if it has one."""
        return [self.kind, self.second_kind] if self.second_kind else [self.kind]

    def has_kind(self, kind: str) -> bool:
        return kind in self.kinds

    def kinds_display(self) -> str:
        """The kinds' labels in the active language, e.g. "kommun, region"."""
        return ", ".join(str(self.Kind(kind).label) for kind in self.kinds)

    def all_names(self) -> list[str]:
        """The current name, then the former ones (newest first when prefetched so): what searches should find."""
        former = [f.name for f in self.former_names.all()] if self.name_valid_from is not None else []
        return [self.name, *(name for name in former if name != self.name)]

    def name_on(self, day: dt.date | dt.datetime | None) -> str:
        """The name the body had on `day` (its current name when the day is unknown or not covered by a former
        name). Uses `former_names` as prefetched, so that a list of bodies costs one query for all their names."""
        if day is None:
            return self.name
        if isinstance(day, dt.datetime):
            day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
        if self.name_valid_from is None or day >= self.name_valid_from:
            return self.name  # never renamed (organisation_rename sets name_valid_from), or renamed before the day
        for former in self.former_names.all():
            if (former.valid_from is None or former.valid_from <= day) and former.valid_to >= day:
                return former.name
        return self.name


class OrganisationName(models.Model):
    """A name an organisation had before, and when (e.g. Stockholms läns landsting until 31 December 2018)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), help_text=_("The last day the name was used."))

    class Meta:
        ordering = ["organisation", "-valid_to"]
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                name="org_name_period_in_order",
                violation_error_message=_("A name cannot end before it began."),
            ),
        ]
        indexes = [models.Index(fields=["name"], name="org_former_name")]

    def __str__(self) -> str:
        return f"{self.name} (–{self.valid_to})"


class ContactPerson(models.Model):
    """A named person at an organisation who should receive consultation mail besides the registry."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                name="contact_unique_email_per_org",
                violation_error_message=_("This organisation already has a contact person with that e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
