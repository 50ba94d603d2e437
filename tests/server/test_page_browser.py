"""The page at ``/`` in a real headless Chromium against a real ``credpath serve`` process.

The browser is the distribution's (``apt-get install chromium``; ``.ci/run`` installs it), driven by
Playwright for Python through ``executable_path``: nothing is downloaded. Without it this test fails.
"""

import json
import math
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import copy_sqlite_file
from tests.server.serverprocess import serve

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_MS = 120_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 900}

# Every form control's accessible name: a <label>, aria-label(ledby), or a button's own text.
UNNAMED_CONTROLS_JS = """() => [...document.querySelectorAll('input, textarea, select, button')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
    && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
  .map(e => e.id || e.outerHTML.slice(0, 80))"""

# WCAG 2.1 contrast of every visible element that holds text, against the first opaque background behind
# it: at least 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
LOW_CONTRAST_JS = """() => {
  const rgba = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(e).backgroundColor);
      if (a > 0.5) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const element of document.querySelectorAll('body *')) {
    const text = [...element.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const [fg, bg] = [luminance(rgba(style.color)), luminance(background(element))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) low.push(`${element.tagName}#${element.id} "${text.slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def _chromium() -> str:
    found = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    assert found, "no Chromium on PATH: install the distribution's package (apt-get install chromium), see .ci/run"
    return found


def _pick(page: Page, field: str, text: str, option: str) -> None:
    """Type into a search-as-you-type field and choose the option whose text starts with ``option``."""
    page.fill(field, text)
    listbox = page.locator(f"{field} ~ [role=listbox]")
    choice = listbox.locator("[role=option]", has_text=option).first
    expect(choice).to_be_visible(timeout=TIMEOUT_MS)
    choice.dispatch_event("mousedown")


@contextmanager
def _page_on_a_copy(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path, viewport: dict[str, int]
) -> Iterator[tuple[str, Page, list[str]]]:
    """A server on a copy of the loaded database and a ready page on it; yields (base URL, page, page errors)."""
    database = tmp_path / "credpath.db"
    copy_sqlite_file(loaded_sqlite_url, database)
    with serve(f"sqlite:///{database}", models_dir, log_path=tmp_path / "server.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=viewport)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "/")
            expect(page.locator("body[data-ready=true]")).to_be_attached(timeout=TIMEOUT_MS)
            yield base, page, errors
        finally:
            browser.close()


def test_the_page_shows_the_gap_and_the_pathway_the_api_returns(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path
) -> None:
    with _page_on_a_copy(loaded_sqlite_url, models_dir, tmp_path, DESKTOP) as (base, page, errors):
        page.fill("#text", "I write SQL queries and build monthly reports in spreadsheets.")
        _pick(page, "#skill-q", "statistics", "statistics")
        expect(page.locator("#chosen-skills li")).to_have_count(1)
        _pick(page, "#role-q", "data analyst", "data analyst")
        expect(page.locator("#role-chosen")).to_contain_text("data analyst")
        page.click("#go")

        chart = page.locator("#gap-chart li[data-skill-id]")
        expect(chart.first).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.locator("#pathway[data-ready]")).to_be_attached(timeout=TIMEOUT_MS)

        # The same requests, sent by the test itself, give what the page shows.
        gap_body = json.loads(page.locator("#gap-request").get_attribute("data-body") or "null")
        path_body = json.loads(page.locator("#path-request").get_attribute("data-body") or "null")
        assert gap_body["learner"]["text"].startswith("I write SQL")
        assert len(gap_body["learner"]["skills"]) == 1
        gaps = httpx.post(f"{base}/v1/gaps", json=gap_body, timeout=120).json()
        assert sorted(chart.evaluate_all("rows => rows.map(r => r.dataset.skillId)")) == sorted(
            i["skill_id"] for i in gaps["items"]
        )
        for status in ("covered", "partial", "missing"):
            assert page.locator(f"#gap-chart li[data-status={status}]").count() == gaps[status]
        percent = math.floor(gaps["readiness"] * 100 + 0.5)  # as JavaScript's Math.round
        assert f"readiness {percent}%" in page.locator("#gap-summary").inner_text()

        answer = httpx.post(f"{base}/v1/recommendations", json=path_body, timeout=120).json()
        steps = answer["pathway"]["steps"]
        assert steps, answer
        shown = page.locator("#steps li[data-credential-id]")
        assert shown.evaluate_all("rows => rows.map(r => r.dataset.credentialId)") == [
            s["credential_id"] for s in steps
        ]
        assert [t.strip() for t in page.locator("#steps li[data-credential-id] h3").all_inner_texts()] == [
            s["title"].strip() for s in steps
        ]
        assert steps[0]["reason"] in page.locator("#steps").inner_text()

        # A constraint re-runs the pathway live.
        before = int(page.locator("#pathway").get_attribute("data-ready") or "0")
        page.fill("#max-credentials", "1")
        expect(page.locator(f'#pathway[data-ready="{before + 1}"]')).to_be_attached(timeout=TIMEOUT_MS)
        expect(shown).to_have_count(1)
        assert (
            json.loads(page.locator("#path-request").get_attribute("data-body") or "{}")["constraints"][
                "max_credentials"
            ]
            == 1
        )

        page.click("#closest")
        expect(page.locator("#role-list li[data-occupation-id]").first).to_be_visible(timeout=TIMEOUT_MS)
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        assert (tmp_path / "page.png").stat().st_size > 10_000
        assert errors == []


def test_the_page_works_by_keyboard_on_a_phone_with_labels_and_contrast(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path
) -> None:
    """Accessibility as a test, not a promise: names for every control, keyboard only, 390 px wide, contrast."""
    with _page_on_a_copy(loaded_sqlite_url, models_dir, tmp_path, PHONE) as (_base, page, errors):
        assert page.evaluate(UNNAMED_CONTROLS_JS) == []

        # Keyboard only: type, arrow down to the first suggestion, Enter to take it, Enter on the button.
        page.focus("#text")
        page.keyboard.type("I write SQL queries and build monthly reports in spreadsheets.")
        page.focus("#skill-q")
        page.keyboard.type("statistics")
        expect(page.locator("#skill-options [role=option]").first).to_be_visible(timeout=TIMEOUT_MS)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(page.locator("#chosen-skills li")).to_have_count(1)
        page.focus("#role-q")
        page.keyboard.type("data analyst")
        expect(page.locator("#role-options [role=option]").first).to_be_visible(timeout=TIMEOUT_MS)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(page.locator("#role-chosen")).to_contain_text(re.compile("data analyst", re.IGNORECASE))
        page.focus("#go")
        page.keyboard.press("Enter")
        expect(page.locator("#gap-chart li[data-skill-id]").first).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.locator("#pathway[data-ready]")).to_be_attached(timeout=TIMEOUT_MS)

        # A phone's width: nothing scrolls sideways, and every text meets its contrast minimum.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate(LOW_CONTRAST_JS) == []
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        assert errors == []
