"""`ContentTypeRegistry.detect` asks types by priority, then in registration order."""
from lms.content_types import ContentType, ContentTypeRegistry


class _Claims(ContentType):
    """Recognises every archive; only the order in which it is asked matters."""

    def __init__(self, type_id: str, priority: int = 0):
        self.id = type_id
        self.priority = priority

    def detect(self, archive) -> bool:
        return True

    def inspect(self, archive):
        raise AssertionError("not called")

    def import_package(self, archive, *, department, author, inspection):
        raise AssertionError("not called")

    def launch(self, material, user):
        raise AssertionError("not called")

    def record(self, attempt, payload):
        raise AssertionError("not called")


def test_registration_order_decides_between_equal_priorities():
    registry = ContentTypeRegistry()
    registry.register(_Claims("first"))
    registry.register(_Claims("second"))
    assert registry.detect(object()).id == "first"


def test_a_higher_priority_wins_whatever_the_registration_order():
    registry = ContentTypeRegistry()
    registry.register(_Claims("scorm"))
    registry.register(_Claims("wrapper", priority=10))
    registry.register(_Claims("later"))
    assert registry.detect(object()).id == "wrapper"
    assert [t.id for t in registry] == ["scorm", "wrapper", "later"]
