"""The question bank page in a real browser: the shipped examples are listed, searched and
filtered; a new question is written through the form (a server validation error shows next to
the field it names, the Markdown preview never runs HTML), edited into a second revision whose
history names its author, imported from a ZIP (a bad ZIP imports nothing and says why),
exported and deleted; and the editor is looked at on a phone."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.helpers import assert_controls_named, register

pytestmark = [pytest.mark.browser]

PROMPT = "# Reverse a line\nRead one line and print it **reversed**.\n\n<script>alert(1)</script>"


def bundle_zip(title: str, *, unsafe: bool = False) -> bytes:
    """One question folder as a ZIP, the way a company keeps them in git."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        root = "../evil" if unsafe else "imported-question"
        archive.writestr(
            f"{root}/question.toml",
            f'title = "{title}"\ndifficulty = "hard"\ntags = ["imported"]\n\n'
            "[tests.secret]\nhidden = true\n",
        )
        archive.writestr(f"{root}/prompt.md", "Print the answer.\n")
        archive.writestr(f"{root}/starter/python.py", "print(42)\n")
        archive.writestr(f"{root}/tests/visible.in", "")
        archive.writestr(f"{root}/tests/visible.out", "42\n")
        archive.writestr(f"{root}/tests/secret.in", "x\n")
        archive.writestr(f"{root}/tests/secret.out", "42\n")
    return buffer.getvalue()


