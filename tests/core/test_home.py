import pytest


@pytest.mark.parametrize("username, marker", [
    ("hieutruong", "Tổng quan nhà trường"),
    ("admin", "Tổng quan nhà trường"),
    ("tt.toan", "Tổ Toán – Tin"),
    ("gv.toan", "Lớp chủ nhiệm"),
    ("hs.6a1.01", "Lớp của em"),
    ("ph.6a1.01", "Con của tôi"),
])
def test_each_role_lands_on_its_home(client, demo, login, username, marker):
    response = login(username, follow=True)
    assert response.status_code == 200
    assert marker in response.get_data(as_text=True)


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_wrong_password_is_refused_in_vietnamese(client, demo, login):
    response = login("gv.toan", "sai-mat-khau", follow=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
