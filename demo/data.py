"""The demo's data files (``demo/data/*.toml``) read into the rows the loaders write.

The files hold what a person would edit to change the story (libraries, people, the call's
words, the nominations); the loaders in this package hold the rules that turn them into rows.
"""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def read(name: str) -> dict[str, Any]:
    """One data file, parsed once per process."""
    with (DATA / f"{name}.toml").open("rb") as data:
        return tomllib.load(data)
