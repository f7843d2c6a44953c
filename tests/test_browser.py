"""The patient web app in a real browser: Playwright driving Debian's Chromium.

The app runs in a uvicorn subprocess on a free loopback port, on an SQLite
file in a temporary folder.  These tests

* run complete interviews through the UI for vignettes of all five triage
  levels, in both languages, answering each question from the case's facts
  ("don't know" otherwise), and check that the result page shows the level of
  the engine's own interview simulation;
* run axe-core (axe-playwright-python) on the start, a question and the
  result page in both languages: no serious or critical violations;
* check a 360 px wide screen, a keyboard-only interview, the interview with
  JavaScript turned off, the print stylesheet and the absence of console
  errors (a CSP violation shows up as one).

A failing test leaves full-page screenshots in ``build/test-artifacts/browser``
(or ``$SPOTCHECK_ARTIFACTS``; the path is printed).  Chromium missing: the
tests fail under CI=true and are skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

from spotcheck import Engine
from spotcheck.evaluation import Case, load_cases, simulate_interview

from .conftest import CASES, SHARED
from .live_app import live_app

pytestmark = pytest.mark.browser

ENGINE = Engine.default()
DEV = SHARED / "vignettes" / "dev.jsonl"
VIGNETTES = DEV if DEV.exists() else CASES / "vignettes.jsonl"
CHROMIUM = Path(os.environ.get("SPOTCHECK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LANGS = ("en", "ru")


def expected_level(case: Case) -> str:
    facts, _ = simulate_interview(ENGINE, case.facts)
    return ENGINE.assess(facts).triage


def pick_cases() -> list[tuple[Case, str, str]]:
    """One case per triage level, languages alternating, and a second case of the first
    level that has one, in the other language: six interviews, all levels, both languages."""
    by_level: dict[str, list[Case]] = {}
    for case in load_cases(ENGINE, VIGNETTES):
        by_level.setdefault(expected_level(case), []).append(case)
    picked = [
        (cases[0], LANGS[i % 2], level)
        for i, level in enumerate(ENGINE.kb.levels)
        if (cases := by_level.get(level))
    ]
    for _case, lang, level in list(picked):
        if len(by_level[level]) > 1:
            picked.append((by_level[level][1], LANGS[1 - LANGS.index(lang)], level))
            break
    return picked


PICKED = pick_cases()


# --- the server and the browser ---


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser-app")
    with live_app(folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where failure screenshots go: $SPOTCHECK_ARTIFACTS, else build/test-artifacts/browser
    (pytest's own temporary folders are pruned by later runs)."""
    root = Path(__file__).resolve().parent.parent
    default = root / "build" / "test-artifacts" / "browser"
    folder = Path(os.environ.get("SPOTCHECK_ARTIFACTS", default))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Tab:
    """One browser page and the console errors it reported."""

    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors


def _console(tab: Tab, message: ConsoleMessage) -> None:
    # A page answered with 4xx on purpose (a 404 page, a 422 form) is logged as a
    # failed resource; failed subresources are caught by _response instead.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        tab.errors.append(message.text)


def _response(tab: Tab, response: Response) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        tab.errors.append(f"{response.status} {response.url}")


