"""Text typed by people, kept as plain text."""

import html

import nh3


def plain_text(value: str | None) -> str:
    """`value` with every HTML tag removed (script and style with their content), entities
    decoded, line breaks normalised. Repeated until stable, so that escaped markup typed as
    text (`&lt;script&gt;`) cannot come back as markup once decoded."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    for _round in range(5):
        cleaned = html.unescape(nh3.clean(value, tags=set(), attributes={}))
        if cleaned == value:
            break
        value = cleaned
    return value.replace("\x00", "").strip()
