"""Personal information shown masked (GB/T 35273, 个人信息安全规范; GB/T 22239-2019 level 3,
个人信息保护): a telephone number as `138****1234`, an e-mail address as `z***@example.cn`.

Who sees the whole value is the caller's rule (for a person: their own unit and the officers of
its authority); everyone else sees the masked one, and a page that reveals it on request records
the viewing in the audit log.
"""

MASK = "****"


def mask_phone(value: str | None) -> str:
    """`13812341234` → `138****1234`; a short number keeps only its last two digits."""
    text = (value or "").strip()
    if not text:
        return ""
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    keep = set(digits[:3]) | set(digits[-4:]) if len(digits) >= 8 else set(digits[-2:])
    masked, hidden = [], False
    for i, char in enumerate(text):
        if char.isdigit() and i not in keep:
            if not hidden:
                masked.append(MASK)
                hidden = True
            continue
        hidden = False
        masked.append(char)
    return "".join(masked)


def mask_email(value: str | None) -> str:
    """`zhang.san@example.cn` → `z***@example.cn`."""
    text = (value or "").strip()
    if not text:
        return ""
    local, at, domain = text.partition("@")
    if not at:
        return text[:1] + "***"
    return f"{local[:1]}***@{domain}"