@pytest.fixture
def open_tab(
    browser: Browser, server: str, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Tab]]:
    """Opens pages; screenshots of all of them are saved if the test fails."""
    tabs: list[Tab] = []

    def make(
        lang: str = "en", width: int = 1280, height: int = 900, javascript: bool = True
    ) -> Tab:
        context = browser.new_context(
            base_url=server,
            viewport={"width": width, "height": height},
            locale={"en": "en-GB", "ru": "ru-RU"}[lang],
            extra_http_headers={"Accept-Language": lang},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        tab = Tab(context.new_page(), context)
        tab.page.on("console", lambda msg: _console(tab, msg))
        tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        tab.page.on("response", lambda response: _response(tab, response))
        tabs.append(tab)
        return tab

    failed_before = request.session.testsfailed
    yield make
    if request.session.testsfailed > failed_before:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for i, tab in enumerate(tabs):
            path = artifacts / f"{name}-{i}.png"
            try:
                tab.page.screenshot(path=str(path), full_page=True)
                print(f"screenshot: {path}")
            except Exception as exc:  # the page may be gone; the failure is reported anyway
                print(f"no screenshot ({type(exc).__name__})")
    for tab in tabs:
        tab.context.close()


# --- answering through the UI ------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    kind: str
    step: str
    options: list[str]  # radio or checkbox values


_READ_FORM = """() => {
  const form = document.querySelector("form.sc-question");
  if (!form) return null;
  const boxes = form.querySelectorAll("input[type=radio], input[type=checkbox]");
  return [form.dataset.kind, form.dataset.step, Array.from(boxes, (e) => e.value)];
}"""


def current_form(page: Page) -> Form | None:
    found = page.evaluate(_READ_FORM)
    if found is None:
        return None
    kind, step, options = found
    return Form(str(kind), str(step), [str(v) for v in options])


def wanted(form: Form, facts: dict[str, Any]) -> list[str] | str | None:
    """What a person answers from ``facts``: option values, a number text, or None (don't know)."""
    if form.kind == "group":
        findings = [v for v in form.options if v not in ("none", "unknown")]
        present = [f for f in findings if facts.get(f) is True]
        if present:
            return present
        return ["none"] if any(facts.get(f) is False for f in findings) else ["unknown"]
    value = facts.get(form.step)
    if form.kind == "number":
        return None if value is None else f"{value:g}"
    if value is None:
        return ["unknown"]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def answer_with_mouse(page: Page, form: Form, facts: dict[str, Any]) -> None:
    choice = wanted(form, facts)
    if form.kind == "number":
        if choice is None:
            with page.expect_navigation():
                page.click("[data-testid=dont-know]")
            return
        page.fill("#number", str(choice))
    else:
        assert isinstance(choice, list)
        for value in choice:  # a person clicks the label
            page.click(f"form.sc-question input[value='{value}'] + label")
    with page.expect_navigation():
        page.click("[data-testid=continue]")


def start_interview(page: Page, lang: str) -> None:
    page.goto(f"/?lang={lang}")
    page.click("[data-testid=start]")
    page.wait_for_url(re.compile(r"/s/[^/]+/q"))


def run_interview(
    page: Page,
    facts: dict[str, Any],
    answer: Callable[..., None],
    emergencies: list[str] | None = None,
) -> int:
    """Answer every question; an emergency result shown on the way (its level is added to
    ``emergencies``) is followed by "answer a few more questions"."""
    screens = 0
    while True:
        while (form := current_form(page)) is not None:
            screens += 1
            assert screens < 60, "the interview does not stop"
            url = page.url
            answer(page, form, facts)
            page.wait_for_load_state()
            assert page.url != url or current_form(page) != form, f"stuck on {form.step}"
        page.wait_for_url(re.compile(r"/result$"))
        more = page.locator("[data-testid=more-questions] a")
        if more.count() == 0:
            return screens
        if emergencies is not None:
            emergencies.append(shown_level(page))
        with page.expect_navigation():
            more.click()


def shown_level(page: Page) -> str:
    return page.locator("[data-testid=level]").get_attribute("data-level") or ""


# --- complete interviews ---


def test_the_picked_cases_cover_every_level_and_both_languages() -> None:
    assert len(PICKED) >= 6
    assert {level for _, _, level in PICKED} == set(ENGINE.kb.levels)
    assert {lang for _, lang, _ in PICKED} == set(LANGS)


@pytest.mark.parametrize(
    ("case", "lang", "level"), PICKED, ids=[f"{c.id}-{lang}" for c, lang, _ in PICKED]
)
def test_complete_interview_shows_the_engines_level(
    open_tab: Callable[..., Tab], case: Case, lang: str, level: str
) -> None:
    tab = open_tab(lang)
    page = tab.page
    start_interview(page, lang)
    screens = run_interview(page, case.facts.to_dict(), answer_with_mouse)
    assert screens >= 3
    assert page.locator("html").get_attribute("lang") == lang
    assert shown_level(page) == level
    label = ENGINE.kb.text(lang).levels[level].label
    assert page.get_by_test_id("level-label").inner_text().strip() == label
    assert page.get_by_test_id("level").locator("svg.sc-level__icon").count() == 1
    assert page.get_by_test_id("safety-net").is_visible()
    assert page.get_by_test_id("for-doctor").is_visible()
    # no generic ambulance box: the result is its own safety net
    assert page.get_by_test_id("safety-line").count() == 0
    tab.assert_clean()


def _in_first_viewport(page: Page, testid: str) -> bool:
    box = page.get_by_test_id(testid).bounding_box()
    size = page.viewport_size
    assert box is not None
    assert size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


# The words a person sees: visible text above the fold, and on the whole page (closed
# disclosures excluded, as a reader skips them).
_WORDS = """(fold) => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !el.checkVisibility({visibilityProperty: true})) continue;
    if (el.closest("details:not([open]) > :not(summary)")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.height === 0) continue;
    if (fold !== null && rect.top + window.scrollY >= fold) continue;
    words.push(...node.textContent.split(/\\s+/).filter((w) => /[\\p{L}\\p{N}]/u.test(w)));
  }
  return words.length;
}"""


def count_words(page: Page, fold: int | None) -> int:
    return int(page.evaluate(_WORDS, fold))


@pytest.mark.parametrize(
    ("case", "lang", "level"), PICKED, ids=[f"{c.id}-{lang}" for c, lang, _ in PICKED]
)
def test_care_card_fits_the_first_screen_of_a_phone(
    open_tab: Callable[..., Tab], case: Case, lang: str, level: str
) -> None:
    """Issue 11: the level and its one instruction in the first viewport at 360 px and on a
    desktop; a working ``tel:`` link for emergencies; the first screen <= 120 words and the
    whole page <= 450 for non-emergencies."""
    for width, height in ((360, 740), (1280, 900)):
        tab = open_tab(lang, width=width, height=height)
        page = tab.page
        session_id = finished_session(tab, case, lang)
        page.goto(f"/s/{session_id}/result")
        assert shown_level(page) == level
        assert _in_first_viewport(page, "level-label")
        assert _in_first_viewport(page, "instruction")
        assert page.get_by_test_id("instruction").count() == 1
        calls = page.locator("a[href^='tel:']")
        if level in ("emergency", "emergency_ambulance"):
            href = calls.first.get_attribute("href")
            assert href == ("tel:999" if lang == "en" else "tel:103")
            box = calls.first.bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= height  # the call button is on the first screen
        if width == 360:
            assert _axe(page) == []  # every level, both languages
        first = count_words(page, height)
        total = count_words(page, None)
        print(f"{case.id} {lang} {level} {width}px: first screen {first} words, page {total}")
        if width == 360:
            assert first <= 120, first
            if level not in ("emergency", "emergency_ambulance"):
                assert total <= 450, total
        tab.assert_clean()


def test_fhir_download_for_the_doctor(open_tab: Callable[..., Tab]) -> None:
    case, lang, level = PICKED[2]
    tab = open_tab(lang)
    page = tab.page
    session_id = finished_session(tab, case, lang)
    page.goto(f"/s/{session_id}/result")
    with page.expect_download() as info:
        page.get_by_test_id("fhir").click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    path = download.path()
    bundle = json.loads(Path(path).read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    assert level in json.dumps(bundle)
    tab.assert_clean()


# --- accessibility ---


# Every impact counts: the pages have none (the brief asks for no serious or critical one).
IMPACTS = ("minor", "moderate", "serious", "critical")


def _axe(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in IMPACTS
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations(open_tab: Callable[..., Tab], lang: str) -> None:
    tab = open_tab(lang)
    page = tab.page
    found: dict[str, list[str]] = {}
    page.goto(f"/?lang={lang}")
    found["start"] = _axe(page)
    page.click("[data-testid=start]")
    page.wait_for_url(re.compile(r"/q$"))
    found["question"] = _axe(page)
    facts = {"sex": "female", "age": 34}
    # an error page of a question (the error summary and messages are checked too)
    page.click("[data-testid=continue]")
    found["question with error"] = _axe(page)
    page.click("[data-testid=resume-code]")
    page.wait_for_selector("[data-testid=code]")
    found["resume code"] = _axe(page)
    page.click("[data-testid=go-on]")
    page.wait_for_url(re.compile(r"/q$"))
    run_interview(page, facts, answer_with_mouse)
    found["result"] = _axe(page)
    assert found == {key: [] for key in found}
    tab.assert_clean()


# --- small screens, keyboard, no JavaScript, print ------------------------------------------------


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else True, width


@pytest.mark.parametrize("lang", LANGS)
def test_usable_at_360_px(open_tab: Callable[..., Tab], lang: str) -> None:
    tab = open_tab(lang, width=360, height=740)
    page = tab.page
    page.goto(f"/?lang={lang}")
    _no_horizontal_scroll(page)
    assert _in_first_viewport(page, "start")  # Start now above the fold
    page.click("[data-testid=start]")
    page.wait_for_url(re.compile(r"/q$"))
    _no_horizontal_scroll(page)
    box = page.locator("[data-testid=continue]").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    facts = {"sex": "male", "age": 45, "blood_in_semen": True}
    run_interview(page, facts, answer_with_mouse)
    _no_horizontal_scroll(page)
    level = page.get_by_test_id("level").bounding_box()
    assert level is not None
    assert level["width"] <= 360
    tab.assert_clean()


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _focus_is_visible(page: Page) -> bool:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor]; }"""
    )
    outline = style[0] != "none" and style[1] != "0px"
    return bool(outline or style[2] != "none")


def answer_with_keyboard(page: Page, form: Form, facts: dict[str, Any]) -> None:
    choice = wanted(form, facts)
    if form.kind == "number":
        if choice is None:
            _tab_to(page, "[data-testid=dont-know]")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        _tab_to(page, "#number")
        assert _focus_is_visible(page)
        page.keyboard.type(str(choice))
        with page.expect_navigation():
            page.keyboard.press("Enter")  # submits with the first button, Continue
        return
    assert isinstance(choice, list)
    if form.kind == "group":
        for value in choice:
            _tab_to(page, f"input[type=checkbox][value='{value}']")
            page.keyboard.press("Space")
    else:
        _tab_to(page, "input[type=radio]")
        radios = list(form.options)
        at = page.evaluate("() => document.activeElement.value")
        for _ in range((radios.index(choice[0]) - radios.index(at)) % len(radios)):
            page.keyboard.press("ArrowDown")
        if not page.evaluate("() => document.activeElement.checked"):
            page.keyboard.press("Space")
        assert page.evaluate("() => document.activeElement.value") == choice[0]
    _tab_to(page, "[data-testid=continue]")
    assert _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_interview(open_tab: Callable[..., Tab]) -> None:
    case, lang, level = next(p for p in PICKED if p[2] in ("emergency_ambulance", "emergency"))
    tab = open_tab(lang)
    page = tab.page
    page.goto(f"/?lang={lang}")
    # the first Tab reaches the skip link, which is then visible and moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#maincontent"
    assert page.locator(".sc-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "maincontent"
    _tab_to(page, "[data-testid=start]")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q$"))
    emergencies: list[str] = []
    run_interview(page, case.facts.to_dict(), answer_with_keyboard, emergencies)
    assert emergencies  # the emergency was shown before the interview went on
    assert shown_level(page) == level
    tab.assert_clean()


def test_interview_works_without_javascript(open_tab: Callable[..., Tab]) -> None:
    case, lang, level = next(p for p in PICKED if p[2] == "consultation_24")
    tab = open_tab(lang, javascript=False)
    page = tab.page
    start_interview(page, lang)
    form = current_form(page)
    assert form is not None
    # no answer: the server says so (the browser's own checks are off) and asks again
    page.click("[data-testid=continue]")
    assert page.get_by_test_id("error-summary").is_visible()
    assert current_form(page) == form
    # Back after an answer is a plain link; the earlier answer is still chosen
    answer_with_mouse(page, form, case.facts.to_dict())
    page.wait_for_url(re.compile(r"/q$"))
    page.get_by_test_id("back").click()
    page.wait_for_url(re.compile(r"/q\?step="))
    assert current_form(page) == form
    assert page.locator("input[type=radio]:checked").count() == 1
    run_interview(page, case.facts.to_dict(), answer_with_mouse)
    assert shown_level(page) == level
    assert not page.locator("[data-print]").is_visible()  # needs JavaScript: stays hidden
    tab.assert_clean()


def test_language_switch_keeps_the_question(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab("en")
    page = tab.page
    start_interview(page, "en")
    form = current_form(page)
    page.get_by_test_id("lang-ru").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert current_form(page) == form
    question = ENGINE.next_question({}, "ru")
    assert question is not None
    assert page.get_by_test_id("question-text").inner_text().strip() == question.text
    tab.assert_clean()


def test_describe_what_happened_then_answer_the_rest(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab("en")
    page = tab.page
    page.goto("/?lang=en")
    page.get_by_test_id("describe").click()
    page.fill("#text", "I am 62. Spotting after sex. No pain, no fever.")
    with page.expect_navigation():
        page.get_by_test_id("describe-submit").click()
    assert page.get_by_test_id("parsed").is_visible()
    assert _axe(page) == []
    assert page.locator("input[name=fact]:checked").count() >= 3
    with page.expect_navigation():
        page.get_by_test_id("parsed-use").click()
    form = current_form(page)
    assert form is not None
    assert form.step not in ("age", "bleeding_amount")  # already known from the text
    run_interview(page, {"sex": "female"}, answer_with_mouse)
    assert shown_level(page) in ENGINE.kb.levels
    assert "62" in (page.get_by_test_id("review").text_content() or "")
    tab.assert_clean()


def finished_session(tab: Tab, case: Case, lang: str) -> str:
    """A complete interview stored through the REST API (it continues in the web app)."""
    facts, _ = simulate_interview(ENGINE, case.facts)
    response = tab.page.request.post(
        "/api/v1/sessions", data={"answers": facts.to_dict(), "lang": lang}
    )
    assert response.status == 201, response.text()
    body = response.json()
    assert body["done"] is True
    return str(body["id"])


def test_print_shows_the_summary_and_hides_navigation(open_tab: Callable[..., Tab]) -> None:
    case, lang, level = PICKED[0]
    tab = open_tab(lang)
    page = tab.page
    session_id = finished_session(tab, case, lang)
    page.goto(f"/s/{session_id}/result")
    assert shown_level(page) == level
    assert page.locator("[data-print]").is_visible()  # the print button appears with JavaScript
    page.emulate_media(media="print")
    assert page.get_by_test_id("for-doctor").is_visible()
    assert page.get_by_test_id("level").is_visible()
    for hidden in ("header.sc-header", "[data-testid=more-questions]", "[data-testid=forget]"):
        assert not page.locator(hidden).is_visible(), hidden
    tab.assert_clean()


def test_forget_me_in_the_browser(open_tab: Callable[..., Tab]) -> None:
    case, _, _ = PICKED[1]
    tab = open_tab("ru")
    page = tab.page
    session_id = finished_session(tab, case, "ru")
    page.goto(f"/s/{session_id}/result")
    with page.expect_navigation():
        page.get_by_test_id("forget").click()
    assert page.get_by_test_id("forgotten").is_visible()
    assert page.locator("html").get_attribute("lang") == "ru"
    response = page.goto(f"/s/{session_id}/result")
    assert response is not None
    assert response.status == 404
    tab.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_change_from_the_result_comes_back_to_it(open_tab: Callable[..., Tab], lang: str) -> None:
    """Issue 11: open the answers, Change, answer: back on the result."""
    tab = open_tab(lang, width=360, height=740)
    page = tab.page
    start_interview(page, lang)
    run_interview(page, {"sex": "male", "age": 30}, answer_with_mouse)
    page.locator(".sc-answers summary").click()
    with page.expect_navigation():
        page.locator("[data-testid=review] a[href*='step=age']").click()
    assert page.locator("#number").input_value() == "30"
    page.fill("#number", "33")  # an age that needs no new question
    with page.expect_navigation():
        page.click("[data-testid=continue]")
    page.wait_for_url(re.compile(r"/result$"))  # one click: Continue
    assert "33" in (page.get_by_test_id("review").text_content() or "")
    tab.assert_clean()
