"""Accounts managed down the hierarchy (分级管理): each account's profile and its one-time links.

The roles themselves are `Membership` rows (campaigns.models.organisation); the account-manager
duty is `Membership.manages_accounts`. A profile holds what the portal needs about an account
beyond Django's user: the work phone, whether the password must be changed at the next login,
when it last changed, who disabled the account, and which authority administers it (so that an
account whose roles were all revoked still has its managers).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AccountProfile", "AccountToken"]


class AccountProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_profile",
    )
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    managed_by = models.ForeignKey(
        "campaigns.Authority",
        verbose_name=_("administered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_accounts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disabled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("account profile")
        verbose_name_plural = _("account profiles")

    def __str__(self):
        return str(self.user)


class AccountToken(models.Model):
    """A one-time link to set a password: activation of a new account, or a reset by a manager.

    Only the SHA-256 of the token is stored; the token itself is shown or sent once."""

    class Purpose(models.TextChoices):
        ACTIVATION = "activation", _("activation")
        RESET = "reset", _("password reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_tokens",
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account link")
        verbose_name_plural = _("account links")
        indexes = [
            models.Index(
                fields=["user"], condition=Q(used_at__isnull=True), name="account_token_open"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_purpose_display()}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
