"""The demo's evidence files pass the portal's upload check by their content."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civport.uploads import PDF, PNG, upload_check
from seeding.files import (
    PHOTO_BACKGROUND,
    PHOTO_SIZE,
    document_upload,
    pdf_bytes,
    photo_upload,
    png_bytes,
)


def test_a_photo_passes_the_upload_check_as_a_png():
    checked = upload_check(photo_upload("活动现场照片.png", 7))

    assert (checked.extension, checked.content_type) == (PNG.extension, PNG.content_type)
    assert checked.original_name == "活动现场照片.png"


def test_a_document_passes_the_upload_check_as_a_pdf():
    checked = upload_check(document_upload("签到表.pdf", "Civport demo: sign-in sheet"))

    assert (checked.extension, checked.content_type) == (PDF.extension, PDF.content_type)


@pytest.mark.parametrize("make", [lambda: png_bytes(3), lambda: pdf_bytes("Civport (demo)")])
def test_the_type_comes_from_the_content_not_the_name(make):
    data = make()
    checked = upload_check(SimpleUploadedFile("evidence.txt", data, content_type="text/plain"))

    assert checked.extension == ("png" if data.startswith(b"\x89PNG") else "pdf")


def test_a_photo_is_a_labelled_band_in_a_colour_drawn_from_its_seed():
    image = Image.open(io.BytesIO(png_bytes(11)))
    width, height = PHOTO_SIZE

    assert image.size == PHOTO_SIZE
    band = image.getpixel((width - 1, height // 2))
    assert band != PHOTO_BACKGROUND
    # The label is drawn on the background at the top left.
    top_left = image.crop((0, 0, width, height // 3)).getcolors(maxcolors=width * height)
    assert len(top_left) > 1
    assert png_bytes(11) == png_bytes(11)
    assert Image.open(io.BytesIO(png_bytes(12))).getpixel((width - 1, height // 2)) != band


def test_a_document_is_a_one_page_pdf_1_4_titled_with_its_text():
    data = pdf_bytes("Civport demo: <filing> & more")

    assert data.startswith(b"%PDF-1.4")
    assert re.findall(rb"/Count (\d+)", data) == [b"1"]
    # The title is escaped for the HTML and comes out as the text, not as markup.
    assert b"/Title (Civport demo: <filing> & more)" in data
