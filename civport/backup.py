"""Backup and restore of the portal's data (等保 2.0: 应提供重要数据的本地数据备份与恢复功能):
the database and the uploaded files (MEDIA_ROOT) in one dated tar archive.

Archive `civport-backup-YYYYMMDD-HHMMSS.tar` (local time), its members:

    backup.json          what was backed up: database vendor and name, server version, when
    database.pgdump      PostgreSQL: pg_dump's custom format (no owner, no privileges), or
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    media/<path>         every regular file under MEDIA_ROOT
    MANIFEST.sha256      the SHA-256 of every other member, in `sha256sum` format

and beside it `<archive>.sha256`, the archive's own checksum (`sha256sum -c` reads it).

A restore verifies the archive's checksum (when the file is beside it) and every member against
the manifest before writing anything, then fills an EMPTY database and an EMPTY media folder: it
never merges into or overwrites live data. pg_dump and pg_restore are taken from
/usr/lib/postgresql/<server's major version>/bin when there, otherwise from PATH, and must be at
least the server's version.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils import timezone

ARCHIVE_PREFIX = "civport-backup-"
MANIFEST = "MANIFEST.sha256"
INFO = "backup.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"
CHUNK = 1024 * 1024
PG_BIN = "/usr/lib/postgresql/{major}/bin"
FORMAT_VERSION = 1


class BackupError(Exception):
    """Why a backup or a restore could not be made; the message is for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    checksum_path: Path
    sha256: str
    size: int
    database_size: int
    media_files: int


@dataclass(frozen=True)
class RestoreResult:
    database: str
    media_root: Path
    media_files: int


