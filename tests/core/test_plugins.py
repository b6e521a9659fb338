"""The plugin engine, exercised through the example plugin (plugins/example) and small
deliberately broken plugins."""
from types import SimpleNamespace
from typing import ClassVar

import pytest
from flask import Blueprint

from lms import create_app, signals
from lms.plugins import ENTRY_POINT_GROUP, LMSPlugin, NavEntry, PluginError, discover, registry


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """An app without a database, for what happens at startup."""
    monkeypatch.setenv("LMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LMS_PLUGINS", raising=False)

    def make(plugins=("example",), **config):
        return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                           "LMS_PLUGINS": plugins, **config})

    return make


def page(client, path="/"):
    return client.get(path, follow_redirects=True).get_data(as_text=True)


# Discovery and loading ------------------------------------------------------------------------
def test_example_is_discovered_through_the_entry_point_group():
    (entry_point,) = discover()["example"]
    assert entry_point.group == ENTRY_POINT_GROUP
    assert entry_point.value == "plugins.example:ExamplePlugin"


def test_a_plugin_is_loaded_only_when_listed(make_app):
    app = make_app(plugins=())
    assert "example" not in registry(app).plugins
    assert "example" not in app.blueprints
    assert app.test_client().get("/example/").status_code == 404

    app = make_app()
    plugin = registry(app).plugins["example"]
    assert plugin.name == "example" and plugin.title == "Ví dụ plugin"
    assert "example" in app.blueprints


# What the example contributes -----------------------------------------------------------------
@pytest.mark.plugins("example")
@pytest.mark.parametrize("username, sees_it", [
    ("gv.toan", True), ("tt.toan", True), ("hieutruong", False), ("admin", False),
    ("hs.6a1.01", False), ("ph.6a1.01", False),
])
def test_nav_entry_and_page_are_for_teachers_only(client, demo, login, username, sees_it):
    login(username)
    assert ('href="/example/"' in page(client)) is sees_it
    assert client.get("/example/").status_code == (200 if sees_it else 403)


@pytest.mark.plugins("example")
def test_dashboard_widget_on_a_teachers_home(client, demo, login):
    login("gv.toan")
    assert '<section class="card example-widget">Xin chào (teacher)</section>' in page(client)


@pytest.mark.plugins("example")
@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"example": {"show_widget": False}}})
def test_a_setting_switches_the_widget_off(client, demo, login):
    login("gv.toan")
    assert "example-widget" not in page(client)


