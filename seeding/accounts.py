"""The demo's account managers and contact directory (分级管理, 通讯录): Guangdong's provincial
officer and the national office hold the account-manager duty, so the demo shows the account
pages; the demo reviewers hold the reviewer role of their province (or of the national office);
every authority and unit has its office's telephone, address and e-mail, and every account with a
role its work phone and e-mail (all fictional). Safe to re-run."""

import zlib

from django.contrib.auth import get_user_model
from django.db.models import Q

from campaigns.models import Authority, Membership, Unit
from campaigns.services import contacts, membership_grant
from campaigns.services.accounts import account_duty_set, account_update

# (username, role) of the demo accounts given the duty.
MANAGERS = (
    ("national", Membership.Role.NATIONAL_OFFICE),
    ("gd_officer", Membership.Role.PROVINCIAL_OFFICER),
)
# Telephone area codes: of each province's capital, and of the demo's port cities (a
# municipality's districts share the municipality's).
AREA_CODES = {
    "CN": "010", "BJ": "010", "TJ": "022", "SH": "021", "CQ": "023", "HE": "0311",
    "SX": "0351", "LN": "024", "JL": "0431", "HL": "0451", "JS": "025", "ZJ": "0571",
    "AH": "0551", "FJ": "0591", "JX": "0791", "SD": "0531", "HA": "0371", "HB": "027",
    "HN": "0731", "GD": "020", "HI": "0898", "SC": "028", "GZ": "0851", "YN": "0871",
    "SN": "029", "GS": "0931", "QH": "0971", "NM": "0471", "GX": "0771", "XZ": "0891",
    "NX": "0951", "XJ": "0991",
    "HL-MDJ": "0453", "HL-JX": "0467", "HL-HH": "0456", "HL-SYS": "0469", "HL-YC": "0458",
    "HL-DXAL": "0457", "JL-BS": "0439", "LN-DD": "0415", "LN-DL": "0411", "LN-YK": "0417",
    "NM-ALS": "0483", "NM-BYNE": "0478", "NM-XA": "0482", "XJ-TC": "0901", "XJ-AKS": "0997",
    "XJ-HM": "0902", "XZ-RKZ": "0892", "XZ-AL": "0897", "YN-LC": "0883", "YN-BS": "0875",
    "GX-FCG": "0770", "GX-BS": "0776", "GX-QZ": "0777", "GX-BH": "0779", "GX-GL": "0773",
    "GD-ZH": "0756", "GD-ZJ": "0759", "GD-ST": "0754", "GD-SZ": "0755", "FJ-XM": "0592",
    "ZJ-NB": "0574", "ZJ-WZ": "0577", "JS-SZ": "0512", "SD-QD": "0532", "SD-YT": "0535",
    "HE-QHD": "0335", "HA-LY": "0379", "HB-YC": "0717", "JX-JJ": "0792", "AH-AQ": "0556",
}  # fmt: skip
STREETS = ("人民路", "解放路", "中山路", "建设路", "滨海大道", "港城路", "迎宾大道", "海关路")
MAIL_DOMAIN = "port.example.cn"
# Fictional names of the demo accounts, given where an account has none.
DEMO_NAMES = {
    "national": "王建国",
    "gd_officer": "陈志强",
    "zj_officer": "周海燕",
    "sz_officer": "林晓东",
    "nb_officer": "徐丽华",
    "unit_contact": "黄伟",
    "gd_reviewer1": "李文博",
    "gd_reviewer2": "张慧敏",
    "gd_reviewer3": "刘国栋",
    "gd_reviewer4": "郑晓红",
    "gd_reviewer5": "何振华",
    "zj_reviewer1": "吴建平",
    "zj_reviewer2": "孙丽萍",
    "zj_reviewer3": "朱永刚",
    "zj_reviewer4": "胡静",
    "zj_reviewer5": "钱志远",
    "national_reviewer1": "杨光明",
    "national_reviewer2": "赵立新",
    "national_reviewer3": "马丽",
    "sys_admin": "高振宇",
    "sec_admin": "邓雪梅",
    "audit_admin": "曹立军",
}
# The demo reviewers' user names start with these, and the authority whose reviewers they are.
REVIEWER_AUTHORITIES = {"gd_reviewer": "GD", "zj_reviewer": "ZJ", "national_reviewer": "CN"}


