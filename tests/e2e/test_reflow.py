"""Reflow (WCAG 1.4.10): every page the demo reaches, for every demo role, fits 320 × 640 CSS px without scrolling
sideways, and passes axe.

The demo content is loaded as `make demo` loads it (plus an attachment with a long file name on Huddinge's draft,
so that the answer page has its attachments table). Which pages exist is found by following links with Django's
test client as each role (`samrad.testing.crawl`: one page of each shape); the browser then opens each page once,
as the first role that reached it, in one chromium with one logged-in context per role. The error pages (400,
403, 404, 500, a refused form) are opened too.

A page fails when `document.documentElement.scrollWidth` exceeds the viewport's width; the report names the page
and the elements that stick out (not inside an element that scrolls on its own, such as a labelled table region).
"""

import io
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from samrad.testing.crawl import crawl

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 320, "height": 640}
# Demo people by role, in the order in which pages are given to them (a page reached by several roles is opened
# as the first of them).
ROLES = {
    "anonymous": None,
    "respondent, drafting (Huddinge)": "erik.nystrom@huddinge.example",
    "respondent, submitted (Botkyrka)": "johan.ek@botkyrka.example",
    "coordinator (KSL)": "karin.lindqvist@ksl.example",
    "platform staff": "admin@samrad.example",
}
SEARCHES = ["/sok/?q=samverkan", "/sok/?q=regionbildning"]
LONG_FILE_NAME = "Kommunstyrelsens_protokollsutdrag_2016-09-14_paragraf_143_regional_samverkan_Huddinge.pdf"

# The elements that stick out of the viewport and are not inside something that scrolls or clips on its own;
# of those, the outermost ones (whose parent does not stick out too), furthest right first. If there are none,
# positioned elements that escape their scrolling ancestor.
OVERFLOW_JS = """
async () => {
  await document.fonts.ready;  // measure with the web font in place
  const root = document.documentElement;
  const limit = root.clientWidth;
  const result = {scrollWidth: root.scrollWidth, clientWidth: limit, culprits: []};
  if (root.scrollWidth <= limit) return result;
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (el.classList.length) text += "." + [...el.classList].join(".");
    const label = (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " ");
    return text + (label ? ` "${label.slice(0, 60)}"` : "");
  };
  const contained = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right > limit + 0.5;
  // An absolutely positioned element escapes a scrolling ancestor that is not positioned: when nothing sticks out
  // outside scrolling elements, look again inside them.
  for (const careful of [true, false]) {
    for (const el of document.body.querySelectorAll("*")) {
      if (!sticksOut(el) || (careful && contained(el))) continue;
      if (careful && el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
      const position = getComputedStyle(el).position;
      if (!careful && position !== "absolute" && position !== "fixed") continue;
      const box = el.getBoundingClientRect();
      result.culprits.push({element: describe(el), right: Math.round(box.right), width: Math.round(box.width)});
    }
    if (result.culprits.length) break;
  }
  result.culprits.sort((a, b) => b.right - a.right);
  result.culprits = result.culprits.slice(0, 4);
  return result;
}
"""


@pytest.fixture
def demo(db: None) -> dict[str, Any]:
    from samrad.accounts.models import User
    from samrad.consultations import responses
    from samrad.consultations.models import Consultation, ResponseAttachment
    from samrad.core.demo import demo_load
    from samrad.documents.tests.samples import make_pdf
    from samrad.organisations.models import Organisation

    demo_load()
    people = {email: User.objects.get(email=email) for email in ROLES.values() if email}
    erik = people["erik.nystrom@huddinge.example"]
    consultation = Consultation.objects.get(status=Consultation.Status.OPEN)
    draft = responses.response_get_or_create_draft(
        actor=erik, consultation=consultation, organisation=Organisation.objects.get(municipality_code="0126")
    )
    responses.attachment_add(
        actor=erik,
        response=draft,
        stream=io.BytesIO(make_pdf("Protokollsutdrag", "Kommunstyrelsen beslutar att anta yttrandet.")),
        filename=LONG_FILE_NAME,
        kind=ResponseAttachment.Kind.DECISION,
    )
    return {"people": people}


def pages_by_role(people: dict[str, Any]) -> dict[str, list[str]]:
    """The HTML pages each role reaches by links, each page given to the first role that reaches it."""
    taken: set[str] = set()
    assigned: dict[str, list[str]] = {}
    for role, email in ROLES.items():
        client = Client()
        if email:
            client.force_login(people[email])
        urls = [page.url for page in crawl(client, ["/", *SEARCHES], per_shape=1) if page.is_html]
        assigned[role] = [url for url in urls if url not in taken or url == "/"]
        taken.update(urls)
    return assigned


def test_every_page_fits_320_css_px_for_every_role(
    browser, live_server, e2e_settings, settings, demo, new_page, login_as, axe
):
    from samrad.accounts.login_links import login_link_url

    settings.ROOT_URLCONF = "samrad.ui.tests.urls"  # the project's URLs plus one that fails, for the 500 page
    plan = pages_by_role(demo["people"])
    too_many_parameters = "/sok/?q=x&" + "&".join(
        f"f{n}=x" for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    )
    plan["anonymous"] += [
        "/finns-inte/",
        too_many_parameters,
        "/test-errors/fail/",
        login_link_url(demo["people"]["erik.nystrom@huddinge.example"]).replace(django_settings.SITE_URL, ""),
    ]
    plan["respondent, drafting (Huddinge)"].append("/register/")  # 403: the register is for coordinators

    problems: list[str] = []
    visited = 0

    def check(tab: Any, role: str, label: str) -> None:
        nonlocal visited
        visited += 1
        found = tab.evaluate(OVERFLOW_JS)
        if found["scrollWidth"] > found["clientWidth"]:
            culprits = "; ".join(f"{c['element']} (right edge {c['right']} px)" for c in found["culprits"])
            problems.append(
                f"{role}: {label} is {found['scrollWidth']} px wide at {found['clientWidth']} px: {culprits or '?'}"
            )
        try:
            axe.check(tab)
        except pytest.fail.Exception as failure:
            problems.append(f"{role}: {label}: {failure}")

    for role, urls in plan.items():
        tab = new_page()
        tab.set_viewport_size(VIEWPORT)
        if ROLES[role]:
            login_as(tab, demo["people"][ROLES[role]])
        for url in urls:
            tab.goto(url)
            check(tab, role, url if len(url) < 100 else url[:60] + "…")
        if role == "anonymous":
            # A refused form (CSRF): the cookies are gone when the language switch is sent.
            tab.goto("/")
            axe.check(tab)
            tab.context.clear_cookies()
            tab.get_by_role("button", name="English").click()
            tab.wait_for_load_state()
            assert "Formuläret kunde inte skickas" in tab.content()
            check(tab, role, "the page of a refused form (CSRF)")

    print(f"Reflow at 320 × 640: {visited} pages checked")
    assert visited > 60
    assert not problems, "Pages that do not fit 320 CSS px, or fail axe:\n" + "\n".join(problems)
