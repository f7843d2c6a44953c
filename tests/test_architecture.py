"""The core never imports an adapter or a UI library (arrows point inward)."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCKED = [
    "typer",
    "rich",
    "click",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "jinja2",
    "fhir",
    "spotcheck.cli",
    "spotcheck.evaluation",
    "spotcheck.web",
    "spotcheck.fhir",
    "spotcheck.nlu",
]


@pytest.mark.parametrize("module", ["spotcheck", "spotcheck.engine", "spotcheck.kb"])
def test_core_imports_without_adapters(module: str) -> None:
    code = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in {BLOCKED!r}):
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
import {module}
from spotcheck import Engine
e = Engine.default()
e.assess({{"sex": "female", "age": 30}})
e.next_question({{"sex": "female", "age": 30}})
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
