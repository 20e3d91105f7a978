"""Reading the YAML data files shipped with crossfoot (lexicons, patterns, codes, rule tables).

One loader for all of them: libyaml's C parser when PyYAML was built with it (the wheels are),
which reads ``metrics.yaml`` about ten times faster than the pure-Python parser.  Every worker
process parses these files once, so this is start-up time paid per process.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import functools

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with the safe loader (never constructs arbitrary objects)."""
    return yaml.load(text, Loader=_Loader)


def load_yaml(path: Path | str) -> Any:
    return load_yaml_text(Path(path).read_text(encoding="utf-8"))


def package_yaml(package: str, name: str) -> Any:
    """A YAML file shipped inside a package, e.g. ``package_yaml("rules", "data/codes.yaml")``."""
    return load_yaml_text(resources.files(package).joinpath(name).read_text("utf-8"))


@functools.cache
def code_names() -> dict[str, tuple[str, ...]]:
    """'func:<code>' / 'econ:<code>' → the official name and its aliases, from the metric lexicon."""
    out: dict[str, list[str]] = {}
    for m in package_yaml("extraction", "data/metrics.yaml") or []:
        mid = str(m.get("id", ""))
        if mid.startswith(("func:", "econ:")):
            out.setdefault(mid, []).extend([m["zh"], *(m.get("aliases") or [])])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}
