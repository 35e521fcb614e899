"""The nine construction areas (DESIGN §3) and the agencies of the leading groups."""

import datetime

from django.db import migrations

AREAS = [
    ("coordination", "协作建设", "Coordination", "口岸单位之间和区域间的协调配合工作机制"),
    ("efficiency", "效率建设", "Efficiency", "通关模式改革和技术创新，提高效率、降低成本"),
    ("service", "服务建设", "Service", "改善服务、完善便民措施、公正执法"),
    ("transparency", "阳光建设", "Transparency", "政务公开、政策信息公开、投诉举报渠道"),
    ("rule_of_law", "法制建设", "Rule of law", "规范性文件、执法监督体系、依法行政"),
    ("safety", "安全建设", "Safety", "安全工作规范、配套设施、突发事故应急处理"),
    ("integrity", "廉政建设", "Integrity", "廉政共建、行风整治"),
    ("culture", "文化建设", "Culture", "政治理论学习、思想道德建设、文化体育活动"),
    ("long_term", "长效机制建设", "Long-term mechanism", "组织领导、日常工作职责和规范"),
]

# (code, name, English name, valid from, valid until, successor code)
AGENCIES = [
    ("PORT_OFFICE", "口岸管理办公室", "Port management office", None, None, None),
    ("CUSTOMS", "海关", "Customs", None, None, None),
    (
        "CIQ",
        "出入境检验检疫",
        "Entry-exit inspection and quarantine",
        None,
        datetime.date(2018, 4, 19),
        "CUSTOMS",
    ),
    (
        "IMMIGRATION",
        "出入境边防检查（移民管理）",
        "Border inspection (immigration administration)",
        datetime.date(2018, 4, 2),
        None,
        None,
    ),
    (
        "BORDER_DEFENCE",
        "公安边防检查",
        "Public security border inspection",
        None,
        datetime.date(2018, 4, 1),
        "IMMIGRATION",
    ),
    ("MARITIME", "海事", "Maritime safety administration", None, None, None),
    ("RAILWAY", "铁路", "Railway", None, None, None),
    ("CIVIL_AVIATION", "民航", "Civil aviation", None, None, None),
    ("TRANSPORT", "交通运输", "Transport", None, None, None),
    ("PORT_OPERATOR", "港口企业", "Port operator", None, None, None),
    ("AIRPORT_OPERATOR", "机场管理机构", "Airport authority", None, None, None),
    ("STATION_OPERATOR", "车站管理机构", "Station authority", None, None, None),
    ("PUBLIC_SECURITY", "公安", "Public security", None, None, None),
    ("OTHER", "其他相关单位", "Other related body", None, None, None),
]


def forwards(apps, schema_editor):
    area = apps.get_model("campaigns", "ConstructionArea")
    for order, (code, name, name_en, description) in enumerate(AREAS, start=1):
        area.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "description": description, "order": order},
        )
    agency = apps.get_model("campaigns", "Agency")
    for code, name, name_en, valid_from, valid_until, _successor in AGENCIES:
        agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    for code, *_rest, successor in AGENCIES:
        if successor:
            agency.objects.filter(code=code).update(successor=agency.objects.get(code=successor))


def backwards(apps, schema_editor):
    apps.get_model("campaigns", "ConstructionArea").objects.filter(
        code__in=[a[0] for a in AREAS]
    ).delete()
    agency = apps.get_model("campaigns", "Agency")
    agency.objects.filter(code__in=[a[0] for a in AGENCIES]).update(successor=None)
    agency.objects.filter(code__in=[a[0] for a in AGENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
