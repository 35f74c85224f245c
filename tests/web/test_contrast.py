"""Every text colour of the reader's style sheet is readable on its backgrounds, in light and
dark: 4.5:1 (WCAG 2.2 AA for text), worked out from the CSS itself."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

CSS = (files("progleton.web") / "static" / "style.css").read_text(encoding="utf-8")
BACKGROUNDS = ("bg", "card", "mark")


def _palette(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", block))


LIGHT = _palette(CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))])
DARK = {**LIGHT, **_palette(CSS[CSS.index(':root[data-theme="dark"]'):])}


def _luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    hex_ = "".join(c * 2 for c in hex_) if len(hex_) == 3 else hex_
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(hex_[i:i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _text_colours() -> set[str]:
    """Each ``color:`` of the style sheet: a variable's name or a literal colour."""
    found = re.findall(r"(?<![-\w])color:\s*(var\(--[a-z-]+\)|#[0-9a-fA-F]{3,6})", CSS)
    return {c[6:-1] if c.startswith("var(") else c for c in found} - {"accent-fg"}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("colour", sorted(_text_colours()))
def test_text_colours_are_readable_on_every_background(theme: str, colour: str) -> None:
    palette = LIGHT if theme == "light" else DARK
    value = palette.get(colour, colour)
    for background in BACKGROUNDS:
        assert contrast(value, palette[background]) >= 4.5, f"{colour} ({value}) on {background} in {theme}"


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_button_text_is_readable_on_the_accent(palette: dict[str, str]) -> None:
    assert contrast(palette["accent-fg"], palette["accent"]) >= 4.5
