"""The grid leads to the VnEdu/SMAS sheet: readers download it, only its keeper imports."""
import pytest

from .test_views import url

pytestmark = pytest.mark.plugins("assignments", "gradebook")


def exchange(school, action):
    return url(school, action=action).replace("/gradebook/", "/gradebook/exchange/", 1)


@pytest.mark.parametrize("username, imports", [("gv.toan", True), ("tt.toan", False),
                                               ("hieutruong", False)])
def test_the_grid_links_to_export_and_to_import_for_its_keeper(client, login, school,
                                                               subject_rules, username, imports):
    login(username)
    page = client.get(url(school)).get_data(as_text=True)
    assert exchange(school, "export") in page
    assert (exchange(school, "import") in page) is imports
    assert client.get(exchange(school, "export")).status_code == 200
