"""Forms of account management: they check the input's shape and resolve the place code within
the manager's scope; the services check the duty again."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from campaigns.access.accounts import can_grant_role
from campaigns.models import Authority, Membership, Unit
from civport.forms import style_widgets


class AccountFieldsForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=150)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("work phone"), max_length=40, required=False)


class RoleForm(forms.Form):
    """A role and where it applies: an authority's code, or a unit's code for a unit contact."""

    role = forms.ChoiceField(label=_("role"))
    code = forms.CharField(
        label=_("unit or authority code"),
        max_length=40,
        help_text=_(
            "The code of the authority (for an officer or a reviewer) or of the unit (for a unit "
            "contact), as shown on its page."
        ),
    )

    def __init__(self, *args, scope, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        labels = dict(Membership.Role.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
        self.authority = self.unit = None
        style_widgets(self)

    def clean(self):
        data = super().clean()
        role, code = data.get("role"), (data.get("code") or "").strip()
        if not role or not code:
            return data
        if role == Membership.Role.UNIT_CONTACT:
            self.unit = Unit.objects.select_related("authority").filter(code=code).first()
        else:
            self.authority = Authority.objects.filter(code=code).first()
        if not can_grant_role(self.scope, role=role, authority=self.authority, unit=self.unit):
            # Whether the code exists elsewhere is not the manager's to know.
            self.add_error(
                "code",
                _("No unit or authority with this code in your area takes this role."),
            )
        return data


class AccountCreateForm(AccountFieldsForm, RoleForm):
    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only; the person logs in with it."),
    )
    field_order = ["username", "name", "role", "code", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class AccountEditForm(AccountFieldsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ActivationForm(SetPasswordForm):
    """Django's own: the two passwords and the configured password validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