def test_question_bank_page(open_page: PageFactory, output_dir: Path, tmp_path: Path) -> None:
    shots = output_dir / "question-bank"
    shots.mkdir(parents=True, exist_ok=True)
    ada = open_page("ada", width=1440, height=900)
    register(ada, "Ada Lovelace")

    # ---- the shipped examples: listed, searched, filtered -------------------------------------
    ada.get_by_role("navigation", name="Main").get_by_role("link", name="Questions").click()
    expect(ada.get_by_role("heading", name="Questions", exact=True)).to_be_visible()
    table = ada.locator(".table-questions")
    expect(table).to_contain_text("Two Sum")
    expect(table).to_contain_text("LRU Cache")
    expect(table).to_contain_text("Balanced Brackets")
    expect(table.locator("tr", has_text="Two Sum")).to_contain_text("Built-in")
    ada.screenshot(path=str(shots / "01-bank-list.png"))
    assert_controls_named(ada)

    ada.get_by_label("Search").fill("bracket")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Balanced Brackets")
    assert "q=bracket" in ada.url
    ada.get_by_label("Search").fill("")
    ada.get_by_label("Difficulty").select_option("medium")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("LRU Cache")
    ada.get_by_label("Difficulty").select_option("")
    table.get_by_role("button", name="hash map").first.click()  # a tag chip filters by its tag
    expect(ada.get_by_label("Tag")).to_have_value("hash map")
    expect(table.locator("tbody tr")).to_have_count(2)
    ada.get_by_label("Tag").fill("")
    ada.get_by_label("Whose").select_option("mine")
    expect(ada.locator(".empty")).to_contain_text("No questions match these filters.")
    ada.get_by_label("Whose").select_option("all")
    expect(table.locator("tbody tr")).to_have_count(3)

    # ---- a new question: the server's validation shows next to the field ------------------------
    ada.get_by_role("link", name="New question").click()
    expect(ada.get_by_role("heading", name="New question")).to_be_visible()
    ada.get_by_label("Prompt (Markdown)").fill(PROMPT)
    preview = ada.locator("#q-prompt-preview")
    expect(preview.locator("strong")).to_have_text("reversed")
    expect(preview.locator("h1")).to_have_text("Reverse a line")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    assert preview.locator("script").count() == 0
    ada.get_by_role("button", name="Create question").click()  # no title yet
    title_error = ada.locator(".has-error .field-error").first
    expect(title_error).to_have_text("Title: must not be empty")
    save_alert = ada.locator(".save-bar .alert-error")
    expect(save_alert).to_contain_text("Not saved. Title: must not be empty")
    ada.screenshot(path=str(shots / "02-editor-title-error.png"))

    ada.get_by_label("Title").fill("Reverse a line")
    ada.get_by_label("Difficulty").select_option("easy")
    ada.get_by_label("Tags").fill("strings, warm-up")
    ada.get_by_label("Language to add starter code for").select_option("python")
    ada.get_by_role("button", name="Add starter code").click()
    ada.get_by_label("Python starter code").fill("line = input()\n# print it reversed\n")
    ada.get_by_role("button", name="Add test").click()
    ada.get_by_label("Test 1 input").fill("abc\n")
    ada.get_by_label("Test 1 expected output").fill("cba\n")
    ada.get_by_role("button", name="Add test").click()
    ada.get_by_label("Test 2 name").fill("test1")  # the same name twice: the server says no
    ada.get_by_label("Test 2 input").fill("a long line\n")
    ada.get_by_label("Test 2 expected output").fill("enil gnol a\n")
    ada.get_by_label("Test 2 hidden from the candidate").check()
    ada.get_by_label("Test 2 time limit in milliseconds").fill("2000")
    ada.get_by_role("button", name="Create question").click()
    tests_error = ada.locator(".save-bar .alert-error")
    expect(tests_error).to_contain_text("two tests are named 'test1'")
    expect(ada.locator(".field-error:visible")).to_contain_text(["two tests are named 'test1'"])
    ada.get_by_label("Test 2 name").fill("long")
    ada.get_by_label("Test 2 weight").fill("0")  # out of range: named per test
    ada.get_by_role("button", name="Create question").click()
    expect(ada.locator(".test-case.has-error .field-error")).to_have_text(
        "Test 2, weight: must be greater than or equal to 1"
    )
    expect(ada.get_by_label("Test 2 weight")).to_have_attribute("aria-invalid", "true")
    expect(ada.get_by_label("Test 2 name")).not_to_have_attribute("aria-invalid", "true")
    ada.screenshot(path=str(shots / "03-editor-test-error.png"), full_page=True)
    ada.get_by_label("Test 2 weight").fill("2")
    ada.get_by_label("Visibility").select_option("shared")
    ada.get_by_role("button", name="Create question").click()
    expect(ada.get_by_role("alert").first).to_contain_text("Saved the question as revision 1.")
    question_url = ada.url
    assert "/questions/" in question_url and "created" not in question_url
    expect(ada.locator(".revision-list li")).to_have_count(1)
    ada.screenshot(path=str(shots / "04-editor-created.png"), full_page=True)
    assert_controls_named(ada)

    # ---- an edit is a new revision; the history names who and when ---------------------------
    ada.get_by_role("button", name="Save changes").click()
    expect(ada.get_by_role("status").filter(has_text="Nothing changed.")).to_be_visible()
    ada.get_by_label("Prompt (Markdown)").fill("Read one line; print it backwards.")
    ada.get_by_role("button", name="Save changes").click()
    expect(ada.get_by_role("status").filter(has_text="Saved as revision 2.")).to_be_visible()
    expect(ada.locator(".page-head")).to_contain_text("Revision 2 · updated")
    history = ada.locator(".revision-list")
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").first).to_contain_text("Revision 2")
    expect(history.locator("li").first).to_contain_text("current")
    expect(history.locator("li").nth(1)).to_contain_text("Ada Lovelace")
    history.get_by_role("button", name="Revision 1").click()
    old = ada.locator(".revision-view")
    expect(old.locator("strong")).to_have_text("reversed")
    assert old.locator("script").count() == 0
    ada.screenshot(path=str(shots / "05-editor-revisions.png"), full_page=True)
    old.get_by_role("button", name="Load into the form").click()  # an old revision, to restore
    expect(ada.get_by_label("Prompt (Markdown)")).to_have_value(PROMPT)
    expect(ada.get_by_role("status").filter(has_text="Revision 1 is in the form")).to_be_visible()
    ada.reload()  # not saved: the current revision stays
    prompt = ada.get_by_label("Prompt (Markdown)")
    expect(prompt).to_have_value("Read one line; print it backwards.")
    expect(ada.get_by_label("Test 2 hidden from the candidate")).to_be_checked()
    expect(ada.get_by_label("Test 2 time limit in milliseconds")).to_have_value("2000")

    # ---- on a phone ---------------------------------------------------------------------------
    ada.set_viewport_size({"width": 390, "height": 844})
    ada.reload()
    expect(ada.get_by_label("Title")).to_have_value("Reverse a line")
    overflow = ada.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the editor is {overflow}px wider than a phone"
    ada.screenshot(path=str(shots / "06-editor-phone-top.png"))
    ada.locator("#q-prompt-preview").scroll_into_view_if_needed()
    ada.screenshot(path=str(shots / "06b-editor-phone-prompt.png"))
    ada.locator(".test-case").nth(1).scroll_into_view_if_needed()
    ada.screenshot(path=str(shots / "06c-editor-phone-tests.png"))
    ada.goto("/questions")
    expect(ada.locator(".table-questions")).to_contain_text("Reverse a line")
    ada.screenshot(path=str(shots / "07-bank-phone.png"))
    ada.set_viewport_size({"width": 1440, "height": 900})

    # ---- import a ZIP, and a bad one that imports nothing -------------------------------------
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bundle_zip("Climbing out", unsafe=True))
    ada.locator("#bank-import").set_input_files(str(bad))
    expect(ada.get_by_role("alert").first).to_contain_text("Nothing was imported from bad.zip.")
    good = tmp_path / "company-questions.zip"
    good.write_bytes(bundle_zip("The answer"))
    ada.get_by_label("Import ZIP").set_input_files(str(good))
    expect(ada.get_by_role("alert").first).to_contain_text(
        "Imported 1 question from company-questions.zip: “The answer”."
    )
    expect(ada.get_by_label("Whose")).to_have_value("mine")
    expect(ada.locator(".table-questions")).to_contain_text("The answer")
    imported = ada.locator(".table-questions tr", has_text="The answer")
    expect(imported).to_contain_text("2 (1 hidden)")
    ada.screenshot(path=str(shots / "08-bank-imported.png"))

    # ---- export: the ZIP holds the plain files ------------------------------------------------
    with ada.expect_download() as download_info:
        imported.get_by_role("link", name="Export The answer as a ZIP").click()
    exported = tmp_path / "exported.zip"
    download_info.value.save_as(exported)
    with zipfile.ZipFile(exported) as archive:
        names = archive.namelist()
    assert any(n.endswith("question.toml") for n in names), names
    assert any(n.endswith("tests/secret.in") for n in names), names

    with ada.expect_download() as download_info:
        ada.get_by_role("link", name="Export all").click()
    everything = tmp_path / "everything.zip"
    download_info.value.save_as(everything)
    with zipfile.ZipFile(everything) as archive:
        folders = {n.split("/", 1)[0] for n in archive.namelist()}
    assert len(folders) == 5, folders  # three examples, the shared one and the imported one

    # ---- a built-in question is read-only: copy it to change it --------------------------------
    ada.get_by_label("Whose").select_option("all")
    ada.locator(".table-questions").get_by_role("link", name="Two Sum", exact=True).click()
    expect(ada.get_by_role("button", name="Copy to my questions")).to_be_visible()
    expect(ada.get_by_label("Title")).to_have_count(0)
    expect(ada.locator(".tests-table")).to_contain_text("hidden")
    ada.screenshot(path=str(shots / "09-built-in-read-only.png"))
    ada.get_by_role("button", name="Copy to my questions").click()
    expect(ada.get_by_label("Title")).to_have_value("Two Sum (copy)")

    # ---- delete --------------------------------------------------------------------------------
    ada.goto(question_url)
    ada.get_by_role("button", name="Delete").click()
    ada.get_by_role("dialog").get_by_role("button", name="Delete question").click()
    expect(ada.get_by_role("heading", name="Questions", exact=True)).to_be_visible()
    expect(ada.locator(".table-questions")).not_to_contain_text("Reverse a line")
    ada.goto(question_url)
    expect(ada.get_by_role("heading", name="Question not found")).to_be_visible()