# --- the database -------------------------------------------------------------------------


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def libpq_params(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """Connection parameters of a Django PostgreSQL database, as libpq names them."""
    params: dict[str, Any] = {"dbname": settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        params["password"] = settings_dict["PASSWORD"]
    return params


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the password travels in PGPASSWORD, never on
    a command line other users can read."""
    params = libpq_params(settings_dict)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({names[k]: v for k, v in params.items() if k in names})
    environment["PGDATABASE"] = params["dbname"]
    return environment


def _pg_connect(settings_dict: dict[str, Any]):
    import psycopg2

    try:
        return psycopg2.connect(**libpq_params(settings_dict))
    except psycopg2.Error as error:
        raise BackupError(
            f"Cannot connect to the PostgreSQL database {settings_dict['NAME']!r}: "
            f"{str(error).strip()}"
        ) from None


def _pg_server_version(settings_dict: dict[str, Any]) -> int:
    connection = _pg_connect(settings_dict)
    try:
        return int(connection.server_version)
    finally:
        connection.close()


def pg_tool(name: str, server_version: int) -> str:
    """pg_dump or pg_restore for a server of `server_version` (e.g. 150020): the one of the same
    major version installed beside the server when there is one, else the one on PATH if it is
    as new as the server (an older pg_dump refuses a newer server, or worse, misses objects)."""
    major = server_version // 10000
    beside = Path(PG_BIN.format(major=major)) / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL {major} client (postgresql-client-{major})."
        )
    output = subprocess.run(  # noqa: S603 - a PostgreSQL client found on PATH, fixed arguments
        [found, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None or int(match.group(1)) < major:
        raise BackupError(
            f"{found} is older than the PostgreSQL {major} server ({output.strip()}): install "
            f"postgresql-client-{major}."
        )
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    # pg_dump or pg_restore, arguments built here from the database settings.
    result = subprocess.run(  # noqa: S603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed ({result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


def _database_dump(settings_dict: dict[str, Any], target: Path) -> dict[str, Any]:
    vendor = vendor_of(settings_dict)
    if vendor == "postgresql":
        version = _pg_server_version(settings_dict)
        _run(
            [
                pg_tool("pg_dump", version),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ],
            _pg_environment(settings_dict),
        )
        return {"vendor": vendor, "name": settings_dict["NAME"], "server_version": version}
    source_path = Path(settings_dict["NAME"])
    if str(settings_dict["NAME"]) == ":memory:" or not source_path.is_file():
        raise BackupError(f"The SQLite database {settings_dict['NAME']} is not a file.")
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return {"vendor": vendor, "name": source_path.name, "server_version": sqlite3.sqlite_version}


def _database_tables(settings_dict: dict[str, Any]) -> int:
    """How many tables, views and sequences the database holds (0: empty)."""
    if vendor_of(settings_dict) == "postgresql":
        connection = _pg_connect(settings_dict)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND n.nspname NOT LIKE 'pg\\_toast%%'"
                )
                return int(cursor.fetchone()[0])
        finally:
            connection.close()
    path = Path(settings_dict["NAME"])
    if not path.exists() or path.stat().st_size == 0:
        return 0
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        connection.close()


def _database_load(settings_dict: dict[str, Any], vendor: str, source: Path) -> None:
    if vendor == "postgresql":
        version = _pg_server_version(settings_dict)
        _run(
            [
                pg_tool("pg_restore", version),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(source),
            ],
            _pg_environment(settings_dict),
        )
        return
    original = sqlite3.connect(source)
    target = sqlite3.connect(settings_dict["NAME"])
    try:
        with target:
            original.backup(target)
    finally:
        target.close()
        original.close()


# --- files and checksums -----------------------------------------------------------------


class _HashingReader:
    """A file object that hashes what tarfile reads through it."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        return data


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """(path, archive name) of every regular file under MEDIA_ROOT, in a stable order; links
    are not followed (nothing outside the folder gets into a backup)."""
    if not media_root.is_dir():
        return
    for directory, folders, files in os.walk(media_root):
        folders.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                relative = path.relative_to(media_root).as_posix()
                yield path, f"{MEDIA}/{relative}"


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return reader.hash.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def archive_name(now: datetime.datetime) -> str:
    return f"{ARCHIVE_PREFIX}{timezone.localtime(now):%Y%m%d-%H%M%S}.tar"


# --- backup --------------------------------------------------------------------------------


def backup_create(
    *,
    database: dict[str, Any],
    media_root: Path,
    output_dir: Path,
    now: datetime.datetime | None = None,
) -> BackupResult:
    """Write the database and the uploaded files into one archive in `output_dir`, with its
    manifest, and its checksum file beside it. The archive appears under its final name only
    once complete (written under a temporary name, then renamed)."""
    now = now or timezone.now()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root)
    name = archive_name(now)
    final = output_dir / name
    if final.exists():
        raise BackupError(f"{final} exists already.")
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".civport-backup-") as work:
        vendor = vendor_of(database)
        dump = Path(work) / (PG_DUMP if vendor == "postgresql" else SQLITE_COPY)
        details = _database_dump(database, dump)
        partial = Path(work) / name
        sums: list[tuple[str, str]] = []
        media_files = 0
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            info = {
                "format": FORMAT_VERSION,
                "created_at": now.isoformat(),
                "database": details,
                "media_root": str(media_root),
            }
            data = json.dumps(info, indent=2, ensure_ascii=False).encode()
            sums.append((_add_bytes(tar, INFO, data, now.timestamp()), INFO))
            sums.append((_add_file(tar, dump, dump.name), dump.name))
            for path, member in _media_files(media_root):
                sums.append((_add_file(tar, path, member), member))
                media_files += 1
            manifest = "".join(f"{digest}  {member}\n" for digest, member in sums)
            _add_bytes(tar, MANIFEST, manifest.encode(), now.timestamp())
        digest = _sha256_file(partial)
        database_size = dump.stat().st_size
        os.replace(partial, final)
    checksum = final.with_name(f"{name}.sha256")
    checksum.write_text(f"{digest}  {name}\n", encoding="utf-8")
    return BackupResult(
        path=final,
        checksum_path=checksum,
        sha256=digest,
        size=final.stat().st_size,
        database_size=database_size,
        media_files=media_files,
    )


# --- verify and restore ------------------------------------------------------------------