@pytest.mark.plugins("example")
@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"example": {"greeting": "Chào thầy cô"}}})
def test_cli_command_runs_under_flask_lms(runner):
    result = runner.invoke(args=["lms", "example-hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "Chào thầy cô\n"


@pytest.mark.plugins("example")
def test_signal_handler_sees_a_login(app, client, demo, login):
    plugin = registry(app).plugins["example"]
    assert plugin.logins_seen == []
    login("hs.6a1.01", "wrong password")
    login("gv.toan")
    assert plugin.logins_seen == ["gv.toan"]
    assert "Số lần đăng nhập đã thấy: 1" in page(client, "/example/")


def test_two_apps_do_not_see_each_others_signal_handlers(make_app):
    first, second = make_app(), make_app()
    user = SimpleNamespace(username="gv.toan")
    signals.user_logged_in.send(first, user=user)
    assert registry(first).plugins["example"].logins_seen == ["gv.toan"]
    assert registry(second).plugins["example"].logins_seen == []


def test_two_apps_keep_their_own_cli_and_navigation(make_app):
    with_example, without = make_app(), make_app(plugins=())
    assert "example-hello" in with_example.extensions["lms_cli"].commands
    assert "example-hello" not in without.extensions["lms_cli"].commands
    assert [e.endpoint for e in registry(with_example).navigation if e.endpoint == "example.index"]
    assert not [e for e in registry(without).navigation if e.endpoint.startswith("example.")]


# Settings -------------------------------------------------------------------------------------
def test_settings_have_typed_defaults(make_app):
    assert registry(make_app()).plugins["example"].settings == {
        "greeting": "Xin chào", "show_widget": True}


def test_a_setting_can_be_overridden(make_app):
    app = make_app(LMS_PLUGIN_SETTINGS={"example": {"greeting": "Chào em"}})
    assert registry(app).plugins["example"].settings == {
        "greeting": "Chào em", "show_widget": True}


class Numbers(LMSPlugin):
    """Số"""

    default_settings: ClassVar = {"limit": 10, "ratio": 0.5}


def test_an_int_is_accepted_for_a_float_setting(make_app):
    app = make_app(plugins=("numbers",), LMS_EXTRA_PLUGINS={"numbers": Numbers},
                   LMS_PLUGIN_SETTINGS={"numbers": {"ratio": 1}})
    assert registry(app).plugins["numbers"].settings == {"limit": 10, "ratio": 1.0}


@pytest.mark.parametrize("plugin, settings, message", [
    ("example", {"example": {"colour": "red"}}, r"plugin 'example': unknown settings \['colour'\]"),
    ("example", {"example": {"show_widget": "yes"}},
     "plugin 'example': setting 'show_widget' must be bool, got str 'yes'"),
    ("example", {"example": {"greeting": 42}}, "setting 'greeting' must be str, got int"),
    ("numbers", {"numbers": {"limit": True}}, "setting 'limit' must be int, got bool"),
    ("numbers", {"numbers": {"limit": 2.5}}, "setting 'limit' must be int, got float"),
    ("example", {"example": ["greeting"]}, r"LMS_PLUGIN_SETTINGS\['example'\] must be a dict"),
    ("example", {"scorm": {}}, r"keys for plugins not loaded: \['scorm'\]"),
])
def test_bad_settings_stop_startup(make_app, plugin, settings, message):
    with pytest.raises(PluginError, match=message):
        make_app(plugins=(plugin,), LMS_EXTRA_PLUGINS={"numbers": Numbers},
                 LMS_PLUGIN_SETTINGS=settings)


# Malformed plugins and lists ------------------------------------------------------------------
class WrongBlueprint(LMSPlugin):
    """Sai tên blueprint"""

    def blueprints(self):
        return [Blueprint("reportcard", __name__)]


class PrefixedBlueprint(LMSPlugin):
    """Blueprint có tiền tố"""

    def blueprints(self):
        bp = Blueprint("prefixed_api", __name__)
        bp.add_url_rule("/prefixed/api", "ping", lambda: "pong")
        return [bp]


class BadNavigation(LMSPlugin):
    """Điều hướng sai"""

    def navigation(self):
        return [NavEntry("nowhere.index", lambda: "X", frozenset({"teacher"}))]


class NotAPlugin:
    """Không phải plugin"""


@pytest.mark.parametrize("plugins, extra, message", [
    (("reportcard",), {}, ("plugin 'reportcard' is listed in LMS_PLUGINS but not installed "
                         r"\(installed: .*example")),
    (("example", "example"), {}, "LMS_PLUGINS lists 'example' more than once"),
    ("example", {}, "LMS_PLUGINS must be a list of plugin names"),
    (("bad",), {"bad": NotAPlugin}, ("plugin 'bad': .*NotAPlugin.* is not a subclass of "
                                    "lms.plugins.LMSPlugin")),
    (("bad",), {"bad": lambda app, settings: None}, "is not a subclass of lms.plugins.LMSPlugin"),
    (("bad",), {"bad": WrongBlueprint},
     "plugin 'bad': blueprint 'reportcard' must be named 'bad' or start with 'bad_'"),
    (("bad",), {"bad": BadNavigation},
     "plugin 'bad': navigation entry points at unknown endpoint 'nowhere.index'"),
])
def test_a_malformed_setup_stops_startup_with_a_clear_message(make_app, plugins, extra, message):
    with pytest.raises(PluginError, match=message):
        make_app(plugins=plugins, LMS_EXTRA_PLUGINS=extra)


def test_extra_blueprints_may_be_prefixed_with_the_plugin_name(make_app):
    app = make_app(plugins=("prefixed",), LMS_EXTRA_PLUGINS={"prefixed": PrefixedBlueprint})
    assert app.test_client().get("/prefixed/api").get_data(as_text=True) == "pong"


# Translations ---------------------------------------------------------------------------------
def test_plugin_translations_join_babel_directories(make_app, tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from flask_babel import force_locale, gettext

    from lms.extensions import babel

    folder = tmp_path / "plugin" / "translations" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="en")
    catalog.add("Sổ điểm của plugin thử", "Test plugin gradebook")
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)

    class Translated(LMSPlugin):
        """Có bản dịch"""

        root = tmp_path / "plugin"

    app = make_app(plugins=("translated",), LMS_EXTRA_PLUGINS={"translated": Translated})
    directories = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert directories == ["translations", str(tmp_path / "plugin" / "translations")]
    assert app.extensions["babel"].translation_directories[-1] == directories[-1]
    # Flask-Babel caches catalogs per Babel instance, which every app in this process shares.
    babel.domain_instance.cache.clear()
    try:
        with app.test_request_context(), force_locale("en"):
            assert gettext("Sổ điểm của plugin thử") == "Test plugin gradebook"
    finally:
        babel.domain_instance.cache.clear()


def test_the_example_plugin_ships_its_translations(make_app):
    app = make_app()
    assert registry(app).plugins["example"].translations_dir in (
        app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"))
