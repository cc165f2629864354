"""The API documentation page, as a developer with an API key finds it: linked from the account
page, rendered by Swagger UI from our own origin under our Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import register

pytestmark = pytest.mark.browser


def test_the_docs_render_from_our_origin_under_the_policy(
    open_page: PageFactory,
    console_errors: ConsoleErrors,
    onsite_server: OnsiteServer,
    output_dir: Path,
) -> None:
    page = open_page("developer", 1440, 900)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    register(page, "Dee Developer")
    page.goto("/account")
    link = page.get_by_role("link", name="API documentation")
    expect(link).to_have_attribute("href", "/docs")
    with page.context.expect_page() as opened:
        link.click()
    docs = opened.value
    console_errors.watch(docs, "docs")
    docs.on("request", lambda request: requests.append(request.url))
    docs.wait_for_load_state()
    expect(docs.get_by_text("Onsite API").first).to_be_visible()
    expect(docs.locator(".opblock-summary-path", has_text="/api/interviews").first).to_be_visible()
    policy = docs.evaluate(
        "() => fetch('/docs').then((r) => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in policy
    docs.screenshot(path=str(output_dir / "api-docs-1440.png"))
    assert all(url.startswith(onsite_server.url) for url in requests), [
        url for url in requests if not url.startswith(onsite_server.url)
    ]
    assert console_errors.items == []
