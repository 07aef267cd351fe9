"""The wire contracts in schemas/: load each JSON Schema once and validate against it.

Schemas are versioned in their file names (``article.v1.json``); a change is a new
file, never an edit, so consumers pinned to v1 keep working.

Every article and every event message is checked, so the check is on the worker's
hot path: the jsonschema library took 0.27 ms per event message, 8% of the worker's
time. A validator compiled to Python code by fastjsonschema answers "valid?" about
12x faster; jsonschema is asked only about a message that fails, for its readable
list of problems. Our schemas use only keywords both read the same way (draft 7's,
plus const), and formats are not asserted by either (jsonschema's default), which
tests/unit/test_contracts.py checks on random messages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator

# A checkout (or editable install) reads the repo's schemas/; a wheel installs a copy
# under <prefix>/share/newsline/schemas (pyproject's data-files).
_CANDIDATES = (
    Path(__file__).resolve().parents[1] / "schemas",
    Path(sys.prefix) / "share" / "newsline" / "schemas",
)
SCHEMAS = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])


@cache
def schema(name: str) -> dict[str, Any]:
    """``schemas/<name>.json`` (e.g. ``article.v1``), checked to be a valid schema."""
    loaded = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(loaded)
    return loaded


@cache
def validator(name: str) -> Draft202012Validator:
    """The jsonschema validator for a schema: slow, but it explains what is wrong."""
    return Draft202012Validator(schema(name))


@cache
def _compiled(name: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(schema(name), use_formats=False)


def conforms(name: str, message: Any) -> bool:
    """Whether ``message`` is valid against the schema (the fast check)."""
    try:
        _compiled(name)(message)
    except Exception:  # JsonSchemaException, or anything odd: jsonschema then decides
        return False
    return True


def problems(name: str, message: Any) -> list[str]:
    """Every way ``message`` breaks the schema, as 'path: reason' lines (empty when valid)."""
    if conforms(name, message):
        return []
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator(name).iter_errors(message), key=lambda e: list(e.path))
    ]
