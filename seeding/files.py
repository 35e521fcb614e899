"""The demo's evidence files: small labelled images and one-page PDFs, made with the libraries the
portal already uses (Pillow; WeasyPrint through `civport.pdf.pdf_render`), so that they pass
`civport.uploads.upload_check` by their content like a user's files.

The labels are ASCII: the demo must not depend on which fonts the machine has (a server without
CJK fonts would print boxes and log a warning for every Chinese character)."""

import io
import random
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from civport.pdf import pdf_render

PHOTO_SIZE = (160, 100)
PHOTO_BACKGROUND = (244, 244, 240)
PHOTO_LABEL = "Civport demo photo"
PDF_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4; margin: 25mm }} body {{ font: 14pt sans-serif }}</style></head>
<body><p>{title}</p></body></html>"""


def png_bytes(seed, label=PHOTO_LABEL):
    """A small PNG standing in for a photo: a band in a colour drawn from `seed` across a light
    background, with a label."""
    rng = random.Random(seed)
    band = (rng.randrange(40, 200), rng.randrange(60, 200), rng.randrange(80, 220))
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, PHOTO_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height // 3, width - 1, 2 * height // 3 - 1), fill=band)
    draw.text((8, 8), label, fill=(40, 40, 40), font=ImageFont.load_default(size=12))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@cache
def pdf_bytes(title):
    """A one-page PDF with one line of text. The demo uploads a few titles many times: each is
    rendered once per process."""
    return pdf_render(PDF_HTML.format(title=escape(title)))


def photo_upload(name, seed):
    """An uploaded photo (`png_bytes`) under the name a user would have given it."""
    return SimpleUploadedFile(name, png_bytes(seed), content_type="image/png")


def document_upload(name, title):
    """An uploaded PDF (`pdf_bytes`) under the name a user would have given it."""
    return SimpleUploadedFile(name, pdf_bytes(title), content_type="application/pdf")
