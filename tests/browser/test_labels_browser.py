"""Labels in English start with a capital wherever they are model labels or choices written in
lower case ("nominee", "title", the badge "awarded"); the stylesheet does it, so the catalogue
keeps one msgid for a field's label and its use in a sentence."""

import pytest

pytestmark = [pytest.mark.browser]

SNIPPET = """<!DOCTYPE html><html lang="en"><head>
<link rel="stylesheet" href="{url}/static/civport/civport.css"></head><body>
<table><thead><tr><th id="th">nominee</th></tr></thead></table>
<dl><dt id="dt">title</dt><dd>全国共建文明口岸先进单位</dd></dl>
<span id="badge" class="badge">awarded</span>
<label id="check" class="form-check-label">veto</label>
</body></html>"""


def first_letter_transform(page, selector):
    return page.evaluate(
        "s => getComputedStyle(document.querySelector(s), '::first-letter').textTransform",
        selector,
    )


def test_headers_terms_and_badges_start_with_a_capital(page, live_server):
    page.goto(f"{live_server.url}/static/civport/civport.css")
    page.set_content(SNIPPET.format(url=live_server.url))
    page.wait_for_load_state("load")
    for selector in ("#th", "#dt", "#badge", "#check"):
        assert first_letter_transform(page, selector) == "uppercase", selector
