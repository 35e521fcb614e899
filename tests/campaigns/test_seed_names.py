"""The names the founding document gives the participants, titles and areas are the names the
portal shows in Chinese (三(七), 三(八), 四(十一))."""

from django.utils import translation

from awards.models import Title
from campaigns.models import Activity, ConstructionArea, Unit


def test_unit_categories_are_named_as_the_founding_document_names_them():
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Unit.Category.choices}
        other_form = str(Activity.Form.OTHER.label)
    assert labels == {
        "facility": "机场、港口、车站等管理机构",
        "inspection": "口岸检查检验单位",
        "operation": "口岸运营管理和服务单位",
        "other": "口岸其他相关单位",
    }
    # The same English word elsewhere is not a unit category.
    assert other_form == "其他"


def test_titles_are_the_founding_documents_honours():
    with translation.override("zh-hans"):
        labels = [str(label) for _value, label in Title.choices]
    assert labels == [
        "全国文明口岸",
        "全国共建文明口岸先进单位",
        "全国共建文明口岸先进个人",
        "全国共建文明口岸活动先进组织者",
    ]


def test_the_nine_construction_areas_are_the_founding_documents(db):
    names = list(ConstructionArea.objects.order_by("order").values_list("name", flat=True))
    assert names == [
        "协作建设",
        "效率建设",
        "服务建设",
        "阳光建设",
        "法制建设",
        "安全建设",
        "廉政建设",
        "文化建设",
        "长效机制建设",
    ]
