"""End to end, in a real browser: Debian's Chromium (driven by Playwright for Python; no browser is
downloaded) loads the task pane from a real server (`patentpane serve` in a subprocess) inside a
page that stands in for Word (tests/e2e/word_host.js + office_standin.js, backed by a real .docx
from tests/docxgen.py), signs in with a local account (password + TOTP), checks the document, selects
a finding's words, adds the comments, adds claims, drafts, and saves a screenshot of each step in
test-artifacts/e2e/."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import playwright.sync_api as playwright_api
import pytest

from tests.e2e.fixture import fixture_docx, word_paragraphs
from tests.e2e.harness import (
    ARTIFACTS,
    OFFICE_JS,
    chromium,
    enrolled_account,
    ensure_taskpane_built,
    host_page,
    office_standin,
)
from tests.serverharness import Server

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    ensure_taskpane_built()
    data = tmp_path_factory.mktemp("e2e")
    env = {
        "PATENTPANE_CHECK_WORKERS": "0",
        "PATENTPANE_BATCH_WORKERS": "1",
        "PATENTPANE_ARGON2_TIME_COST": "1",
        "PATENTPANE_ARGON2_MEMORY_KIB": "8192",
    }
    srv = Server(data_dir=data, database_url=f"sqlite:///{data / 'patentpane.db'}", extra_env=env)
    srv.migrate()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def routes(server: Server) -> set[str]:
    return set(httpx.get(f"{server.url}/api/openapi.json", timeout=10).json()["paths"])


def test_sign_in_check_comment_claims_and_draft_in_a_real_browser(server: Server) -> None:
    account = enrolled_account(server)
    available = routes(server)
    origin = server.url
    outside: list[str] = []
    problems: list[str] = []

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1200, "height": 820}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)

        def on_console(message) -> None:
            if message.type == "error" or "Content Security Policy" in message.text:
                where = message.location
                problems.append(f"{message.text} ({where.get('url')}:{where.get('lineNumber')}:{where.get('columnNumber')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

        def route(r) -> None:
            url = r.request.url
            if url == OFFICE_JS:  # Office.js from Microsoft's CDN: the stand-in Word's
                r.fulfill(status=200, content_type="text/javascript", body=office_standin())
            elif url.startswith(f"{origin}/__word__/"):
                r.fulfill(status=200, content_type="text/html", body=host)
            elif urlsplit(url).scheme in ("http", "https") and not url.startswith(origin):
                outside.append(url)  # the pane fetches nothing else from outside
                r.abort()
            else:
                r.continue_()

        host = host_page(
            pane_url=f"{origin}/taskpane/",
            docx=fixture_docx(),
            paragraphs=word_paragraphs(),
            requirements={"WordApi": "1.4", "DialogApi": "1.2"},
        )
        context.route("**/*", route)
        page.goto(f"{origin}/__word__/host.html")
        pane = page.frame_locator("#pane")

        def word() -> dict:
            return page.evaluate("WordHost.snapshot()")

        try:
            # 1. sign in with the local account (password + TOTP)
            pane.locator("#signin-email input").fill(account.email)
            pane.locator("#signin-password input").fill(account.password)
            shot(page, "01-sign-in")
            pane.locator("#signin-code input").fill(account.code())
            pane.locator("#signin-submit").click()
            pane.locator("#tabs").wait_for()
            assert pane.locator("#who").inner_text() == account.email
            shot(page, "02-signed-in")

            # 2. check: findings grouped by category with counts
            pane.locator("#check-run").click()
            pane.locator("li.finding[data-code=AB001]").wait_for()
            summary = pane.locator("#check-summary").inner_text()
            assert "1 error" in summary and "0 warnings" in summary and "2 info" in summary, summary
            groups = pane.locator("fluent-accordion-item")
            assert groups.count() == 3
            first = groups.first
            assert first.get_attribute("data-category") == "antecedent_basis"
            assert "Antecedent basis" in first.inner_text() and "1 error" in first.inner_text()
            finding = pane.locator("li.finding[data-code=AB001]")
            assert 'No antecedent basis for "the pin" in claim 2' in finding.inner_text()
            assert pane.locator("li.finding[data-code=TM002]").count() == 1
            calls = word()["calls"]
            assert calls.count("getFileAsync:compressed") == calls.count("closeAsync") == 1, calls
            shot(page, "03-findings")

            # 3. a finding selects its words in the document
            finding.locator(".finding-main").click()
            page.wait_for_function("WordHost.selection && WordHost.selection.entry.text.includes('pin is red')")
            assert word()["selection"] == "the pin"
            finding.get_by_role("button", name="About AB001").click()
            link = finding.locator(".rule-help a")
            link.wait_for()
            assert "MPEP 2173.05(e)" in link.inner_text() and link.get_attribute("href").startswith("https://www.uspto.gov/")
            shot(page, "04-finding-selected")

            # 4. the findings as Word comments on their words (WordApi 1.4)
            pane.locator("#check-comments").click()
            pane.get_by_text("Added 3 comments to the document.").wait_for()
            comments = word()["comments"]
            assert len(comments) == 3 and {"the pin", "substantially"} <= {c["text"] for c in comments}, comments
            pin = next(c for c in comments if c["text"] == "the pin")
            assert pin["content"].startswith('[AB001] No antecedent basis for "the pin" in claim 2. Suggestion: ')
            shot(page, "05-comments")
            # again: PatentPane's earlier comments are replaced, not duplicated
            pane.locator("#check-comments").click()
            page.wait_for_timeout(300)
            pane.get_by_text("Added 3 comments to the document.").wait_for()
            assert len(word()["comments"]) == 3
            # a Word without the comments API gets the annotated copy from the server, opened as a new document
            page.evaluate("WordHost.requirements.WordApi = '1.3'")
            pane.locator("#check-comments").click()
            pane.get_by_text("Opened a copy with the comments as a new document.").wait_for()
            assert word()["openedDocuments"] == 1
            assert pane.locator(".notice a.download").get_attribute("download") == "widget-application-checked.docx"
            page.evaluate("WordHost.requirements.WordApi = '1.4'")

            # 5. claims: the tree, then a claim written in the editor added with the next number
            pane.locator("#tab-claims").click()
            pane.locator("#claims-read").click()
            pane.locator("fluent-tree-item[data-claim='3']").wait_for()
            assert pane.locator("#claim-tree > fluent-tree-item").count() == 1  # claim 1, with 2 and 3 under it
            assert pane.locator("fluent-tree-item[data-claim='1'] fluent-tree-item").count() == 2
            shot(page, "06-claim-tree")

            editor = pane.locator("#claim-editor")
            editor.fill("The widget of claim 1, wherein the housing is formed of aluminium.")
            if "/api/v1/claims/complete" in available:
                editor.fill("The widget of claim 1, wherein the ")
                pane.locator("#claim-completions li").first.wait_for()
                shot(page, "07-completion")  # the first completion in grey after the cursor, the others below
                before = editor.input_value()
                first = pane.locator("#claim-completions .completion-text").first.inner_text()
                editor.press("Tab")  # accepts it
                assert editor.input_value() == before + first
                editor.fill("The widget of claim 1, wherein the housing is formed of aluminium.")
            pane.locator("#claim-add").click()
            pane.get_by_text("Claim 4 added at the end of the claims.").wait_for()
            texts = [p["text"] for p in word()["paragraphs"]]
            at = texts.index("3. The widget of claim 1, wherein the lever is substantially straight.")
            assert texts[at + 1] == "4. The widget of claim 1, wherein the housing is formed of aluminium."

            # 6. a suggested dependent claim, inserted with the right number
            pane.locator("#claims-suggest").click()
            if "/api/v1/claims/suggest-dependent" in available:
                insert = pane.locator("#suggestions fluent-button.insert").first
                insert.wait_for()
                suggested = pane.locator("#suggestions .suggested").first.inner_text()
                insert.click()
                pane.get_by_text("Claim 5 added at the end of the claims.").wait_for()
                texts = [p["text"] for p in word()["paragraphs"]]
                assert texts[at + 2] == f"5. {suggested}", texts[at : at + 3]
                shot(page, "08-suggested-claim")
            else:
                pane.get_by_text("This server does not suggest dependent claims yet.", exact=False).wait_for()
                shot(page, "08-suggested-claim")
                warnings.warn(
                    "POST /api/v1/claims/suggest-dependent is not on this server yet: the pane's message was checked, "
                    "inserting a suggested claim was not",
                    stacklevel=1,
                )

            # 7. draft from the claims, inserted as tracked changes
            pane.locator("#tab-draft").click()
            pane.locator("#draft-run").click()
            pane.locator("#draft-preview h4").first.wait_for()
            pane.locator("#draft-insert").click()
            pane.get_by_text(re.compile(r"Inserted \d+ paragraphs as tracked changes")).wait_for()
            after = word()
            tracked = [p["text"] for p in after["paragraphs"] if p["tracked"]]
            assert tracked and after["trackingMode"] == "Off"
            assert any("housing" in t for t in tracked)
            shot(page, "09-draft-inserted")

            # 8. usable from 320 to 500 px: nothing wider than the pane
            for width in (320, 500):
                page.evaluate(f"document.getElementById('pane-frame').style.width = '{width}px'")
                page.wait_for_timeout(100)
                frame = page.frame_locator("#pane").locator("body")
                overflow = frame.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"the pane overflows by {overflow}px at {width}px"
                shot(page, f"10-width-{width}")
        except Exception:
            shot(page, "failure")  # what the pane showed when the step failed
            raise
        finally:
            browser.close()

    assert not outside, outside
    violations = [m for m in problems if "Content Security Policy" in m or "Refused to" in m]
    assert not violations, "\n".join(violations)
