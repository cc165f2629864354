"""Small page helpers shared by the browser tests."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page, expect

# The shared editor's text, line by line, without the remote-cursor name labels that
# y-codemirror.next draws inside the content.
EDITOR_TEXT_JS = """(selector) => {
  const content = document.querySelector(selector + ' .cm-content');
  if (!content) return null;
  const copy = content.cloneNode(true);
  copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer').forEach((n) => n.remove());
  return Array.from(copy.querySelectorAll('.cm-line')).map((l) => l.textContent).join('\\n');
}"""

PASSWORD = "correct horse battery"


def editor_text(page: Page, host: str = ".editor-host") -> str:
    text = page.evaluate(EDITOR_TEXT_JS, host)
    assert isinstance(text, str), "the editor is not on the page"
    return text


def wait_editor_text(page: Page, expected: str, host: str = ".editor-host") -> None:
    """Waits until the editor shows exactly ``expected``; fails with what it shows instead."""
    try:
        page.wait_for_function(
            f"([sel, want]) => ({EDITOR_TEXT_JS})(sel) === want", arg=[host, expected]
        )
    except Exception as exc:
        raise AssertionError(
            f"editor shows {editor_text(page, host)!r}, expected {expected!r}"
        ) from exc


def register(page: Page, name: str) -> str:
    """Signs a new interviewer up through the form; returns the e-mail used."""
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Interviews")).to_be_visible()
    return email


# Interactive elements a keyboard or screen-reader user could not identify: inputs without a
# label, buttons and links without a name. (Hidden and CodeMirror-internal ones aside.)
UNNAMED_CONTROLS_JS = """() => {
  const named = (el) =>
    (el.getAttribute('aria-label') || '').trim() ||
    (el.labels && Array.from(el.labels).some((l) => l.textContent.trim())) ||
    (el.getAttribute('aria-labelledby') || '').trim() ||
    (el.textContent || '').trim() ||
    (el.getAttribute('title') || '').trim() ||
    (el.getAttribute('alt') || '').trim();
  const controls = 'input, select, textarea, button, a[href], [role=tab]';
  return Array.from(document.querySelectorAll(controls))
    .filter((el) => el.getClientRects().length > 0 && el.type !== 'hidden')
    .filter((el) => !el.closest('.cm-editor'))
    .filter((el) => !named(el))
    .map((el) => el.outerHTML.slice(0, 120));
}"""


def assert_controls_named(page: Page) -> None:
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    assert unnamed == [], f"controls without an accessible name on {page.url}: {unnamed}"


def wait_editable(page: Page) -> None:
    """The shared editor accepts typing once the room's first sync is done."""
    expect(page.locator(".editor-host .cm-content")).to_have_attribute("contenteditable", "true")


def create_question(page: Page, question: dict[str, Any]) -> str:
    """Writes ``question`` (the API's shape: title, prompt, difficulty, guide, starters, tests)
    through the bank's editor page, as an interviewer would; returns the new question's id."""
    page.goto("/questions/new")
    page.get_by_label("Title").fill(question["title"])
    page.get_by_label("Difficulty").select_option(question.get("difficulty", "medium"))
    if question.get("tags"):
        page.get_by_label("Tags").fill(", ".join(question["tags"]))
    page.get_by_label("Prompt (Markdown)").fill(question.get("prompt", ""))
    for language, code in question.get("starters", {}).items():
        page.get_by_label("Language to add starter code for").select_option(language)
        page.get_by_role("button", name="Add starter code").click()
        page.locator(f".starter[data-language='{language}'] textarea").fill(code)
    for n, test in enumerate(question.get("tests", []), start=1):
        page.get_by_role("button", name="Add test").click()
        page.get_by_label(f"Test {n} name").fill(test["name"])
        page.get_by_label(f"Test {n} input").fill(test.get("stdin", ""))
        page.get_by_label(f"Test {n} expected output").fill(test.get("expected_stdout") or "")
        if test.get("hidden"):
            page.get_by_label(f"Test {n} hidden from the candidate").check()
    if question.get("guide"):
        page.get_by_label("Guide (Markdown").fill(question["guide"])
    page.get_by_role("button", name="Create question").click()
    expect(page.get_by_role("alert").first).to_contain_text("Saved the question as revision 1.")
    return page.url.rsplit("/", 1)[-1]
