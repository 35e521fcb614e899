"""Shared by the tests of honours, certificates and their faults: a decided round with its
candidates, granting them, and reading the text and fonts of a PDF WeasyPrint wrote.

"""

import contextlib
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import zlib

from awards.models import Nomination, Round
from awards.services.honours import honours_grant
from tests.awards.approvals_support import approve_as_decided
from tests.polling import wait_until

DECIDED_ON = datetime.date(2026, 3, 2)
DECISION_NUMBER = "署岸发〔2026〕12号"


def decide(round):
    """Put `round` in the decided phase with its date and document number, its candidates
    approved by the leading group that day, as the phase change does before granting."""
    round.phase = Round.Phase.DECIDED
    round.decided_on = DECIDED_ON
    round.decision_number = DECISION_NUMBER
    round.save(update_fields=["phase", "decided_on", "decision_number"])
    approve_as_decided(round)
    return round


def make_candidates(award_round, world, make_nomination):
    """Nine candidates of every title from Guangdong and Zhejiang, made in an order that is not
    the numbering order, and three nominations that are not candidates."""
    candidate = Nomination.Status.CANDIDATE
    made = [
        make_nomination(award_round, world.nb.units[0], status=candidate),
        make_nomination(award_round, world.sz.people[0], status=candidate),
        make_nomination(award_round, world.zj, status=candidate),
        make_nomination(award_round, world.nb.port, status=candidate),
        make_nomination(award_round, world.sz.port, status=candidate),
        make_nomination(award_round, world.gz.units[1], status=candidate),
        make_nomination(award_round, world.sz.units[0], status=candidate),
        make_nomination(award_round, world.nb.people[1], status=candidate),
        make_nomination(award_round, world.sz.authority, status=candidate),
    ]
    make_nomination(award_round, world.gz.port, status=Nomination.Status.REJECTED)
    make_nomination(award_round, world.gz.units[0], status=Nomination.Status.WITHDRAWN)
    make_nomination(award_round, world.sz.people[1], status=Nomination.Status.NOT_RECOMMENDED)
    return made


def grant(round, actor, capture):
    """Decide `round` and grant its candidates, running what is queued after commit (the
    renders, in-process in tests) unless `capture` is None."""
    decide(round)
    if capture is None:
        return honours_grant(actor=actor, round=round)
    with capture(execute=True):
        return honours_grant(actor=actor, round=round)


# --- reading a PDF --------------------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_LENGTH = re.compile(rb"/Length (\d+)[/>\s]")


def _objects(data):
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}


def _stream(body):
    match = _STREAM.search(body)
    if match is None:
        return b""
    raw = match.group(1)
    # A compressed stream may itself end in b"\r": its declared length, not the line break,
    # says where it ends.
    if length := _LENGTH.search(body[: match.start()]):
        raw = body[match.start(1) : match.start(1) + int(length.group(1))]
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _cmap(text):
    """A ToUnicode CMap's code → text (bfchar and bfrange)."""
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, start in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int.from_bytes(bytes.fromhex(start.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def pdf_fonts(data):
    """{resource name: (base font name, embedded?)} of the PDF's fonts."""
    objects = _objects(data)
    fonts = {}
    for number, body in objects.items():
        base = re.search(rb"/BaseFont\s*/([^\s/>\]]+)", body)
        if base is None or b"/Type /Font" not in body:
            continue
        descriptor = re.search(rb"/FontDescriptor (\d+) 0 R", body)
        descendant = re.search(rb"/DescendantFonts \[\s*(\d+) 0 R", body)
        if descriptor is None and descendant is not None:
            descriptor = re.search(
                rb"/FontDescriptor (\d+) 0 R", objects.get(int(descendant.group(1)), b"")
            )
        embedded = descriptor is not None and bool(
            re.search(rb"/FontFile[23]? \d+ 0 R", objects.get(int(descriptor.group(1)), b""))
        )
        for name in re.findall(rb"/(\w+) %d 0 R" % number, data):
            fonts[name.decode()] = (base.group(1).decode(), embedded)
    return fonts


def pdf_text(data):
    """The text of every page, one line per text-showing operator, decoded through each font's
    ToUnicode map (WeasyPrint writes CJK text as glyph ids)."""
    objects = _objects(data)
    cmaps = {}
    for number, body in objects.items():
        if b"/Type /Font" in body and b"/ToUnicode" in body:
            unicode_ref = int(re.search(rb"/ToUnicode (\d+) 0 R", body).group(1))
            mapping = _cmap(_stream(objects[unicode_ref]))
            for name in re.findall(rb"/(\w+) %d 0 R" % number, data):
                cmaps[name] = mapping
    lines = []
    for body in objects.values():
        content = _stream(body)
        if b"Tf" not in content or (b"TJ" not in content and b"Tj" not in content):
            continue
        font = {}
        for match in re.finditer(
            rb"/(\w+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", content, re.S
        ):
            if match.group(1):
                font = cmaps.get(match.group(1), {})
                continue
            strings = re.findall(
                rb"<([0-9a-fA-F]*)>", match.group(2) or b"<" + match.group(3) + b">"
            )
            text = ""
            for hex_string in strings:
                codes = bytes.fromhex(hex_string.decode())
                text += "".join(
                    font.get(int.from_bytes(codes[i : i + 2], "big"), "")
                    for i in range(0, len(codes), 2)
                )
            lines.append(text)
    return "\n".join(lines)


# --- faults: a Redis of the test's own, the Celery app pointed at it, real PDF workers ------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A `redis-server` on a free loopback port, without persistence, that a test stops and
    starts again on the same port: a broker going down and coming back, for this test only."""

    def __init__(self, directory):
        from tests.conftest import require_service

        self.binary = shutil.which("redis-server")
        if self.binary is None:
            require_service("redis-server is not installed: no broker to stop and start")
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, seconds=20, what=f"redis-server on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
        assert not self.answers()


def _reset_producer_pools(app):
    # The app keeps its connections to the broker in pools, which kombu caches process-wide by
    # connection: closing one and leaving it in kombu's registry would hand the closed pool back
    # to the next user of the same broker (the session's worker fixture). Reset the registry.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url):
    """Send this process's tasks to the broker at `url` instead of running them in-process."""
    from django.conf import settings

    from civport.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER
    _reset_producer_pools(app)
    app.conf.broker_url = url
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield app
    finally:
        _reset_producer_pools(app)
        app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER = saved


class PdfWorker:
    """A real `celery worker` on the pdf queue of the broker at `redis_url`, reading the test
    database and writing its files under `media`. One process (solo pool): SIGKILL stops it
    in the middle of whatever it renders."""

    count = 0

    def __init__(self, redis_url, media, log_dir):
        from django.db import connection

        from tests.worker import database_url

        PdfWorker.count += 1
        self.hostname = f"civport-pdf-{os.getpid()}-{PdfWorker.count}@localhost"
        self.log_path = log_dir / f"worker-{PdfWorker.count}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civport.settings_test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": redis_url,
            "CIVPORT_TEST_WORKER": "1",
            "CIVPORT_TEST_MEDIA_ROOT": str(media),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = None

    def start(self, app):
        from tests.worker import BASE_DIR, _wait_for_ping

        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "civport",
                    "worker",
                    "--pool=solo",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "-Q",
                    "pdf",
                    "-n",
                    self.hostname,
                    "-l",
                    "info",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for_ping(app, self.process, self.log_path, self.hostname)
        return self

    def kill(self):
        """SIGKILL: no clean shutdown, nothing acknowledged or given back to the broker."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self, lines=40):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
