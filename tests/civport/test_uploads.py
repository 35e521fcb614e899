"""Uploads are checked by their content, limited in size, stored under random names and served
as attachments that a browser will not sniff."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from civport.uploads import attachment_response, clean_original_name, detect_type, upload_check

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256))
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def office_zip(main_part, main_type, extra=()):
    buffer = io.BytesIO()
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/content-types"><Override PartName="/{main_part}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main_type}"/></Types>'
    )
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(main_part, "<document/>")
        for name in extra:
            archive.writestr(name, b"\x00")
    return buffer.getvalue()


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "自评"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "extension", "content_type"),
    [
        ("scan.pdf", PDF, "pdf", "application/pdf"),
        ("photo.jpeg", JPEG, "jpg", "image/jpeg"),
        ("chart.png", PNG, "png", "image/png"),
        (
            "report.docx",
            office_zip("word/document.xml", "wordprocessingml.document.main+xml"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "slides.pptx",
            office_zip("ppt/presentation.xml", "presentationml.presentation.main+xml"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "table.xlsx",
            xlsx_bytes(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "notes.txt",
            "自评说明：全年召开联席会议4次。\n".encode(),
            "txt",
            "text/plain; charset=utf-8",
        ),
    ],
)
def test_accepted_types_are_detected_by_content(name, data, extension, content_type):
    checked = upload_check(upload(name, data, content_type="application/octet-stream"))
    assert (checked.extension, checked.content_type) == (extension, content_type)
    assert checked.original_name == name
    assert checked.size == len(data)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield


def test_a_png_named_pdf_is_a_png():
    checked = upload_check(upload("会议纪要.pdf", PNG, content_type="application/pdf"))
    assert (checked.extension, checked.content_type) == ("png", "image/png")
    assert checked.stored_name.endswith(".png")
    assert checked.original_name == "会议纪要.pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", HTML),
        ("report.pdf", b"  \n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("report.pdf", EXE),
        ("setup.exe", EXE),
        ("report.pdf", "自评".encode("gb18030") + b"\x81\x30"),
        ("archive.docx", office_zip("payload.bin", "nothing")),
        (
            "macro.docx",
            office_zip(
                "word/document.xml",
                "wordprocessingml.document.main+xml",
                extra=["word/vbaProject.bin"],
            ),
        ),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("null.txt", b"text with a \x00 null"),
    ],
)
def test_refused_types_name_the_file(name, data):
    with pytest.raises(ValidationError) as error:
        upload_check(upload(name, data))
    assert error.value.code == "file_type"
    assert f"“{name}” is not an accepted file type" in error.value.messages[0]


def test_an_oversize_file_is_refused_with_its_size(settings):
    settings.CIVPORT_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        upload_check(upload("big.pdf", PDF + b"0" * 1024))
    assert error.value.code == "too_large"
    assert error.value.messages[0] == "“big.pdf” is 1.0\xa0KB; a file may be at most 1.0\xa0KB."
    assert upload_check(upload("small.pdf", PDF)).size == len(PDF)


def test_the_limit_can_be_given_by_the_caller():
    with pytest.raises(ValidationError):
        upload_check(upload("scan.pdf", PDF), max_bytes=10)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        upload_check(upload("empty.pdf", b""))
    assert error.value.messages == ["“empty.pdf” is empty."]


def test_stored_names_are_random_and_say_nothing():
    first = upload_check(upload("../../etc/passwd.pdf", PDF))
    second = upload_check(upload("../../etc/passwd.pdf", PDF))
    assert first.stored_name != second.stored_name
    for checked in (first, second):
        stem, extension = checked.stored_name.split(".")
        assert extension == "pdf" and len(stem) == 32 and int(stem, 16) >= 0
    assert first.original_name == "passwd.pdf"


def test_original_names_lose_folders_and_control_characters():
    assert clean_original_name("C:\\Users\\王\\自评\r\n报告.pdf") == "自评报告.pdf"
    assert clean_original_name("") == "file"
    long = "长" * 300 + ".docx"
    cleaned = clean_original_name(long)
    assert len(cleaned) == 255 and cleaned.endswith(".docx")


def test_detection_leaves_the_file_at_its_start():
    file = upload("x.docx", office_zip("word/document.xml", "wordprocessingml.document.main+xml"))
    detect_type(file)
    assert file.tell() == 0


def test_attachment_response_names_the_file_and_forbids_sniffing():
    name = default_storage.save("tests/uploads/abc.png", ContentFile(PNG))
    try:
        stored = default_storage.open(name)
        response = attachment_response(
            stored, original_name="自评 图片.png", content_type="image/png"
        )
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''%E8%87%AA%E8%AF%84%20%E5%9B%BE%E7%89%87.png"
        )
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == PNG
        response.file_to_stream.close()  # not response.close(): that signals the request end
    finally:
        default_storage.delete(name)


def test_attachment_response_quotes_an_ascii_name():
    name = default_storage.save("tests/uploads/report.pdf", ContentFile(PDF))
    try:
        response = attachment_response(
            default_storage.open(name), original_name='re"port.pdf', content_type="application/pdf"
        )
        assert response["Content-Disposition"] == 'attachment; filename="re\\"port.pdf"'
        response.file_to_stream.close()  # not response.close(): that signals the request end
    finally:
        default_storage.delete(name)


def test_a_file_missing_from_storage_is_a_404():
    from assessments.models import Evidence

    evidence = Evidence(file="evidence/2026/01/missing.pdf")
    with pytest.raises(Http404):
        attachment_response(evidence.file, original_name="x.pdf", content_type="application/pdf")
