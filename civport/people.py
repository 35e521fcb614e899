"""How a person is named on screen: by their name (姓名), their user name only when they have
none."""

from __future__ import annotations

import unicodedata
from typing import Any


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def display_name(user: Any) -> str:
    """The user's name as shown in menus, lists and opinions. A Chinese name is family name then
    given name with no space (王建国); a name in Latin letters is `first last`. Accounts whose
    name is kept whole in `first_name` (as the account form stores it) show it unchanged."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first and last:
        name = f"{last}{first}" if _is_cjk(first + last) else f"{first} {last}"
    else:
        name = first or last
    return name or user.get_username()
