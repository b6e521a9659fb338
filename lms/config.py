"""Configuration: defaults here, then the instance `config.py`, then the environment, then tests."""
import os
import secrets
from pathlib import Path
from typing import ClassVar

#: Plugins that a plain installation loads. A deployment narrows or widens this with LMS_PLUGINS.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "library", "scorm", "search", "targets", "video", "xerte", "assignments", "gradebook",
    "criteria", "questions", "parents", "notifications")


class Defaults:
    LMS_PLUGINS = DEFAULT_PLUGINS
    #: Per-plugin settings, one key per plugin; each plugin declares its typed defaults.
    LMS_PLUGIN_SETTINGS: ClassVar[dict] = {}
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LMS_LANGUAGES = ("vi", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a lesson page may stay open for a whole class period
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Login attempts allowed per client address and per account name.
    LMS_LOGIN_LIMIT = "10 per minute;60 per hour"
    MAX_CONTENT_LENGTH = 1024 * 1024 * 1024
    LMS_PAGE_SIZE = 25


def data_dir(app) -> Path:
    """Where all state lives: database, content store, search index (env LMS_DATA_DIR)."""
    path = Path(os.environ.get("LMS_DATA_DIR") or app.instance_path).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _persistent_secret(directory: Path) -> str:
    # A key generated once and kept with the data, so sessions survive a restart
    # and several workers sharing LMS_DATA_DIR agree on it.
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(key)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, key_file)  # first writer wins; others read what it wrote
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return key_file.read_text().strip()


def load(app, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    # Each app gets its own copies: a class attribute is shared by every app in the process.
    for key in ("LMS_PLUGIN_SETTINGS", "SQLALCHEMY_ENGINE_OPTIONS"):
        app.config[key] = dict(app.config[key])
    app.config.from_pyfile("config.py", silent=True)
    directory = data_dir(app)
    app.config["LMS_DATA_DIR"] = str(directory)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        os.environ.get("LMS_DATABASE_URL") or f"sqlite:///{directory / 'lms.sqlite3'}",
    )
    if os.environ.get("LMS_DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["LMS_DATABASE_URL"]
    if os.environ.get("LMS_PLUGINS") is not None:
        app.config["LMS_PLUGINS"] = tuple(
            name.strip() for name in os.environ["LMS_PLUGINS"].split(",") if name.strip()
        )
    if os.environ.get("LMS_RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["LMS_RATELIMIT_STORAGE_URI"]
    if os.environ.get("LMS_HTTPS") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["SECRET_KEY"] = (
        os.environ.get("LMS_SECRET_KEY")
        or app.config.get("SECRET_KEY")
        or _persistent_secret(directory)
    )
    app.config.setdefault("LMS_CONTENT_DIR", str(directory / "content"))
    if test_config:
        app.config.update(test_config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
