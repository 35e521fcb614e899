import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("audit entries are append-only")

    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One security-relevant event: a write made through a service, a login, a failed login, a
    lockout, an export. Rows are only ever inserted.

    The sealing job (civport.auditchain) later gives each entry its place in the chain
    (`chain_seq`) and its SM3 hash chained to the previous entry's (`chain_hash`). On PostgreSQL
    a trigger (see migrations 0002 and 0006) refuses any UPDATE but setting these two fields
    once, and any DELETE outside `audit_archive`, so the guarantee does not depend on the ORM.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # The (actor, -at) index below serves the foreign key too: one index less per insert.
        db_index=False,
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    # Set once by the sealing job, never by the ORM (see civport.auditchain).
    chain_seq = models.BigIntegerField(_("chain position"), null=True, blank=True)
    chain_hash = models.CharField(_("chain hash"), max_length=64, blank=True, null=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        constraints = [
            # Partial: an insert (not sealed yet) adds nothing to it.
            models.UniqueConstraint(
                fields=["chain_seq"],
                condition=models.Q(chain_seq__isnull=False),
                name="auditentry_chain_seq_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["actor", "-at"], name="auditentry_actor_recent"),
            models.Index(fields=["ip_address", "-at"], name="auditentry_ip_recent"),
            models.Index(fields=["outcome", "-at"], name="auditentry_outcome_recent"),
            # The sealing job's "unsealed, in id order" stays small however long the log grows.
            models.Index(
                fields=["id"],
                condition=models.Q(chain_seq__isnull=True),
                name="auditentry_unsealed",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditArchive(models.Model):
    """A run of sealed audit entries moved out of the database by `audit_archive` into a signed,
    compressed file. The entries left in the database chain on from `last_hash`."""

    file_name = models.CharField(_("file name"), max_length=255, unique=True)
    first_seq = models.BigIntegerField(_("first chain position"))
    last_seq = models.BigIntegerField(_("last chain position"), unique=True)
    previous_hash = models.CharField(_("hash before the first entry"), max_length=64)
    last_hash = models.CharField(_("hash of the last entry"), max_length=64)
    entry_count = models.PositiveIntegerField(_("entries"))
    before = models.DateField(_("entries older than"))
    file_digest = models.CharField(_("file digest (SM3)"), max_length=64)
    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["-last_seq"]

    def __str__(self):
        return self.file_name


class Notification(models.Model):
    """An in-portal notice to one user, e-mailed as well when asked (see civport.notifications).

    At most one notice per user, reason (`key`) and day: the unique constraint makes "never the
    same reminder twice on the same day" a database fact, whatever runs `notify` and how often.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("reason"), max_length=150)
    # The calendar day in Asia/Shanghai the notice belongs to, whatever the server's zone.
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    wants_email = models.BooleanField(_("send by e-mail"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "day"], name="notification_once_per_reason_and_day"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_user_unread",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class StoredFile(models.Model):
    """A file checked by civport.uploads: stored under a random name, served after an access
    check only, offered for download under its original name.

    Each concrete model redeclares `file` with its own `upload_to` folder.
    """

    file = models.FileField(_("file"), upload_to="files/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class PasswordRecord(models.Model):
    """A password a user has set (its hash only): the password rules refuse the last few again
    and ask for a new one once the latest is too old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="password_records",
    )
    password = models.CharField(_("password hash"), max_length=128)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("password record")
        verbose_name_plural = _("password records")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"])]

    def __str__(self):
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"


class LoginEvent(models.Model):
    """The login log: every login, failed attempt and lockout, with the client's address. A
    successful login is also the record of its session until it ends (logout, idle timeout, or
    ended by its owner from another session)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("logged in")
        FAILURE = "failure", _("failed")
        LOCKED_OUT = "locked_out", _("locked out")

    class End(models.TextChoices):
        LOGOUT = "logout", _("logged out")
        IDLE = "idle", _("idle timeout")
        ENDED = "ended", _("ended by the user")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_events",
    )
    username = models.CharField(_("user name"), max_length=150, db_index=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    session_key = models.CharField(_("session"), max_length=40, blank=True, db_index=True)
    last_seen_at = models.DateTimeField(_("last active"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end = models.CharField(_("how it ended"), max_length=10, choices=End.choices, blank=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "outcome", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.outcome}"


class Job(models.Model):
    """Long work a user started (a large import, a big export) and follows on its page: run by
    the `civport.job_run` task, which records how far it is and, when done, the file it made or
    its summary. Only the user who started it sees it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    params = models.JSONField(default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    errors = models.JSONField(default=list, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    back_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["owner", "kind", "-created_at"])]

    def __str__(self):
        return self.label

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
