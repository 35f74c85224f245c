"""The people a feed names: the name in a person as feeds write one.

A person is written as text ("jo@example.org (Jo)", "Jo <jo@example.org>", "Jo") or by
parts (Atom's ``<name>`` and ``<email>``, JSON Feed's ``name`` and ``url``). Only a name
names someone: an address alone, or a link alone, names no one.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"[^\s()<>@]+@[^\s()<>@]+")
# nothing but an address: "ed@example.org", "mailto:ed@example.org", "<ed@example.org>"
_ONLY_ADDRESS = re.compile(r"[<(]?\s*[^\s()<>@]+@[^\s()<>@]+\s*[>)]?")


def person_name(text: str) -> str:
    """The name in a person written as text: "jo@example.org (Jo)", "Jo <jo@example.org>",
    "Jo"; empty for an address alone."""
    name = _ADDRESS.sub("", text).replace("()", "").replace("<>", "").strip()
    if name[:1] == "(" and name[-1:] == ")":
        name = name[1:-1].strip()
    return name


def is_address(value: str) -> bool:
    """True for a value that is nothing but an e-mail address (``mailto:`` or not)."""
    return _ONLY_ADDRESS.fullmatch(value.strip()) is not None
