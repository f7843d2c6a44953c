"""Issue 13: after "Forget my answers", the browser's Back shows nothing of the session.

Every response says ``Cache-Control: no-store``, so Chromium cannot show the
result page from its cache (or its back/forward cache): going back asks the
server again, which answers 404.  With and without JavaScript.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from spotcheck import Engine

from ..test_browser import CHROMIUM, CHROMIUM_ARGS
from .conftest import answers_for, load_vignettes
from .test_workers import Server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("forget")
    running = Server(f"sqlite:///{folder / 'sessions.sqlite3'}", folder)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


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


def finished_session(server: Server, engine: Engine) -> tuple[str, dict[str, Any]]:
    case = load_vignettes()[0]["facts"]
    answers: dict[str, Any] = {}
    while (step := engine.next_step(answers)) is not None:
        answers.update(answers_for(step.findings, case))
    created = httpx.post(f"{server.url}/api/v1/sessions", json={"answers": answers}, timeout=30)
    assert created.status_code == 201
    assert created.json()["done"]
    return created.json()["id"], created.json()["result"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_after_forget_shows_nothing(
    server: Server, browser: Browser, engine: Engine, javascript: bool, tmp_path: Path
) -> None:
    session_id, result = finished_session(server, engine)
    context = browser.new_context(base_url=server.url, java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        shown = page.goto(f"/s/{session_id}/result")
        assert shown is not None
        assert shown.status == 200
        assert shown.headers.get("cache-control") == "no-store"
        level = page.locator("[data-level]").first.get_attribute("data-level")
        assert level == result["triage"]
        with page.expect_navigation():
            page.get_by_test_id("forget").click(force=True)
        assert page.get_by_test_id("forgotten").count() == 1
        page.go_back()
        page.wait_for_load_state()
        html = page.content()
        assert page.locator("[data-level]").count() == 0, "the deleted result is shown again"
        assert session_id not in html.replace(f"/s/{session_id}/result", "")
        assert page.get_by_test_id("forget").count() == 0
    finally:
        context.close()
