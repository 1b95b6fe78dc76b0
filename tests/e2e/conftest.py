"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server on 127.0.0.1.

Fixtures:
- `browser`: one headless chromium for the session (the tests skip when /usr/bin/chromium is missing).
- `page`: a fresh browser context and page on the live server, with axe-core loaded into every document.
  At teardown the test fails if a page was visited without `axe.check(page)` having been run on it.
- `axe`: `axe.check(page)` runs axe-core's WCAG 2.1 A/AA rules on the current page and fails on any
  serious or critical violation, printing each rule, its impact and the offending elements.
- `smtp_server`: the project's real SMTP server on 127.0.0.1 (samrad.testing.smtp), MAILERS pointing at it.
- `login_as(page, user)`: logs the browser in as `user` (a session made by Django's test client).
- `keyboard(page).tab_to(locator)` presses Tab until `locator` has the focus (the keyboard-only parts).
- `new_page()`: another person's page, in a browser context of its own (`page` is the first one).

Nothing here leaves 127.0.0.1: the browser runs with its background networking switched off.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# The real SMTP server on 127.0.0.1 (aiosmtpd) that the project's tests share; the invitation is caught there.
from samrad.conftest import smtp_server  # noqa: F401

# Playwright's sync API runs an asyncio event loop in the test's thread; Django's ORM refuses to run inside one
# unless told that this is safe (it is: the loop only drives the browser, not our database calls).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# pytest-django's live server listens on this address (its default is "localhost").
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session", autouse=True)
def _patient_assertions() -> None:
    """`expect(...)` waits as long as actions do (its own default is 5 s): on a loaded two-core CI machine, a page
    that answers in six seconds is slow, not wrong. A passing assertion returns as soon as it holds."""
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    if not AXE_JS.exists():
        pytest.skip(f"Browser tests need axe-core at {AXE_JS} (npm ci).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def e2e_settings(settings: Any, live_server: Any) -> Any:
    """The live server over plain http on 127.0.0.1: cookies without the Secure flag, links in e-mails (login
    links, invitations) pointing at the live server, no rate-limit counts left from earlier tests."""
    from django.core.cache import cache

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SITE_URL = live_server.url
    # Rate limits (login links per address and per client) are counted in the cache, which outlives the
    # test database's flushes; every browser test comes from 127.0.0.1 and starts with a clean count.
    cache.clear()
    return settings


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(str(t) for t in node['target'])}: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


@dataclass
class Axe:
    """Runs axe-core on pages and remembers which ones it has checked."""

    checked: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)

    def check(self, page: Any) -> list[dict[str, Any]]:
        """Fail on serious or critical WCAG 2.1 A/AA violations of the page as it is now; return the lesser ones."""
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
                }));
            }""",
            WCAG_TAGS,
        )
        self.checked.append(page.url)
        blocking = [v for v in result if v["impact"] in BLOCKING_IMPACTS]
        minor = [v for v in result if v["impact"] not in BLOCKING_IMPACTS]
        if minor:
            self.reports.append(f"{page.url}:\n{format_violations(minor)}")
        if blocking:
            report = format_violations(blocking)
            print(f"axe-core violations on {page.url}:\n{report}")
            pytest.fail(f"Serious or critical accessibility violations on {page.url}:\n{report}", pytrace=False)
        return minor


@pytest.fixture
def axe() -> Iterator[Axe]:
    checker = Axe()
    yield checker
    if checker.reports:
        print("axe-core, moderate and minor findings (not failing):\n" + "\n".join(checker.reports))


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@pytest.fixture
def new_page(
    browser: Any, live_server: Any, e2e_settings: Any, axe: Axe, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Any]]:
    """Make a page in a fresh browser context (its own cookies: one per person in a journey), Swedish, 1280x900.
    Every document any of them visits must be checked by axe before the test ends."""
    contexts: list[Any] = []
    visited: list[str] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        tab = context.new_page()
        tab.on("framenavigated", lambda frame: visited.append(frame.url) if frame == tab.main_frame else None)
        return tab

    yield make
    for context in contexts:
        context.close()
    failed = request.node.stash.get(_failed_key, False)
    checked = {_without_fragment(url) for url in axe.checked}
    unchecked = [url for url in visited if _without_fragment(url) not in checked and url != "about:blank"]
    if unchecked and not failed:
        pytest.fail("Pages visited without an axe-core check:\n" + "\n".join(unchecked), pytrace=False)


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """The first person's page (see `new_page`)."""
    return new_page()


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_failed_key] = True
    return report


@pytest.fixture
def login_as(live_server: Any) -> Callable[[Any, Any], None]:
    """Log the page's browser context in as `user` with a session made by Django's test client."""
    from django.conf import settings
    from django.test import Client

    def login(page: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
        )

    return login


class Keyboard:
    """Moving through a page as a keyboard user does: Tab until the wanted control has the focus."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def has_focus(self, locator: Any) -> bool:
        return bool(locator.evaluate("element => element === document.activeElement"))

    def focused_description(self) -> str:
        return str(
            self.page.evaluate(
                """() => {
                    const el = document.activeElement;
                    if (!el || el === document.body) return "(nothing)";
                    const label = el.getAttribute("aria-label") || el.innerText || el.name || el.id || "";
                    return `<${el.tagName.toLowerCase()}> ${label.trim().slice(0, 60)}`;
                }"""
            )
        )

    def tab_to(self, locator: Any, *, max_presses: int = 120, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until `locator` has the focus; fail if it is not reachable by keyboard."""
        locator.wait_for(state="visible")
        key = "Shift+Tab" if backwards else "Tab"
        seen = []
        for _ in range(max_presses):
            self.page.keyboard.press(key)
            if self.has_focus(locator):
                return
            seen.append(self.focused_description())
        pytest.fail(
            f"Could not reach {locator} with {key} in {max_presses} presses; the focus went through:\n"
            + "\n".join(seen[:max_presses]),
            pytrace=False,
        )


@pytest.fixture
def keyboard() -> Callable[[Any], Keyboard]:
    """`keyboard(page).tab_to(locator)`: keyboard moves on one page."""
    return Keyboard
