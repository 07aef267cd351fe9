"""The wire contracts in schemas/: load each JSON Schema once and validate against it.

Schemas are versioned in their file names (``article.v1.json``); a change is a new
file, never an edit, so consumers pinned to v1 keep working.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

# A checkout (or editable install) reads the repo's schemas/; a wheel installs a copy
# under <prefix>/share/newsline/schemas (pyproject's data-files).
_CANDIDATES = (
    Path(__file__).resolve().parents[1] / "schemas",
    Path(sys.prefix) / "share" / "newsline" / "schemas",
)
SCHEMAS = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for ``schemas/<name>.json`` (e.g. ``article.v1``)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def problems(name: str, message: Any) -> list[str]:
    """Every way ``message`` breaks the schema, as 'path: reason' lines (empty when valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator(name).iter_errors(message), key=lambda e: list(e.path))
    ]
