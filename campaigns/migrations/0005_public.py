import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_work"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Survey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=150, verbose_name="title")),
                ("introduction", models.TextField(blank=True, verbose_name="introduction")),
                ("period_start", models.DateField(verbose_name="answers from")),
                ("period_end", models.DateField(verbose_name="answers until")),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("open_link", "open link (repeat answers allowed)"),
                            ("invitation", "single-use invitations (one answer per code)"),
                        ],
                        max_length=12,
                        verbose_name="answer mode",
                    ),
                ),
                (
                    "public_code",
                    models.CharField(
                        editable=False, max_length=32, unique=True, verbose_name="link code"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "draft"), ("open", "open"), ("closed", "closed")],
                        default="draft",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "agencies",
                    models.ManyToManyField(
                        related_name="surveys", to="campaigns.agency", verbose_name="agencies rated"
                    ),
                ),
                (
                    "port",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="surveys",
                        to="campaigns.port",
                        verbose_name="port",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey",
                "verbose_name_plural": "surveys",
                "ordering": ["-period_start", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SurveyDimension",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(verbose_name="order")),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dimensions",
                        to="campaigns.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "dimension",
                "verbose_name_plural": "dimensions",
                "ordering": ["survey", "order"],
            },
        ),
        migrations.CreateModel(
            name="SurveyGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(verbose_name="order")),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="groups",
                        to="campaigns.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "respondent group",
                "verbose_name_plural": "respondent groups",
                "ordering": ["survey", "order"],
            },
        ),
        migrations.CreateModel(
            name="SurveyInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="used at")),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="campaigns.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey invitation",
                "verbose_name_plural": "survey invitations",
                "ordering": ["survey", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SurveyResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "submitted_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="submitted at"),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="campaigns.surveygroup",
                        verbose_name="respondent group",
                    ),
                ),
                (
                    "invitation",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="response",
                        to="campaigns.surveyinvitation",
                        verbose_name="invitation",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="campaigns.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey answer",
                "verbose_name_plural": "survey answers",
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SurveyRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.PositiveSmallIntegerField(verbose_name="score")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="campaigns.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "dimension",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="campaigns.surveydimension",
                        verbose_name="dimension",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="campaigns.surveyresponse",
                        verbose_name="survey answer",
                    ),
                ),
            ],
            options={
                "verbose_name": "rating",
                "verbose_name_plural": "ratings",
            },
        ),
        migrations.CreateModel(
            name="Feedback",
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
                        choices=[("suggestion", "suggestion"), ("complaint", "complaint")],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("text", models.TextField(verbose_name="text")),
                ("name", models.CharField(blank=True, max_length=50, verbose_name="name")),
                ("contact", models.CharField(blank=True, max_length=100, verbose_name="contact")),
                (
                    "tracking_hash",
                    models.CharField(max_length=64, unique=True, verbose_name="tracking code hash"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "received"),
                            ("in_progress", "in progress"),
                            ("answered", "answered"),
                            ("closed", "closed"),
                        ],
                        default="received",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("answer", models.TextField(blank=True, verbose_name="answer")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                ("close_reason", models.TextField(blank=True, verbose_name="reason for closing")),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="submitted at"),
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
                    "port",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback_items",
                        to="campaigns.port",
                        verbose_name="port",
                    ),
                ),
            ],
            options={
                "verbose_name": "feedback item",
                "verbose_name_plural": "feedback items",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["port", "-created_at"], name="feedback_port_created"),
                    models.Index(
                        fields=["port", "status", "-created_at"], name="feedback_port_status"
                    ),
                    models.Index(fields=["-created_at"], name="feedback_created"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "answered"), _negated=True),
                            models.Q(("answer", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="feedback_answered_has_answer",
                        violation_error_message="An answered item needs its answer.",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(fields=["port", "-period_start"], name="survey_port_period"),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))),
                name="survey_period_ordered",
                violation_error_message="The period must not end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveydimension",
            constraint=models.UniqueConstraint(
                fields=("survey", "name"), name="survey_dimension_name_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveydimension",
            constraint=models.UniqueConstraint(
                fields=("survey", "order"), name="survey_dimension_order_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveygroup",
            constraint=models.UniqueConstraint(
                fields=("survey", "name"), name="survey_group_name_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveygroup",
            constraint=models.UniqueConstraint(
                fields=("survey", "order"), name="survey_group_order_once"
            ),
        ),
        migrations.AddIndex(
            model_name="surveyresponse",
            index=models.Index(fields=["survey", "group"], name="survey_response_group"),
        ),
        migrations.AddConstraint(
            model_name="surveyrating",
            constraint=models.UniqueConstraint(
                fields=("response", "agency", "dimension"), name="survey_rating_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyrating",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                name="survey_rating_on_scale",
                violation_error_message="A score runs from 1 to 5.",
            ),
        ),
    ]
