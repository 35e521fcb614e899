"""`manage.py backup` and `restore`: one dated archive with a checksum manifest, restored only
into an empty database and an empty media folder, after verification.

The round trip of the demo data runs on PostgreSQL (pg_dump, pg_restore); the archive's checks
run on a small SQLite file of their own."""

import hashlib
import io
import re
import sqlite3
import tarfile

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civport.backup import (
    MANIFEST,
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    libpq_params,
)
from tests.civport.databases import database_create, database_drop
from tests.conftest import require_postgresql


def _file_hashes(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _row_counts(settings_dict):
    """{table: rows} of every table of the public schema."""
    database = psycopg2.connect(**libpq_params(settings_dict))
    try:
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        database.close()


# --- the round trip of the demo data (PostgreSQL) ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_demo_data_round_trips_through_backup_and_restore(tmp_path, settings):
    require_postgresql("pg_dump and pg_restore")
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    call_command("seed_demo", stdout=io.StringIO())
    source_files = _file_hashes(media)
    assert source_files, "the demo has evidence files"

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)

    [archive] = (tmp_path / "backups").glob("civport-backup-*.tar")
    assert re.fullmatch(r"civport-backup-\d{8}-\d{6}\.tar", archive.name)
    checksum = archive.with_name(f"{archive.name}.sha256")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert checksum.read_text() == f"{digest}  {archive.name}\n"
    [line] = out.getvalue().splitlines()
    assert line.startswith(f"Backup written: {archive}")
    assert f"{len(source_files)} uploaded files" in line

    source = connection.settings_dict
    target = database_create(source, f"{source['NAME']}_restored")
    try:
        restored_media = tmp_path / "restored-media"
        result = backup_restore(archive=archive, database=target, media_root=restored_media)

        assert result.media_files == len(source_files)
        counts = _row_counts(source)
        assert counts["auth_user"] > 0 and counts["campaigns_port"] > 0
        assert _row_counts(target) == counts
        assert _file_hashes(restored_media) == source_files

        # Filled now: a second restore into it is refused, and writes nothing.
        with pytest.raises(BackupError, match="is not empty"):
            backup_restore(archive=archive, database=target, media_root=tmp_path / "other")
        assert not (tmp_path / "other").exists()
    finally:
        database_drop(source, target["NAME"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_the_live_database(tmp_path, settings, django_user_model):
    require_postgresql("pg_dump and pg_restore")
    settings.MEDIA_ROOT = tmp_path / "media"
    django_user_model.objects.create_user(username="zhang.wei")
    call_command("backup", "--output", str(tmp_path), stdout=io.StringIO())
    [archive] = tmp_path.glob("civport-backup-*.tar")

    with pytest.raises(CommandError, match=r"not empty .* restore only into a new, empty database"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert django_user_model.objects.count() == 1


# --- the archive's checks (a SQLite file of their own) -----------------------------------


@pytest.fixture
def sqlite_site(tmp_path):
    """A small SQLite database and media folder, as a Django settings dict and a path."""
    path = tmp_path / "site.sqlite3"
    database = sqlite3.connect(path)
    with database:
        database.execute("CREATE TABLE port (id INTEGER PRIMARY KEY, name TEXT)")
        database.executemany("INSERT INTO port (name) VALUES (?)", [("罗湖口岸",), ("宁波港",)])
    database.close()
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "photo.png").write_bytes(b"\x89PNG fake")
    (media / "top.pdf").write_bytes(b"%PDF-1.7 fake")
    settings_dict = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    return settings_dict, media


def test_a_sqlite_site_round_trips(sqlite_site, tmp_path):
    database, media = sqlite_site
    made = backup_create(database=database, media_root=media, output_dir=tmp_path / "out")
    assert made.media_files == 2

    with tarfile.open(made.path) as tar:
        names = tar.getnames()
        manifest = tar.extractfile(MANIFEST).read().decode()
    assert names[-1] == MANIFEST
    assert sorted(line.split("  ")[1] for line in manifest.splitlines()) == sorted(
        ["backup.json", "database.sqlite3", "media/evidence/2026/photo.png", "media/top.pdf"]
    )

    target = {**database, "NAME": str(tmp_path / "restored.sqlite3")}
    backup_restore(archive=made.path, database=target, media_root=tmp_path / "restored")
    rows = sqlite3.connect(target["NAME"]).execute("SELECT name FROM port ORDER BY id").fetchall()
    assert rows == [("罗湖口岸",), ("宁波港",)]
    assert _file_hashes(tmp_path / "restored") == _file_hashes(media)


def _tamper(archive, member, data):
    """Rewrite the archive with `member`'s content replaced (the manifest left as it was)."""
    copy = archive.with_name("tampered.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for info in source.getmembers():
            content = source.extractfile(info).read()
            if info.name == member:
                content = data
            info.size = len(content)
            target.addfile(info, io.BytesIO(content))
    return copy


def test_a_damaged_member_is_refused_before_anything_is_written(sqlite_site, tmp_path):
    database, media = sqlite_site
    made = backup_create(database=database, media_root=media, output_dir=tmp_path / "out")
    tampered = _tamper(made.path, "media/top.pdf", b"%PDF-1.7 changed")
    target = {**database, "NAME": str(tmp_path / "restored.sqlite3")}

    with pytest.raises(BackupError, match=r"media/top\.pdf does not match the manifest"):
        backup_restore(archive=tampered, database=target, media_root=tmp_path / "restored")
    assert not (tmp_path / "restored.sqlite3").exists()
    assert not (tmp_path / "restored").exists()


def test_an_archive_that_differs_from_its_checksum_file_is_refused(sqlite_site, tmp_path):
    database, media = sqlite_site
    made = backup_create(database=database, media_root=media, output_dir=tmp_path / "out")
    with made.path.open("ab") as archive:
        archive.write(b"\0" * 512)
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_verify(made.path)


def test_restore_refuses_a_database_or_a_media_folder_that_is_not_empty(sqlite_site, tmp_path):
    database, media = sqlite_site
    made = backup_create(database=database, media_root=media, output_dir=tmp_path / "out")

    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(archive=made.path, database=database, media_root=tmp_path / "new")
    target = {**database, "NAME": str(tmp_path / "restored.sqlite3")}
    with pytest.raises(BackupError, match=f"media folder {media} is not empty"):
        backup_restore(archive=made.path, database=target, media_root=media)
    assert not (tmp_path / "restored.sqlite3").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("hello")
    with pytest.raises(BackupError, match="not a backup archive"):
        backup_verify(not_a_backup)


def test_a_database_in_memory_is_explained_not_backed_up(db, tmp_path):
    in_memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    with pytest.raises(BackupError, match="is not a file"):
        backup_create(database=in_memory, media_root=tmp_path / "media", output_dir=tmp_path)
    assert not list(tmp_path.glob("civport-backup-*"))
    if connection.vendor == "sqlite":
        # The embedded test database is such a database: the command says so.
        with pytest.raises(CommandError, match="is not a file"):
            call_command("backup", "--output", str(tmp_path), stdout=io.StringIO())
