"""The grid leads to the VnEdu/SMAS sheet: readers download it, only its keeper imports."""
import pytest

from .test_views import url

pytestmark = pytest.mark.plugins("assignments", "gradebook")


@pytest.mark.parametrize("username, imports", [("gv.toan", True), ("tt.toan", False),
                                               ("hieutruong", False)])
def test_the_grid_links_to_export_and_to_import_for_its_keeper(client, login, school,
                                                               subject_rules, username, imports):
    login(username)
    page = client.get(url(school)).get_data(as_text=True)
    assert url(school, action="export") in page
    assert (url(school, action="import") in page) is imports
