"""Every PDF the portal renders reads only the portal's static files and data: URLs."""

import base64
import io
import logging
import socket
import threading

import pytest
from PIL import Image

from awards.documents import pdf_from_html
from civport.pdf import pdf_render, static_file_for


@pytest.fixture
def listener():
    """A real socket on the loopback that records whether anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    contacted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _address = server.accept()
            except OSError:
                continue
            contacted.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], contacted
    stop.set()
    thread.join(timeout=2)
    server.close()


@pytest.fixture
def static_png(tmp_path, settings):
    """A PNG among the portal's static files, found by the staticfiles finders."""
    static_dir = tmp_path / "static"
    (static_dir / "civport").mkdir(parents=True)
    Image.new("RGB", (40, 40), (200, 30, 30)).save(static_dir / "civport" / "seal-test.png")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]
    return f"{settings.STATIC_URL}civport/seal-test.png"


@pytest.mark.parametrize("render", [pdf_render, pdf_from_html], ids=["shared", "awards"])
def test_render_reads_neither_a_local_file_nor_a_local_service(render, listener, caplog):
    port, contacted = listener
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">'
        "</head><body><p>text</p>"
        '<img src="file:///etc/passwd">'
        f'<img src="http://127.0.0.1:{port}/pixel.png">'
        "</body></html>"
    )

    with caplog.at_level(logging.WARNING, logger="civport.pdf"):
        pdf = render(html)

    assert pdf.startswith(b"%PDF-1.4")
    assert contacted == []
    refused = [r.getMessage() for r in caplog.records if r.name == "civport.pdf"]
    assert refused == [
        f"PDF resource refused: http://127.0.0.1:{port}/evil.css",
        "PDF resource refused: file:///etc/passwd",
        f"PDF resource refused: http://127.0.0.1:{port}/pixel.png",
    ]
    assert b"root:" not in pdf


def test_a_static_image_and_a_data_url_still_embed(static_png, caplog):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, format="PNG")
    data_png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    without = pdf_render("<p>text</p>")

    with caplog.at_level(logging.WARNING):
        pdf = pdf_render(f'<p>text</p><img src="{static_png}"><img src="{data_png}">')

    # WeasyPrint warns "Failed to load image" for a resource it could not fetch.
    failures = [r.getMessage() for r in caplog.records if "load" in r.getMessage()]
    assert failures == []
    assert [r for r in caplog.records if r.name == "civport.pdf"] == []
    assert pdf.count(b"/Subtype /Image") == 2
    assert without.count(b"/Subtype /Image") == 0


@pytest.mark.parametrize(
    "url",
    [
        "/static/../civport/settings.py",
        "/static/%2e%2e/civport/settings.py",
        "/static/civport/%2e%2e/%2e%2e/civport/settings.py",
        "/static//etc/passwd",
        "/static/",
        "/media/x.png",
        "file:///etc/passwd",
        "http://127.0.0.1:1/static/civport/civport.css",
    ],
)
def test_static_urls_that_leave_the_static_files_are_refused(url, settings):
    if url.startswith("/"):
        url = settings.CIVPORT_PUBLIC_URL + url

    assert static_file_for(url) is None


def test_the_portal_static_file_is_found(settings):
    found = static_file_for(f"{settings.CIVPORT_PUBLIC_URL}/static/civport/civport.css")

    assert found is not None
    assert found.endswith("static/civport/civport.css")
