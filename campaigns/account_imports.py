"""The import of accounts from a spreadsheet (分级管理): columns user name, name, unit or authority
code, role, phone, e-mail. Read with the shared bounded reader, every row validated against the
importing manager's duty (row errors in Chinese with their row numbers), then all accounts created
in one transaction by `services.accounts.accounts_import_apply`, or none.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.access.accounts import can_grant_role
from campaigns.models import Authority, Membership, Unit
from campaigns.scope import scope_for
from campaigns.services.accounts import AccountRow, accounts_import_apply
from civport.imports import ImportResult, RowOutcome, header_key
from civport.spreadsheets import SpreadsheetError, read_table

KIND = "accounts"
# (field, Chinese header, required)
COLUMNS = (
    ("username", "用户名", True),
    ("name", "姓名", True),
    ("code", "单位或机构代码", True),
    ("role", "角色", True),
    ("phone", "电话", False),
    ("email", "电子邮箱", False),
)


def column_headers():
    return [header for _name, header, _required in COLUMNS]


def _header_map(headers):
    known = {}
    for name, chinese, _required in COLUMNS:
        known[header_key(chinese)] = name
        known[header_key(name)] = name
    mapping = {}
    for index, header in enumerate(headers):
        name = known.get(header_key(header))
        if name and name not in mapping:
            mapping[name] = index
    missing = [chinese for name, chinese, required in COLUMNS if required and name not in mapping]
    if missing:
        raise SpreadsheetError(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return mapping


# The roles' Chinese names as the glossary writes them, so that a file reads the same whatever
# the interface language and whether or not the catalogue is compiled.
ROLE_NAMES_ZH = {
    "national_office": "国家口岸管理办公室",
    "provincial_officer": "省级口岸管理机构工作人员",
    "port_officer": "口岸所在地政府口岸管理机构工作人员",
    "unit_contact": "参与单位联络员",
    "reviewer": "评审专家",
}


def _role_lookup():
    """Role cells may hold the code (port_officer) or its label in Chinese or English."""
    lookup = {header_key(name): role for role, name in ROLE_NAMES_ZH.items()}
    for role in Membership.Role:
        lookup[header_key(role.value)] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[header_key(str(role.label))] = role.value
    return lookup


def plan_accounts(table, actor):
    """The rows as outcomes and, when none has an error, the rows to create."""
    scope = scope_for(actor)
    mapping = _header_map(table.headers)
    roles = _role_lookup()

    def value(cells, name):
        index = mapping.get(name)
        if index is None or index >= len(cells):
            return ""
        return str(cells[index]).strip()

    parsed = [
        (number, {name: value(cells, name) for name in mapping}) for number, cells in table.rows
    ]
    codes = {row.get("code", "") for _n, row in parsed}
    usernames = {row.get("username", "") for _n, row in parsed}
    authorities = {a.code: a for a in Authority.objects.filter(code__in=codes)}
    units = {u.code: u for u in Unit.objects.select_related("authority").filter(code__in=codes)}
    taken = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    username_field = get_user_model()._meta.get_field("username")
    seen = {}
    outcomes, rows = [], []
    for number, row in parsed:
        messages = []
        username, name = row.get("username", ""), row.get("name", "")
        if not username:
            messages.append(_("User name: this field is required."))
        else:
            try:
                username_field.run_validators(username)
            except ValidationError as error:
                messages.extend(
                    _("User name: %(message)s") % {"message": m} for m in error.messages
                )
            if username in taken:
                messages.append(
                    _("User name: the user name %(username)s is taken.") % {"username": username}
                )
            if username in seen:
                messages.append(
                    _("User name: %(username)s is repeated from row %(row)d.")
                    % {"username": username, "row": seen[username]}
                )
            seen.setdefault(username, number)
        if not name:
            messages.append(_("Name: this field is required."))
        role = roles.get(header_key(row.get("role", "")))
        if role is None:
            messages.append(_("Role: unknown role “%(role)s”.") % {"role": row.get("role", "")})
        code = row.get("code", "")
        authority = unit = None
        if role == Membership.Role.UNIT_CONTACT:
            unit = units.get(code)
        elif role is not None:
            authority = authorities.get(code)
        if role is not None and authority is None and unit is None:
            messages.append(
                _(
                    "Unit or authority code: no unit or authority with the code “%(code)s” for this role."
                )
                % {"code": code}
            )
        elif role is not None and not can_grant_role(
            scope, role=role, authority=authority, unit=unit
        ):
            messages.append(_("Role: you may not grant this role at %(code)s.") % {"code": code})
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                messages.append(_("E-mail: enter a valid e-mail address."))
        outcomes.append(
            RowOutcome(
                number=number,
                code=username,
                name=name,
                action="error" if messages else "create",
                messages=messages,
            )
        )
        if not messages:
            rows.append(
                AccountRow(
                    username=username,
                    name=name,
                    role=role,
                    authority=authority,
                    unit=unit,
                    phone=row.get("phone", ""),
                    email=email,
                )
            )
    return outcomes, rows


def accounts_import(*, data, filename, actor, dry_run=False):
    """Validate a file and, unless `dry_run` or any row is bad, create every account in it.
    Returns the result and the links issued (empty unless applied)."""
    result = ImportResult(kind=KIND)
    try:
        table = read_table(data, filename)
        outcomes, rows = plan_accounts(table, actor)
    except SpreadsheetError as exc:
        result.file_errors.append(str(exc))
        return result, []
    result.rows = outcomes
    if result.errors or dry_run or not rows:
        return result, []
    try:
        links = accounts_import_apply(actor=actor, rows=rows)
    except ValidationError as error:
        # Another change (a user name taken meanwhile) landed after validation; nothing written.
        result.file_errors.extend(error.messages)
        return result, []
    result.applied = True
    return result, links
