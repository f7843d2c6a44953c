from __future__ import annotations

from pathlib import Path

import pytest

from spotcheck import Engine

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
# The steering folder beside a checkout; tests that need it skip without it.
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()
