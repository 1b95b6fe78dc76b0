"""The API docs at /api/v1/docs work from the site's own static files under a strict content security policy.

The policy is set on every response by the browser test itself (whatever the project's settings send), so the
test holds the docs page to the strictest policy the site can have: nothing but its own origin, no inline script
or style, no eval. Every request the page makes is recorded: none may leave the live server. The page is checked
by axe as it opens, with an operation opened, and after trying the operation out.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def test_the_api_docs_need_nothing_from_outside_and_no_inline_code(page, axe, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation",
            (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));"""
    )

    def with_strict_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_POLICY})

    page.route("**/*", with_strict_policy)
    page.goto("/api/v1/docs")
    # Swagger UI has read the OpenAPI document and lists the operations.
    expect(page.get_by_text("/api/v1/consultations/{consultation_id}/referrals")).to_be_visible()
    axe.check(page)
    # An operation opened: its parameters, its responses (400, 403, 404 in the API's error format) and schemas.
    page.get_by_role("button", name="The referral list").click()
    expect(page.get_by_role("cell", name="403", exact=True)).to_be_visible()
    axe.check(page)
    # Tried out from the page: the call reaches the API (connect-src 'self') and its answer is shown.
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("textbox", name="consultation_id").fill("999")
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status")).to_have_text("404")
    axe.check(page)

    assert violations == []
    outside = [url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == []
    assert any("/static/ninja/swagger-ui-bundle.js" in url for url in requested)
