"""What every all-or-nothing spreadsheet import shares: a row's outcome and the run's result
(what the preview and the confirmation show), header matching with one message for every bad
column, and the uploaded file kept between the preview and its confirmation.

The engines themselves stay with their data: `campaigns.imports` (the hierarchy),
`campaigns.account_imports` (accounts), `awards.resources` (quotas) and
`assessments.spreadsheets` (schemes).
"""

import datetime
import os
import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from civport.spreadsheets import SpreadsheetError

# The error of a file as a whole (unreadable, too large, a bad header row).
ImportFileError = SpreadsheetError
UPLOAD_DIR = "imports"


@dataclass
class RowOutcome:
    number: int
    code: str = ""
    name: str = ""
    # "create", "update", "unchanged", "error", or "valid" (no error in a file that has some)
    action: str = ""
    messages: list = field(default_factory=list)


@dataclass
class ImportResult:
    kind: str
    file_errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self):
        return [row for row in self.rows if row.action == "error"]

    @property
    def ok(self):
        return not self.file_errors and not self.errors

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self):
        return {action: self.count(action) for action in ("create", "update", "unchanged", "error")}

    def summary(self):
        return self.counts | {"file_errors": len(self.file_errors), "applied": self.applied}

    def finished_message(self):
        counts = self.counts
        return _(
            "Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
        ) % {
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
        }


# --- headers ------------------------------------------------------------------------------


def header_key(text):
    return " ".join(str(text).split()).casefold()


def match_headers(headers, names, required):
    """{column index: field name} for a file's `headers`, given `names` ({header key: field
    name}, keys made with `header_key`) and `required` ({field name: its column's label});
    raises ImportFileError naming every unknown, repeated or missing column."""
    mapping, problems, seen = {}, [], {}
    for index, header in enumerate(headers):
        if header == "":
            continue
        name = names.get(header_key(header))
        if name is None:
            problems.append(_("Unknown column “%(header)s”.") % {"header": header})
        elif name in seen:
            problems.append(
                _("The columns “%(first)s” and “%(second)s” are the same column.")
                % {"first": seen[name], "second": header}
            )
        else:
            mapping[index] = name
            seen[name] = header
    for name, label in required.items():
        if name not in seen:
            problems.append(_("The required column “%(header)s” is missing.") % {"header": label})
    if problems:
        raise ImportFileError(" ".join(problems))
    return mapping


# --- stored uploads -----------------------------------------------------------------------


STALE_UPLOAD_SECONDS = 24 * 3600


def purge_stale_uploads():
    """Delete previewed files nobody confirmed (their tokens expired long ago)."""
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=STALE_UPLOAD_SECONDS)
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue  # removed meanwhile by a confirmation


def store_upload(data, filename):
    """Keep an uploaded file under MEDIA_ROOT/imports/ with a random name; return that name."""
    purge_stale_uploads()
    ext = os.path.splitext(filename or "")[1].lower()
    ext = ext if ext in (".xlsx", ".xlsm", ".csv", ".txt") else ".bin"
    name = f"{UPLOAD_DIR}/{secrets.token_urlsafe(24)}{ext}"
    return default_storage.save(name, ContentFile(data))


def load_stored(name):
    if not name.startswith(f"{UPLOAD_DIR}/") or ".." in name:
        raise FileNotFoundError(name)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def delete_stored(name):
    if name.startswith(f"{UPLOAD_DIR}/") and ".." not in name:
        default_storage.delete(name)
