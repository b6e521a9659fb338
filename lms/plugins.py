"""The plugin engine: discovery through entry points, settings, and what a plugin contributes.

A plugin is one class, subclassing `LMSPlugin`, exposed in the ``lms.plugins`` entry-point group
and loaded only when ``LMS_PLUGINS`` lists its name. See docs/plugins.md.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

from flask import Blueprint, Flask

from .content_types import ContentType, ContentTypeRegistry

ENTRY_POINT_GROUP = "lms.plugins"


class PluginError(RuntimeError):
    """A listed plugin is missing, duplicated, malformed or misconfigured. Startup stops."""


@dataclass
class DemoSchool:
    """What `LMSPlugin.seed_demo` gets: the demo school's accounts and the day it is seeded."""

    today: Any  #: datetime.date
    #: username -> User of every demo account
    accounts: dict[str, Any]
    #: lines printed after the logins ("Bài giảng mẫu: ...")
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown to users holding any of `roles`."""

    endpoint: str
    label: Callable[[], str]  #: a lazy translation, evaluated per request
    roles: frozenset[str]
    order: int = 100
    #: extra predicate on the current user (e.g. only department heads)
    visible: Callable[[Any], bool] | None = None


@dataclass
class Registry:
    """Everything plugins contribute, kept on ``app.extensions["lms"]``."""

    plugins: dict[str, LMSPlugin] = field(default_factory=dict)
    content_types: ContentTypeRegistry = field(default_factory=ContentTypeRegistry)
    navigation: list[NavEntry] = field(default_factory=list)
    #: template hook name -> callables returning markup; see `lms.template_hooks`
    template_hooks: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)
    #: callables returning the set of sha256 digests still referenced, for blob GC
    blob_references: list[Callable[[], set[str]]] = field(default_factory=list)
    migration_dirs: list[str] = field(default_factory=list)

    def nav_for(self, user) -> list[NavEntry]:
        roles = user.role_names if getattr(user, "is_authenticated", False) else frozenset()
        return sorted(
            (
                entry
                for entry in self.navigation
                if entry.roles & roles and (entry.visible is None or entry.visible(user))
            ),
            key=lambda entry: entry.order,
        )

    def add_template_hook(self, name: str, func: Callable[..., Any]) -> None:
        self.template_hooks.setdefault(name, []).append(func)


class LMSPlugin:
    """Base class of every plugin. The first line of the docstring is the plugin's title.

    Override what the plugin contributes; every method is optional.
    """

    #: Set by the loader from the entry-point name.
    name: str = ""
    #: Typed defaults of this plugin's settings (``LMS_PLUGIN_SETTINGS[name]``).
    default_settings: ClassVar[dict[str, Any]] = {}
    #: When `seed_demo` runs relative to other plugins' (lower first): lessons before the
    #: assignments that give them, assignments before the gradebook that reads their grades.
    seed_order: ClassVar[int] = 100

    def __init__(self, app: Flask, settings: dict[str, Any]) -> None:
        self.app = app
        self.settings = settings

    @property
    def title(self) -> str:
        return (inspect.getdoc(self) or self.name).splitlines()[0]

    @property
    def root(self) -> Path:
        return Path(inspect.getfile(type(self))).parent

    # What a plugin contributes -------------------------------------------------------------
    def blueprints(self) -> list[Blueprint]:
        return []

    def content_types(self) -> list[ContentType]:
        return []

    def navigation(self) -> list[NavEntry]:
        return []

    def template_hooks(self) -> dict[str, Callable[..., Any]]:
        return {}

    def cli_commands(self) -> list:
        """click commands added under ``flask lms``."""
        return []

    def connect_signals(self) -> None:
        """Connect handlers to signals from `lms.signals`."""

    def blob_references(self) -> set[str]:
        """sha256 digests in the content store that this plugin's rows still reference."""
        return set()

    def init(self, app: Flask) -> None:
        """Anything else to do at startup (after the contributions above are registered)."""

    def seed_demo(self, demo: DemoSchool) -> None:
        """Add this plugin's part of the demo school that `flask lms seed-demo` creates (after the
        core's people and classes, in `seed_order`). Must be idempotent: add only what is
        missing. The caller commits."""

    @property
    def migrations_dir(self) -> str | None:
        path = self.root / "migrations"
        return str(path) if path.is_dir() else None

    @property
    def translations_dir(self) -> str | None:
        path = self.root / "translations"
        return str(path) if path.is_dir() else None


def _settings_for(plugin_cls: type[LMSPlugin], name: str, configured: dict) -> dict[str, Any]:
    defaults = plugin_cls.default_settings
    unknown = set(configured) - set(defaults)
    if unknown:
        raise PluginError(f"plugin {name!r}: unknown settings {sorted(unknown)} "
                          f"(known: {sorted(defaults)})")
    settings = dict(defaults)
    for key, value in configured.items():
        expected = type(defaults[key])
        if expected is float and type(value) is int:
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise PluginError(
                f"plugin {name!r}: setting {key!r} must be {expected.__name__}, "
                f"got {type(value).__name__} {value!r}"
            )
        settings[key] = value
    return settings


