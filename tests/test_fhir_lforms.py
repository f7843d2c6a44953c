"""A real SDC client: NLM's LHC-Forms (npm ``lforms``) in Chromium, from a second origin.

The page that loads LHC-Forms is served from its own origin (a static server on
one port); Spotcheck runs on another port with ``SPOTCHECK_CORS_ORIGINS`` naming
the page's origin, so every ``$next-question`` call is a cross-origin ``fetch``
with a CORS preflight.  For one case per triage level (one of them in Russian)
the test runs the whole adaptive loop the way a person would:

1. post the QuestionnaireResponse to ``$next-question`` (from the page);
2. render the returned contained Questionnaire with ``LForms.Util.addFormToPage``;
3. answer the new question(s) by clicking and typing in the rendered form, from
   the case's facts ("I don't know" / no answer otherwise);
4. read the answers back with ``LForms.Util.getFormFHIRData`` and go to 1,

until the response is completed; then the rendered form must show, first, the
triage level and the level's instruction in the case's language.

LHC-Forms comes from ``make install`` (``npm pack lforms``, unpacked into
``build/fhir-npm/lforms``).  Without it or without Chromium the tests fail
under CI=true and are skipped elsewhere.  Failure screenshots go to
``build/test-artifacts/lforms``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from spotcheck import Engine, Facts
from spotcheck.evaluation import Case, load_cases, simulate_interview
from spotcheck.fhir import QUESTIONNAIRE_URL
from spotcheck.fhir._codes import number_unit

from .conftest import CASES, ROOT, SHARED
from .live_app import live_app

pytestmark = pytest.mark.browser

ENGINE = Engine.default()
FHIR_NPM = Path(os.environ.get("SPOTCHECK_FHIR_NPM", ROOT / "build" / "fhir-npm"))
LFORMS = FHIR_NPM / "lforms" / "package" / "dist" / "lforms"
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
ARTIFACTS = (
    Path(os.environ.get("SPOTCHECK_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "lforms"
)
NEXT = "/fhir/Questionnaire/$next-question"
LEVELS = ("self_care", "consultation", "consultation_24", "emergency", "emergency_ambulance")
RUSSIAN = "consultation_24"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>SDC client</title>
<link rel="stylesheet" href="lforms/webcomponent/styles.css">
<script src="lforms/webcomponent/assets/lib/zone.min.js"></script>
<script type="module" src="lforms/webcomponent/runtime.js"></script>
<script type="module" src="lforms/webcomponent/polyfills.js"></script>
<script type="module" src="lforms/webcomponent/main.js"></script>
<script defer src="lforms/fhir/R4/lformsFHIR.min.js"></script>
</head><body><div id="form"></div></body></html>
"""

READY = "() => !!(window.LForms && LForms.Util && LForms.Util.getFormFHIRData && LForms.FHIR)"
POST = """async ([url, body]) => {
  const response = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"},
    body: JSON.stringify(body),
  });
  return {status: response.status, body: await response.json()};
}"""
RENDER = """q => LForms.Util.addFormToPage(q, "form", {fhirVersion: "R4"})
  .then(() => "ok", e => "error: " + JSON.stringify(e))"""