def _safe_member(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unexpected member: {member.name!r}.")


def _parse_manifest(text: str) -> dict[str, str]:
    sums = {}
    for line in text.splitlines():
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if match is None:
            raise BackupError(f"The manifest has an unreadable line: {line!r}.")
        sums[match.group(2)] = match.group(1)
    return sums


def backup_verify(archive: Path) -> dict[str, Any]:
    """Check the archive against its checksum file (when beside it) and every member against the
    manifest; returns the backup's backup.json. Raises BackupError on the first difference."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    checksum = archive.with_name(f"{archive.name}.sha256")
    if checksum.is_file():
        expected = checksum.read_text(encoding="utf-8").split()[0]
        if _sha256_file(archive) != expected:
            raise BackupError(f"{archive} does not match its checksum in {checksum.name}.")
    if not tarfile.is_tarfile(archive):
        raise BackupError(f"{archive} is not a backup archive (not a tar file).")
    with tarfile.open(archive, "r") as tar:
        members = tar.getmembers()
        for member in members:
            _safe_member(member)
        names = [m.name for m in members]
        if len(set(names)) != len(names):
            raise BackupError("The archive holds a member twice.")
        if MANIFEST not in names or INFO not in names:
            raise BackupError(f"{archive} has no {MANIFEST} or {INFO}: not a civport backup.")
        sums = _parse_manifest(_read_member(tar, MANIFEST).decode("utf-8"))
        listed = set(names) - {MANIFEST}
        if set(sums) != listed:
            missing = sorted(set(sums) - listed)
            extra = sorted(listed - set(sums))
            raise BackupError(
                f"The archive does not match its manifest (missing: {missing}, not listed: "
                f"{extra})."
            )
        for member in members:
            if member.name == MANIFEST:
                continue
            digest = hashlib.sha256()
            handle = tar.extractfile(member)
            assert handle is not None
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != sums[member.name]:
                raise BackupError(
                    f"{member.name} does not match the manifest: the archive is damaged."
                )
        info: dict[str, Any] = json.loads(_read_member(tar, INFO))
    if info.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {info.get('format')!r}.")
    return info


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(name)
    assert handle is not None
    return handle.read()


def backup_restore(*, archive: Path, database: dict[str, Any], media_root: Path) -> RestoreResult:
    """Verify the archive, then load it into an empty database and an empty media folder.

    Refuses (BackupError, nothing written) a damaged archive, a database of another vendor than
    the backup's, a database that holds any table, and a media folder that holds anything."""
    archive = Path(archive)
    media_root = Path(media_root)
    info = backup_verify(archive)
    vendor = info["database"]["vendor"]
    if vendor != vendor_of(database):
        raise BackupError(
            f"The backup is of a {vendor} database; the target is {vendor_of(database)}."
        )
    tables = _database_tables(database)
    if tables:
        raise BackupError(
            f"The database {database['NAME']} is not empty ({tables} tables, views or sequences): "
            "restore only into a new, empty database (createdb), never over live data."
        )
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        raise BackupError(
            f"The media folder {media_root} is not empty: restore only into a new, empty folder."
        )
    media_files = 0
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory() as work:
        dump_name = PG_DUMP if vendor == "postgresql" else SQLITE_COPY
        dump = Path(work) / dump_name
        with dump.open("wb") as out:
            handle = tar.extractfile(dump_name)
            assert handle is not None
            shutil.copyfileobj(handle, out, CHUNK)
        _database_load(database, vendor, dump)
        media_root.mkdir(parents=True, exist_ok=True)
        for member in tar.getmembers():
            if not member.name.startswith(f"{MEDIA}/"):
                continue
            target = media_root.joinpath(*PurePosixPath(member.name).parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = tar.extractfile(member)
            assert handle is not None
            with target.open("xb") as out:
                shutil.copyfileobj(handle, out, CHUNK)
            os.utime(target, (member.mtime, member.mtime))
            media_files += 1
    return RestoreResult(
        database=str(database["NAME"]), media_root=media_root, media_files=media_files
    )