def discover() -> dict[str, list]:
    """Entry points of the plugin group, by name (a list, so duplicates can be reported)."""
    found: dict[str, list] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, []).append(ep)
    return found


def load_plugins(app: Flask, registry: Registry) -> None:
    """Load and register every plugin ``LMS_PLUGINS`` names, in that order; PluginError if any
    is missing, listed twice, not an `LMSPlugin`, misconfigured or contributes something
    malformed."""
    wanted = app.config["LMS_PLUGINS"]
    if isinstance(wanted, str) or not all(isinstance(name, str) for name in wanted):
        raise PluginError(f"LMS_PLUGINS must be a list of plugin names, not {wanted!r}")
    wanted = list(wanted)
    twice = sorted({name for name in wanted if wanted.count(name) > 1})
    if twice:
        raise PluginError(f"LMS_PLUGINS lists {', '.join(map(repr, twice))} more than once")
    all_settings = app.config["LMS_PLUGIN_SETTINGS"]
    unknown = set(all_settings) - set(wanted)
    if unknown:
        raise PluginError(f"LMS_PLUGIN_SETTINGS has keys for plugins not loaded: {sorted(unknown)}")
    available = discover()
    extra = app.config.get("LMS_EXTRA_PLUGINS", {})  # name -> class, for tests and embedding
    for name in wanted:
        plugin_cls = extra[name] if name in extra else _load_entry_point(name, available)
        if not (isinstance(plugin_cls, type) and issubclass(plugin_cls, LMSPlugin)):
            raise PluginError(f"plugin {name!r}: {plugin_cls!r} is not a subclass of "
                              "lms.plugins.LMSPlugin")
        configured = all_settings.get(name, {})
        if not isinstance(configured, dict):
            raise PluginError(f"LMS_PLUGIN_SETTINGS[{name!r}] must be a dict")
        plugin = plugin_cls(app, _settings_for(plugin_cls, name, configured))
        plugin.name = name
        _register(app, registry, plugin)
    _add_translations(app, registry)


def _load_entry_point(name: str, available: dict[str, list]) -> Any:
    eps = available.get(name)
    if not eps:
        installed = ", ".join(sorted(available)) or "none"
        raise PluginError(f"plugin {name!r} is listed in LMS_PLUGINS but not installed "
                          f"(installed: {installed}; see the {ENTRY_POINT_GROUP!r} entry points)")
    if len({ep.value for ep in eps}) > 1:
        raise PluginError(f"plugin {name!r} is provided by several packages: "
                          f"{sorted({ep.value for ep in eps})}")
    try:
        return eps[0].load()
    except Exception as exc:  # an import error must name the plugin
        raise PluginError(f"plugin {name!r} failed to import ({eps[0].value}): {exc}") from exc


def _register(app: Flask, registry: Registry, plugin: LMSPlugin) -> None:
    registry.plugins[plugin.name] = plugin
    for blueprint in plugin.blueprints():
        if blueprint.name != plugin.name and not blueprint.name.startswith(plugin.name + "_"):
            raise PluginError(f"plugin {plugin.name!r}: blueprint {blueprint.name!r} must be "
                              f"named {plugin.name!r} or start with {plugin.name + '_'!r}")
        app.register_blueprint(blueprint)
    for content_type in plugin.content_types():
        try:
            registry.content_types.register(content_type)
        except ValueError as exc:
            raise PluginError(f"plugin {plugin.name!r}: {exc}") from exc
    for entry in plugin.navigation():
        # Checked now: a wrong endpoint would otherwise break every page at render time.
        if entry.endpoint not in app.view_functions:
            raise PluginError(f"plugin {plugin.name!r}: navigation entry points at unknown "
                              f"endpoint {entry.endpoint!r}")
        registry.navigation.append(entry)
    for hook, func in plugin.template_hooks().items():
        registry.add_template_hook(hook, func)
    for command in plugin.cli_commands():
        app.extensions["lms_cli"].add_command(command)
    registry.blob_references.append(plugin.blob_references)
    if plugin.migrations_dir:
        registry.migration_dirs.append(plugin.migrations_dir)
    plugin.connect_signals()
    plugin.init(app)


def _add_translations(app: Flask, registry: Registry) -> None:
    """Add each plugin's ``translations/`` folder to Flask-Babel's catalog search path."""
    dirs = [p.translations_dir for p in registry.plugins.values() if p.translations_dir]
    if not dirs:
        return
    configured = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([configured, *dirs])
    # Flask-Babel read the setting in init_app, before plugins loaded: update what it keeps.
    babel = app.extensions.get("babel")
    if babel is not None:
        babel.translation_directories.extend(dirs)


def registry(app: Flask | None = None) -> Registry:
    from flask import current_app

    return (app or current_app).extensions["lms"]
