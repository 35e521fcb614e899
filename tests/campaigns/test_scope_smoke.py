from campaigns.scope import scope_for
from campaigns.selectors import person_list_for, port_list_for, unit_list_for


def test_scope_resolves_in_one_query(gd_officer, django_assert_num_queries):
    # 1 union query over the user's and groups' authority and unit grants.
    with django_assert_num_queries(1):
        scope = scope_for(gd_officer)
    assert scope.view_paths == ("CN/GD/",)
    assert set(port_list_for(gd_officer).values_list("code", flat=True)) == {"GD-0001", "GD-0002"}


def test_unit_contact_sees_only_its_unit(unit_contact, world):
    assert list(unit_list_for(unit_contact)) == [world.sz.units[0]]
    assert {p.unit_id for p in person_list_for(unit_contact)} == {world.sz.units[0].pk}
