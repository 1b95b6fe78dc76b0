"""The themes page: built from the button through the queue with its progress, per question the themes with
answers per stance and traceable quotes, each change through HTTP audited, 404 for anyone but the
consultation's coordinators, and a fixed number of queries whatever the number of quotes."""

import pytest
from django.urls import reverse

from samrad.analysis import theme_services as ts
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.analysis.tests.theme_world import themed_world
from samrad.audit.models import AuditEvent
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator)
    run = ts.themes_run_start(actor=coordinator, consultation=world["consultation"])
    world["run"] = ts.themes_build(run_id=run.pk)
    return world


def url(name, world, *args):
    return reverse(f"analysis:{name}", args=[world["consultation"].pk, *args])


def test_the_page_shows_themes_counts_per_stance_and_traceable_quotes(client, coordinator, world):  # noqa: F811
    client.force_login(coordinator)
    html = client.get(url("themes", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "Teman i svaren" in html and 'aria-current="page">Analys</a>' in html
    first = Theme.objects.filter(run=world["run"]).order_by("order").first()
    assert f'<a class="ds-link" href="#theme-{first.pk}">{first.label}</a>' in html
    assert '<th scope="col">Avstyrker</th>' in html and '<th scope="col">Inget ställningstagande</th>' in html
    paper = world["submissions"]["paper"]
    answer_url = reverse("reading:answer", args=[world["consultation"].pk, paper.receipt_number])
    quote = ThemeQuote.objects.get(theme__run=world["run"], submission=paper)
    assert quote.is_representative  # the only answer without a stance: always among its theme's quotes
    assert f'Dals-Eds kommun, <a class="ds-link" href="{answer_url}">{paper.receipt_number}</a>, sida 2.' in html
    shown = ThemeQuote.objects.filter(theme__run=world["run"], is_representative=True)
    for quote in shown[:5]:
        assert quote.text in html
    assert "Godkänn temana som granskade" in html
    t03 = ThemeQuote.objects.filter(theme__run=world["run"], submission=world["submissions"]["t03"]).first()
    theme = t03.theme
    per_stance = {}
    for stance, submission_id in theme.quotes.values_list("stance", "submission_id").distinct():
        per_stance.setdefault(stance, set()).add(submission_id)
    assert "avstyrker " + str(len(per_stance["oppose"])) in html.split(f'id="theme-{theme.pk}-heading"')[1]
    assert "Övrigt" not in html and "Allmänt" not in html


def test_the_analysis_page_links_to_the_themes(client, coordinator, world):  # noqa: F811
    client.force_login(coordinator)
    html = client.get(url("distributions", world)).text
    assert f'href="{url("themes", world)}"' in html


@pytest.mark.parametrize("who", ["other_coordinator", "respondent"])
def test_anyone_else_gets_404_and_changes_nothing(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    theme, other = Theme.objects.filter(run=world["run"]).order_by("order")[:2]
    quote = theme.quotes.first()
    assert client.get(url("themes", world)).status_code == 404
    assert client.get(url("themes_progress", world)).status_code == 404
    posts = [
        (url("themes_start", world), {}),
        (url("themes_sign_off", world), {"run": world["run"].pk}),
        (url("theme_rename", world, theme.pk), {"label": "Kapat"}),
        (url("theme_merge", world, theme.pk), {"into": other.pk}),
        (url("theme_split", world, theme.pk), {"quotes": [quote.pk], "label": "Kapat"}),
        (url("quote_move", world, quote.pk), {"to": other.pk}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 404
    assert ThemeRun.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="theme.").exists()
    theme.refresh_from_db()
    assert theme.label != "Kapat"


def test_anonymous_visitors_go_to_the_login_page(client, world):
    response = client.get(url("themes", world))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_a_coordinator_renames_merges_splits_moves_and_signs_off(client, coordinator, world):  # noqa: F811
    client.force_login(coordinator)
    first, second, third, fourth = Theme.objects.filter(run=world["run"]).order_by("order")[:4]

    response = client.post(url("theme_rename", world, first.pk), {"label": "Busstrafik på landsbygden"})
    assert response.status_code == 302 and response["Location"].endswith(f"#theme-{first.pk}")
    first.refresh_from_db()
    assert first.label == "Busstrafik på landsbygden" and first.label_set_by_person

    client.post(url("theme_merge", world, second.pk), {"into": third.pk})
    assert not Theme.objects.filter(pk=second.pk).exists()

    quote = third.quotes.order_by("id").first()
    client.post(url("quote_move", world, quote.pk), {"to": fourth.pk})
    quote.refresh_from_db()
    assert quote.theme == fourth and quote.placed_by_person

    chosen = list(third.quotes.order_by("id").values_list("pk", flat=True)[:2])
    client.post(url("theme_split", world, third.pk), {"quotes": chosen, "label": "Hamnar och järnväg"})
    new = Theme.objects.get(run=world["run"], label="Hamnar och järnväg")
    assert sorted(new.quotes.values_list("pk", flat=True)) == sorted(chosen)

    response = client.post(url("theme_rename", world, first.pk), {"label": " "}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Ett tema behöver ett namn." in client.get(url("themes", world), HTTP_ACCEPT_LANGUAGE="sv").text

    client.post(url("themes_sign_off", world), {"run": world["run"].pk})
    world["run"].refresh_from_db()
    assert world["run"].signed_off_by == coordinator
    html = client.get(url("themes", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "Godkänd" in html and "Busstrafik på landsbygden" in html and "placerat av en samordnare" in html
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == [
        "theme.renamed",
        "theme.merged",
        "theme.quote_moved",
        "theme.split",
        "consultation.themes_signed_off",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_button_queues_a_run_and_the_page_shows_its_progress(client, region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=6)
    client.force_login(coordinator)
    html = client.get(url("themes", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "Inga teman har byggts ännu." in html
    assert f'action="{url("themes_start", world)}"' in html

    client.post(url("themes_start", world))
    run = ThemeRun.objects.get()
    assert run.status == "queued"
    fragment = client.get(url("themes_progress", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert 'hx-get="' in fragment and "väntar på sin tur" in fragment
    ThemeRun.objects.filter(pk=run.pk).update(status="running", total=40, done=12)
    fragment = client.get(url("themes_progress", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "12 av 40" in fragment and 'hx-trigger="every 3s"' in fragment
    ThemeRun.objects.filter(pk=run.pk).update(status="queued", total=0, done=0)

    run_queued_tasks(queue="default")

    run.refresh_from_db()
    assert run.status == "done" and Theme.objects.filter(run=run).exists()
    fragment = client.get(url("themes_progress", world), HTTP_ACCEPT_LANGUAGE="sv").text
    assert "hx-get" not in fragment and "Visa de nya temana" in fragment


@pytest.mark.parametrize("first", [4, None])
def test_the_page_runs_a_fixed_number_of_queries(
    first,
    client,
    region,  # noqa: F811
    coordinator,  # noqa: F811
    django_assert_max_num_queries,
):
    world = themed_world(region, coordinator, first=first)
    run = ts.themes_run_start(actor=coordinator, consultation=world["consultation"])
    ts.themes_build(run_id=run.pk)
    client.force_login(coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(url("themes", world)).status_code == 200
