import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Filing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("implementation_opinion", "implementation opinion"),
                            ("assessment_standard", "assessment standard"),
                            ("evaluation_method", "evaluation method"),
                        ],
                        max_length=30,
                        verbose_name="document",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "draft"),
                            ("submitted", "submitted"),
                            ("acknowledged", "acknowledged"),
                            ("returned", "returned"),
                            ("resubmitted", "resubmitted"),
                        ],
                        default="draft",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                (
                    "version_count",
                    models.PositiveSmallIntegerField(default=0, verbose_name="versions submitted"),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted at"),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="filings",
                        to="campaigns.authority",
                        verbose_name="provincial authority",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            options={
                "verbose_name": "filing",
                "verbose_name_plural": "filings",
                "ordering": ["authority__path", "kind"],
            },
        ),
        migrations.CreateModel(
            name="FilingAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to="filings/%Y/%m/", verbose_name="file")),
                ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                ("content_type", models.CharField(max_length=100, verbose_name="file type")),
                ("size", models.PositiveIntegerField(verbose_name="size")),
                (
                    "uploaded_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
                ),
                (
                    "removed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="removed at"),
                ),
                (
                    "filing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="campaigns.filing",
                        verbose_name="filing",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "filing attachment",
                "verbose_name_plural": "filing attachments",
                "ordering": ["uploaded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="FilingVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="version")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("text", models.TextField(verbose_name="text")),
                ("submitted_at", models.DateTimeField(verbose_name="submitted at")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "awaiting answer"),
                            ("acknowledged", "acknowledged"),
                            ("returned", "returned"),
                        ],
                        default="pending",
                        max_length=12,
                        verbose_name="answer",
                    ),
                ),
                ("comments", models.TextField(blank=True, verbose_name="comments")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="answered by",
                    ),
                ),
                (
                    "attachments",
                    models.ManyToManyField(
                        blank=True,
                        related_name="versions",
                        to="campaigns.filingattachment",
                        verbose_name="attachments",
                    ),
                ),
                (
                    "filing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="campaigns.filing",
                        verbose_name="filing",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "filing version",
                "verbose_name_plural": "filing versions",
                "ordering": ["filing", "number"],
            },
        ),
        migrations.CreateModel(
            name="Consultation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100, verbose_name="title applied for")),
                (
                    "awarding_body",
                    models.CharField(blank=True, max_length=100, verbose_name="awarding body"),
                ),
                ("reasons", models.TextField(verbose_name="reasons")),
                ("due_on", models.DateField(verbose_name="answer due on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "awaiting answer"),
                            ("agreed", "agreed"),
                            ("disagreed", "disagreed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("asked_at", models.DateTimeField(auto_now_add=True, verbose_name="asked at")),
                ("remarks", models.TextField(blank=True, verbose_name="remarks")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                (
                    "reference_year",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="reference year"
                    ),
                ),
                (
                    "reference_number",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="reference number"
                    ),
                ),
                (
                    "reference",
                    models.CharField(blank=True, max_length=80, verbose_name="reference"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="answered by",
                    ),
                ),
                (
                    "asked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="asked by",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultations",
                        to="campaigns.authority",
                        verbose_name="answering authority",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultations",
                        to="campaigns.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "consultation",
                "verbose_name_plural": "consultations",
                "ordering": ["-asked_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "due_on"], name="consultation_status_due")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("unit", "title"),
                        name="consultation_one_open_per_title",
                        violation_error_message="This unit already has an unanswered consultation for this title.",
                    ),
                    models.UniqueConstraint(
                        fields=("authority", "reference_year", "reference_number"),
                        name="consultation_reference_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("answered_at__isnull", True),
                                ("reference_number__isnull", True),
                                ("status", "pending"),
                            ),
                            models.Q(
                                models.Q(("status", "pending"), _negated=True),
                                ("answered_at__isnull", False),
                                ("reference_number__isnull", False),
                                ("reference_year__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="consultation_answer_complete",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "disagreed"), _negated=True),
                            models.Q(("remarks", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="consultation_disagreement_has_remarks",
                        violation_error_message="A disagreement needs remarks.",
                    ),
                ],
            },
        ),
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(fields=["status", "submitted_at"], name="filing_status_submitted"),
        ),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.UniqueConstraint(
                fields=("authority", "kind"), name="filing_once_per_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status", "draft"), ("submitted_at__isnull", True), ("version_count", 0)
                    ),
                    models.Q(
                        models.Q(("status", "draft"), _negated=True),
                        ("version_count__gt", 0),
                        ("submitted_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="filing_submitted_has_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="filingversion",
            constraint=models.UniqueConstraint(
                fields=("filing", "number"), name="filing_version_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="filingversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("answered_at__isnull", True), ("outcome", "pending")),
                    models.Q(
                        models.Q(("outcome", "pending"), _negated=True),
                        ("answered_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="filing_version_answered_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="filingversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("outcome", "returned"), _negated=True),
                    models.Q(("comments", ""), _negated=True),
                    _connector="OR",
                ),
                name="filing_version_return_has_comments",
                violation_error_message="A returned filing needs comments.",
            ),
        ),
    ]
