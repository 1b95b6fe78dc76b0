"""factory_boy factories for the register; other apps' tests use them too.

They write rows directly (no audit events): use the services when a test is about the change itself.
`OrganisationFactory.create(...)` is typed for mypy as returning an Organisation; `OrganisationFactory(...)` works
the same at run time.
"""

import factory

from samrad.organisations.models import ContactPerson, County, Division, Group, Organisation


def organisation_number_with_check_digit(first_nine: str) -> str:
    """A valid Swedish organisation number (Luhn check digit) from nine digits, e.g. 212000014 -> 212000-0142."""
    total = 0
    for position, char in enumerate(first_nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    digits = first_nine + str((10 - total % 10) % 10)
    return f"{digits[:6]}-{digits[6:]}"


class CountyFactory(factory.django.DjangoModelFactory[County]):
    """Stockholms län (01) unless told otherwise; asking twice for the same code gives the same county."""

    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = "01"
    name = factory.LazyAttribute(lambda county: "Stockholms län" if county.code == "01" else f"Län {county.code}")


class GroupFactory(factory.django.DjangoModelFactory[Group]):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Delregion {n}")
    kind = Group.Kind.SUBREGION


class DivisionFactory(factory.django.DjangoModelFactory[Division]):
    class Meta:
        model = Division
        skip_postgeneration_save = True
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Indelning {n}")
    status = Division.Status.PROPOSED

    @factory.post_generation
    def counties(self, create: bool, extracted: list[County] | None, **kwargs: object) -> None:
        if create and extracted:
            self.counties.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    """A municipality in Stockholm County with a unique code in 9000-9999 (no real municipality uses those).

    `OrganisationFactory(agency=True)` gives a government agency without a municipality code;
    `groups=[...]` sets its groups.
    """

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    class Params:
        agency = factory.Trait(
            kind=Organisation.Kind.AGENCY,
            municipality_code=None,
            county=None,
            population=None,
            name=factory.Sequence(lambda n: f"Myndighet {n}"),
        )

    kind = Organisation.Kind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Kommun {n}")
    municipality_code = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    organisation_number = factory.Sequence(lambda n: organisation_number_with_check_digit(f"212{n % 1000000:06d}"))
    county = factory.SubFactory(CountyFactory)
    registry_email = factory.Sequence(lambda n: f"registrator{n}@kommun.example.se")
    population = factory.Sequence(lambda n: 10000 + n)
    population_year = factory.LazyAttribute(lambda org: 2016 if org.population is not None else None)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[Group] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(extracted)


class ContactPersonFactory(factory.django.DjangoModelFactory[ContactPerson]):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Kontakt Person {n}")
    email = factory.Sequence(lambda n: f"kontakt{n}@kommun.example.se")
    title = "Kommunsekreterare"