def _number(key, digits):
    return f"{zlib.crc32(key.encode()) % 10**digits:0{digits}d}"


def _area_code(authority):
    for code in (authority.code, authority.code.split("-")[0]):
        if code in AREA_CODES:
            return AREA_CODES[code]
    return AREA_CODES["CN"]


def _place(authority):
    """Where an authority sits, for an address: 广东省 of 广东省人民政府口岸办公室; Beijing for
    the national office."""
    if authority.level == Authority.Level.NATIONAL:
        return "北京市东城区"
    for marker in ("人民政府", "口岸"):
        if marker in authority.name:
            return authority.name.split(marker)[0]
    return authority.short_name or authority.name


def _office(code, place, area_code):
    slug = code.lower().replace("-", ".")
    return {
        "office_phone": f"{area_code}-8{_number(code, 7)}",
        "office_address": f"{place}{STREETS[zlib.crc32(code.encode()) % len(STREETS)]}"
        f"{1 + zlib.crc32(code[::-1].encode()) % 300}号",
        "office_email": f"office@{slug}.{MAIL_DOMAIN}",
    }


def _count(stats, kind):
    if stats is not None:
        stats.count(kind, True)


def seed_reviewer_roles():
    """The demo's reviewers (seeding.assessments) hold the reviewer role of their authority, so
    that they appear among the accounts and in the directory of their province."""
    authorities = {
        a.code: a for a in Authority.objects.filter(code__in=REVIEWER_AUTHORITIES.values())
    }
    for prefix, code in REVIEWER_AUTHORITIES.items():
        if code not in authorities:
            continue
        users = (
            get_user_model()
            .objects.filter(username__startswith=prefix)
            .exclude(memberships__role=Membership.Role.REVIEWER)
        )
        for user in users:
            membership_grant(
                actor=None, user=user, role=Membership.Role.REVIEWER, authority=authorities[code]
            )


def seed_contacts(stats):
    """Office details for every authority and unit, work phone and e-mail for every account
    holding a role; rows that have details already are left as they are."""
    authorities = {a.pk: a for a in Authority.objects.all()}
    for authority in authorities.values():
        if authority.office_phone:
            continue
        contacts.authority_contact_update(
            actor=None,
            authority=authority,
            **_office(authority.code, _place(authority), _area_code(authority)),
        )
        _count(stats, "office contact")
    for unit in Unit.objects.filter(office_phone=""):
        owner = authorities[unit.authority_id]
        contacts.unit_contact_update(
            actor=None, unit=unit, **_office(unit.code, _place(owner), _area_code(owner))
        )
        _count(stats, "office contact")
    users = (
        get_user_model()
        .objects.filter(Q(memberships__isnull=False) | Q(username__in=DEMO_NAMES))
        .select_related("account_profile")
        .distinct()
    )
    for user in users:
        profile = getattr(user, "account_profile", None)
        phone = profile.phone if profile is not None else ""
        # An account seeded before it had a demo name gets its name on the next run.
        has_name = bool(user.first_name or user.last_name) or user.username not in DEMO_NAMES
        if phone and has_name:
            continue
        account_update(
            actor=None,
            user=user,
            name=user.first_name or DEMO_NAMES.get(user.username, ""),
            email=user.email or f"{user.username}@{MAIL_DOMAIN}",
            phone=phone or f"13{_number(user.username, 9)}",
        )
        _count(stats, "personal contact")


def seed_demo(*, password, stats):
    """Give the demo managers their duty and fill the contact directory (the accounts and their
    password come from seeding.campaigns); returns no new account."""
    for username, role in MANAGERS:
        membership = Membership.objects.filter(user__username=username, role=role).first()
        if membership is not None:
            account_duty_set(actor=None, membership=membership, manages_accounts=True)
    seed_reviewer_roles()
    seed_contacts(stats)
    return []
