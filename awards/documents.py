"""The round's documents as PDF: one certificate (荣誉证书) per honour and the commendation
decision (表彰决定), built as HTML from templates and rendered by WeasyPrint with the Noto CJK
fonts (Debian `fonts-noto-cjk`), which the PDF embeds as subsets.

Both are official documents of the national office and exist in Chinese only, whatever the
language of whoever triggers them: their wording and the legal names of the titles are part of
the document's format (like `Round.years_label`), written in the templates and in
`OFFICIAL_TITLE_NAMES` rather than taken from the interface's catalogue, and they are rendered
under `translation.override("zh-hans")` so that dates and numbers follow the Chinese format.

The certificate carries a QR code pointing to its public verification page under
`CIVPORT_PUBLIC_URL`, drawn here as an SVG data URI: the document loads nothing from outside.
Nothing in this module writes to the database; `awards.services.honours` claims, renders and
stores.
"""

import base64
from itertools import groupby

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import TITLE_LETTERS, Title
from civport.pdf import pdf_render
from civport.people import display_name

DOCUMENT_LANGUAGE = "zh-hans"

# The titles as the founding document names them (section 四(十一)); printed on certificates.
OFFICIAL_TITLE_NAMES = {
    Title.CIVILIZED_PORT: "全国文明口岸",
    Title.ADVANCED_UNIT: "全国共建文明口岸先进单位",
    Title.ADVANCED_INDIVIDUAL: "全国共建文明口岸先进个人",
    Title.ADVANCED_ORGANIZER: "全国共建文明口岸活动先进组织者",
}
# A province's own titles (省级评比表彰).
PROVINCIAL_TITLE_NAMES = {
    Title.CIVILIZED_PORT: "省级文明口岸",
    Title.ADVANCED_UNIT: "省级共建文明口岸先进单位",
    Title.ADVANCED_INDIVIDUAL: "省级共建文明口岸先进个人",
}


def official_title_name(round, title):
    """The title's legal name in `round`: a province's own round confers provincial titles."""
    if round.is_provincial:
        return PROVINCIAL_TITLE_NAMES[title]
    return OFFICIAL_TITLE_NAMES[title]


def campaign_scope(round):
    """全国, or the province's name in its own round (…年度广东省共建文明口岸活动)."""
    if round.is_provincial:
        return round.authority.name
    return "全国"


# How the decision counts the recipients of each title: "授予12个口岸…".
TITLE_COUNTERS = {
    Title.CIVILIZED_PORT: "个口岸",
    Title.ADVANCED_UNIT: "个单位",
    Title.ADVANCED_INDIVIDUAL: "名同志",
    Title.ADVANCED_ORGANIZER: "个口岸管理机构",
}
TITLE_ORDER = {title: n for n, title in enumerate(TITLE_LETTERS)}


def certificate_file_name(honour):
    """Where a certificate is stored: the same name on every render, so a render again
    overwrites it and a batch never leaves two files for one honour."""
    return f"certificates/{honour.round.code}/{honour.number}.pdf"


def decision_file_name(round):
    return f"decisions/{round.code}.pdf"


def verification_url(honour):
    """The absolute address of the honour's public verification page."""
    return settings.CIVPORT_PUBLIC_URL + reverse("awards:verify", args=[honour.code])


def qr_data_uri(text):
    """A QR code of `text` as an SVG data URI (vector, sharp at any print size)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    # Level M survives a scuffed or folded print; a border of 2 modules is enough on white.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=SvgPathImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _issued_on(round, fallback):
    return round.decided_on or timezone.localdate(fallback or timezone.now())


def certificate_html(honour):
    """The certificate's HTML; `honour.round` is read (select it with the honour)."""
    round = honour.round
    context = {
        "honour": honour,
        "round": round,
        "title_name": official_title_name(round, honour.title),
        "campaign_scope": campaign_scope(round),
        "is_person": honour.title == Title.ADVANCED_INDIVIDUAL,
        "issued_on": _issued_on(round, honour.created_at),
        "verification_url": verification_url(honour),
        "qr": qr_data_uri(verification_url(honour)),
    }
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("awards/documents/certificate.html", context)


def _province_name(province):
    return province.short_name or province.name


def decision_context(round, honours, approval=None):
    """What the decision shows: `honours` in title, province, number order (each with its
    province selected), grouped into one attachment per title that has any; `approval`, the
    leading group's resolution approving the candidates (its meeting and group selected), is
    cited."""
    honours = sorted(
        honours, key=lambda h: (TITLE_ORDER[Title(h.title)], h.province.path, h.number)
    )
    attachments = []
    for title, of_title in groupby(honours, key=lambda h: h.title):
        of_title = list(of_title)
        provinces = [
            {"name": _province_name(province_honours[0].province), "honours": province_honours}
            for province_honours in (
                list(group) for _key, group in groupby(of_title, key=lambda h: h.province_id)
            )
        ]
        attachments.append(
            {
                "number": len(attachments) + 1,
                "title_name": official_title_name(round, title),
                "count": len(of_title),
                "counter": TITLE_COUNTERS[title],
                "is_person": title == Title.ADVANCED_INDIVIDUAL,
                "provinces": provinces,
            }
        )
    return {
        "round": round,
        "attachments": attachments,
        "issued_on": _issued_on(round, None),
        "total": len(honours),
        "approval": approval,
        "campaign_scope": campaign_scope(round),
    }


def decision_html(round, honours, approval=None):
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "awards/documents/decision.html", decision_context(round, honours, approval)
        )


def pdf_from_html(html):
    """PDF bytes of a document's HTML, through the portal's one renderer (static files only)."""
    return pdf_render(html)


# The levels whose opinion a nomination's form collects, and how the form names each.
OPINION_BOXES = (
    ("port", "口岸所在地政府口岸管理机构"),
    ("province", "省级口岸管理机构"),
    ("national", "国家口岸管理办公室"),
)


def approval_form_html(nomination, opinions):
    """The nomination's recommendation and approval form (推荐审批表); `opinions` as
    `nomination_opinions` reads them, and `nomination.round`, `.authority` and `.province`
    selected. A province's own round stops at the province, which decides it."""
    round = nomination.round
    levels = OPINION_BOXES[:2] if round.is_provincial else OPINION_BOXES
    boxes = []
    for level, label in levels:
        given = [o for o in opinions if o.level == level]
        last = given[-1] if given else None
        boxes.append(
            {
                "label": label,
                "opinions": given,
                "author": display_name(last.author) if last else "",
                "date": timezone.localtime(last.created_at).date() if last else None,
            }
        )
    context = {
        "nomination": nomination,
        "title_name": official_title_name(round, nomination.title),
        "heading": f"{round.years_label}{campaign_scope(round)}共建文明口岸活动推荐审批表",
        "boxes": boxes,
    }
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("awards/documents/approval_form.html", context)


def approval_form_pdf(nomination, opinions):
    return pdf_from_html(approval_form_html(nomination, opinions))


def certificate_pdf(honour):
    return pdf_from_html(certificate_html(honour))


def decision_pdf(round, honours, approval=None):
    return pdf_from_html(decision_html(round, honours, approval))