READ = """() => LForms.Util.getFormFHIRData(
  "QuestionnaireResponse", "R4", document.getElementById("form"))"""


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def client_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SDC client's page and LHC-Forms, served from their own origin."""
    if not (LFORMS / "webcomponent" / "main.js").exists():
        _missing(f"LHC-Forms not found at {LFORMS} (make install unpacks it)")
    folder = tmp_path_factory.mktemp("lforms-page")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "lforms").symlink_to(LFORMS, target_is_directory=True)
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(client_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Spotcheck on another port, opened by CORS to the client's origin only."""
    folder = tmp_path_factory.mktemp("lforms-app")
    with live_app(folder, {"SPOTCHECK_CORS_ORIGINS": client_origin}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _cases() -> list[Case]:
    out: list[Case] = []
    for path in (CASES / "vignettes.jsonl", SHARED / "vignettes" / "dev.jsonl"):
        if path.exists():
            out += load_cases(ENGINE, path)
    return out


def _one_case_per_level() -> dict[str, Case]:
    by_level: dict[str, Case] = {}
    for case in _cases():
        facts, _ = simulate_interview(ENGINE, case.facts)
        by_level.setdefault(ENGINE.assess(facts).triage, case)
    return by_level


BY_LEVEL = _one_case_per_level()


def _answer_in_form(page: Page, fid: str, value: Any) -> None:
    """Answer one rendered item the way a person would (clicks and typing)."""
    spec = ENGINE.kb.findings[fid]
    radios = page.locator(f'input[type=radio][name^="radiogroup_{fid}/"]')
    if spec.type == "bool":
        if value is not None:  # "don't know": leave it unanswered
            radios.nth(0 if value else 1).click()
    elif spec.type == "enum":
        values = list(spec.values or [])
        # The options in order, then "I don't know".
        radios.nth(values.index(value) if value is not None else len(values)).click()
    elif value is not None:
        integer = number_unit(ENGINE, fid)[2] == "integer"
        text = str(int(value)) if integer else str(float(value))
        page.locator(f'input[type=text][id^="{fid}/"]').first.fill(text)
    page.wait_for_timeout(50)


def _contained(qr: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in qr.get("contained", []) if r["resourceType"] == kind]
    resource: dict[str, Any] = found
    return resource


def run_interview(page: Page, server: str, truth: Facts, lang: str) -> tuple[dict[str, Any], int]:
    """The adaptive loop through the rendered form; returns the completed response."""
    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "language": lang,
        # Unversioned: the server's current version (the server is another process).
        "questionnaire": QUESTIONNAIRE_URL,
    }
    for calls in range(1, 80):
        answer = page.evaluate(POST, [server + NEXT, qr])
        assert answer["status"] == 200, answer["body"]
        qr = answer["body"]
        questionnaire = _contained(qr, "Questionnaire")
        assert page.evaluate(RENDER, questionnaire) == "ok"
        if qr["status"] == "completed":
            return qr, calls
        if calls == 1 and lang != "en":
            first = questionnaire["item"][0]["linkId"]
            question = ENGINE.kb.text(lang).findings[first].question
            assert page.get_by_text(question, exact=True).first.is_visible()
        new = questionnaire["item"][-1]
        leaves = new["item"] if new["type"] == "group" else [new]
        for leaf in leaves:
            _answer_in_form(page, leaf["linkId"], truth.get(leaf["linkId"]))
        filled = page.evaluate(READ)
        qr.setdefault("item", []).extend(
            i for i in filled.get("item", []) if i["linkId"] == new["linkId"]
        )
    raise AssertionError("the interview did not stop")


@pytest.mark.parametrize("level", LEVELS)
def test_lhc_forms_runs_the_interview_and_shows_the_instruction(
    browser: Browser, client_origin: str, server: str, level: str
) -> None:
    if level not in BY_LEVEL:
        pytest.skip(f"no case with level {level}")
    case = BY_LEVEL[level]
    lang = "ru" if level == RUSSIAN else "en"
    facts, _ = simulate_interview(ENGINE, case.facts)
    expected = ENGINE.assess(facts, lang=lang)
    context = browser.new_context(locale="ru-RU" if lang == "ru" else "en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{client_origin}/index.html")
        page.wait_for_function(READY, timeout=30_000)
        qr, calls = run_interview(page, server, case.facts, lang)
        assert qr["status"] == "completed"
        impression = _contained(qr, "ClinicalImpression")
        assert impression["summary"].startswith(expected.triage_label)
        # The outcome is what the form shows first: the level, then the instruction.
        items = page.locator("#form .lhc-item")
        first = items.first.inner_text()
        assert expected.triage_label in first or expected.triage_label in (
            items.nth(1).inner_text()
        ), first
        instruction = page.get_by_text(expected.triage_action, exact=True)
        assert instruction.first.is_visible()
        assert errors == []
        print(f"{case.id} {level} {lang}: {calls} calls, instruction visible")
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{level}.png"
        page.screenshot(path=str(shot), full_page=True)
        (ARTIFACTS / f"{level}.json").write_text(json.dumps(qr if "qr" in locals() else {}))
        print(f"screenshot: {shot}")
        raise
    finally:
        context.close()
