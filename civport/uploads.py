"""Uploaded files for every app: checked by content, stored under random names, served as
attachments after an access check (DESIGN §10).

The type of a file is read from its first bytes, never from its name or from the content type the
browser sent: a PNG named `report.pdf` is a PNG; an HTML page or a program named `report.pdf` is
refused. Only the types below are accepted. A file is stored as `<uuid4 hex>.<extension of the
detected type>`, so its name says nothing and cannot collide or climb out of the upload folder;
the original name is kept in the database for the download's Content-Disposition.

`upload_check` reads at most the file's head, the zip central directory of an Office document, or
(for plain text) the file itself, which the size limit bounds. `attachment_response` must only be
called after the caller's access check has passed.
"""

import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from civport.audit import audit_record

if TYPE_CHECKING:
    from civport.models import StoredFile

_F = TypeVar("_F", bound="StoredFile")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ORIGINAL_NAME_MAX = 255
# The Office checks read at most this much of [Content_Types].xml (it is a few kilobytes).
CONTENT_TYPES_READ_MAX = 256 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
JPEG = FileType("jpg", "image/jpeg")
PNG = FileType("png", "image/png")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
TEXT = FileType("txt", "text/plain; charset=utf-8")

# The part each Office Open XML document type must have, with the main content type
# [Content_Types].xml declares for it (a macro-enabled variant declares another one).
OFFICE_PARTS = (
    ("word/document.xml", "wordprocessingml.document.main+xml", DOCX),
    ("xl/workbook.xml", "spreadsheetml.sheet.main+xml", XLSX),
    ("ppt/presentation.xml", "presentationml.presentation.main+xml", PPTX),
)
# Text that starts like markup is refused: a browser ignoring nosniff could render it.
MARKUP_STARTS = ("<", "\ufeff<")
TEXT_CONTROL_ALLOWED = {"\t", "\n", "\r", "\f"}


def upload_max_bytes():
    return getattr(settings, "CIVPORT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _read_head(fileobj, n):
    fileobj.seek(0)
    head = fileobj.read(n)
    fileobj.seek(0)
    return head


def _office_type(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            # Macros live in a vbaProject.bin part; a document carrying one is refused.
            if "[Content_Types].xml" not in names or any(
                name.endswith("vbaProject.bin") for name in names
            ):
                return None
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(CONTENT_TYPES_READ_MAX).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        fileobj.seek(0)
    for main_part, main_type, file_type in OFFICE_PARTS:
        if main_part in names and main_type in declared:
            return file_type
    return None


def _text_type(fileobj):
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith(MARKUP_STARTS):
        return None
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in TEXT_CONTROL_ALLOWED:
            return None
    return TEXT


def detect_type(fileobj):
    """The accepted type of the file's content, or None. The file position is left at 0."""
    head = _read_head(fileobj, 8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(fileobj)
    if not head:
        return None
    return _text_type(fileobj)


def clean_original_name(name):
    """The name to show and to offer on download: no folders, no control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > ORIGINAL_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 10:
            name = stem[: ORIGINAL_NAME_MAX - len(extension) - 1] + "." + extension
        else:
            name = name[:ORIGINAL_NAME_MAX]
    return name or "file"


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: what it is, and the random name to store it under."""

    original_name: str
    stored_name: str
    extension: str
    content_type: str
    size: int


def upload_check(upload, *, max_bytes=None):
    """Check an uploaded file; a ValidationError naming the file when it is refused."""
    name = clean_original_name(getattr(upload, "name", ""))
    limit = upload_max_bytes() if max_bytes is None else max_bytes
    size = upload.size
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    file_type = detect_type(upload)
    if file_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted file type. Upload a PDF, a JPEG or PNG image, "
                "a Word, Excel or PowerPoint document (DOCX, XLSX, PPTX) or plain UTF-8 text."
            )
            % {"name": name},
            code="file_type",
        )
    return CheckedUpload(
        original_name=name,
        stored_name=f"{uuid.uuid4().hex}.{file_type.extension}",
        extension=file_type.extension,
        content_type=file_type.content_type,
        size=size,
    )


def stored_file_row(
    model: type[_F], upload: Any, checked: CheckedUpload, *, actor: Any, **fields: Any
) -> _F:
    """An unsaved row of a `civport.models.StoredFile` model whose file is already written under
    the checked upload's random name. The caller saves the row, and deletes the file again if
    that fails (`stored_file_add` does both)."""
    row = model(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
        **fields,
    )
    upload.seek(0)
    row.file.save(checked.stored_name, upload, save=False)
    return row


def stored_file_add(
    model: type[_F],
    upload: Any,
    *,
    field: str,
    actor: Any,
    action: str,
    obj: Any = None,
    changes: dict[str, Any] | None = None,
    pk_key: str | None = None,
    **fields: Any,
) -> _F:
    """Check `upload` by content, store it and insert its row, with an audit entry.

    A refused file is a ValidationError on the form field `field`. The entry is recorded on
    `obj` (the row itself when None) with `changes`, the row's pk under `pk_key` when given,
    and the file's name, type and size. Should the insert or the entry fail, the file written
    before the row is deleted again: without its row nobody could reach it.
    """
    try:
        checked = upload_check(upload)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    row = stored_file_row(model, upload, checked, actor=actor, **fields)
    stored, storage = row.file.name, row.file.storage
    try:
        row.save()
        audit_record(
            actor=actor,
            action=action,
            obj=row if obj is None else obj,
            changes={
                **({pk_key: row.pk} if pk_key else {}),
                **(changes or {}),
                "name": checked.original_name,
                "type": checked.content_type,
                "size": checked.size,
            },
        )
    except BaseException:
        storage.delete(stored)
        raise
    return row


def attachment_response(field_file, *, original_name, content_type):
    """Serve a stored file as a download. Call only after the access check: this one checks
    nothing. A file missing from storage is a 404."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=clean_original_name(original_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(row: "StoredFile") -> FileResponse:
    """Serve a StoredFile row's file under its original name (after the caller's access
    check)."""
    return attachment_response(
        row.file, original_name=row.original_name, content_type=row.content_type
    )
