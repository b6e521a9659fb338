"""Hand-in: photos recognised by content, turned upright, downscaled and stripped of EXIF (GPS);
PDFs kept; limits; the teacher's attachments; blobs kept from garbage collection."""
from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from lms.extensions import db
from lms.storage import get_store, referenced_digests
from plugins.assignments import handin, workflow
from plugins.assignments.handin import HandinError

from .conftest import publish_task, submission_of, user

pillow_heif.register_heif_opener()

#: EXIF tags: Orientation, GPSInfo
ORIENTATION, GPS_INFO = 0x0112, 0x8825


def _photo(fmt: str, size=(3000, 1500), *, orientation: int | None = None,
           gps: bool = True, mode="RGB") -> bytes:
    """A picture as a phone makes it: with EXIF orientation and a GPS position."""
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    # mark the top-left corner so the rotation can be checked
    image.paste((0, 0, 255) if mode == "RGB" else (0, 0, 255, 255), (0, 0, 300, 300))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_INFO).update({1: "N", 2: (10.0, 46.0, 30.0), 3: "E",
                                       4: (106.0, 40.0, 10.0)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def work(ctx):
    assignment = publish_task()
    return submission_of(assignment, "hs.6a1.01")


def _stored_image(file) -> Image.Image:
    with get_store().open(file.digest) as stream:
        image = Image.open(io.BytesIO(stream.read()))
        image.load()
    return image


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "IMG_0001.JPG"), ("PNG", "bai lam.png"),
                                           ("HEIF", "IMG_0002.HEIC")])
def test_photos_are_downscaled_and_lose_their_exif(work, fmt, name):
    student = user("hs.6a1.01")
    file = handin.add_file(work, _upload(_photo(fmt), name), student)
    db.session.commit()
    assert (file.content_type, file.width, file.height) == ("image/jpeg", 2000, 1000)
    assert file.filename.endswith(".jpg")
    stored = _stored_image(file)
    assert stored.format == "JPEG" and stored.size == (2000, 1000)
    assert not stored.getexif() and "exif" not in stored.info
    assert file.size == get_store().size(file.digest)
    assert work.state == "in_progress"


def test_exif_orientation_is_applied(work):
    # orientation 6: the camera held upright, the pixels stored turned 90°
    data = _photo("JPEG", size=(1200, 800), orientation=6)
    file = handin.add_file(work, _upload(data, "doc.jpg"), user("hs.6a1.01"))
    assert (file.width, file.height) == (800, 1200)
    stored = _stored_image(file)
    # the blue corner was top-left before turning; turned clockwise it is top-right
    red, _green, blue = stored.getpixel((stored.width - 10, 10))
    assert blue > 200 and red < 60


def test_a_small_photo_is_not_enlarged_and_transparency_becomes_white(work):
    file = handin.add_file(work, _upload(_photo("PNG", size=(400, 300), mode="RGBA",
                                                gps=False), "so-do.png"), user("hs.6a1.01"))
    assert (file.width, file.height) == (400, 300)
    red, green, blue = _stored_image(file).getpixel((390, 290))
    assert min(red, green, blue) > 100  # half-transparent red on white, not on black


def test_a_text_file_renamed_jpg_is_refused(work):
    with pytest.raises(HandinError, match="Không đọc được ảnh “bai.jpg”"):
        handin.add_file(work, _upload(b"day la bai lam cua em\n", "bai.jpg"), user("hs.6a1.01"))
    assert work.files == [] and work.state == "assigned"


def test_a_broken_photo_is_refused(work):
    broken = _photo("JPEG")[:2000]
    with pytest.raises(HandinError, match="Không đọc được ảnh"):
        handin.add_file(work, _upload(broken, "IMG_1.jpg"), user("hs.6a1.01"))


def test_other_types_are_refused_whatever_their_name(work):
    with pytest.raises(HandinError, match="chỉ nhận ảnh"):
        handin.add_file(work, _upload(b"PK\x03\x04 zip", "bai.pdf"), user("hs.6a1.01"))
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(HandinError):
        handin.add_file(work, _upload(gif.getvalue(), "anh.gif"), user("hs.6a1.01"))


def test_a_pdf_is_kept_as_it_is(work):
    data = b"%PDF-1.4\n% bai lam\n%%EOF\n"
    file = handin.add_file(work, _upload(data, "C:\\Users\\em\\Bài làm.pdf"), user("hs.6a1.01"))
    assert (file.filename, file.content_type, file.width) == ("Bài làm.pdf", "application/pdf",
                                                              None)
    with get_store().open(file.digest) as stream:
        assert stream.read() == data


def test_size_and_count_limits(work, monkeypatch):
    student = user("hs.6a1.01")
    monkeypatch.setattr(handin, "MAX_PDF_BYTES", 100)
    with pytest.raises(HandinError, match="lớn quá"):
        handin.add_file(work, _upload(b"%PDF-1.4\n" + b"x" * 200, "dai.pdf"), student)
    monkeypatch.setattr(handin, "MAX_FILES_PER_SUBMISSION", 2)
    for number in range(2):
        handin.add_file(work, _upload(b"%PDF-1.4\n%" + bytes([65 + number]), f"{number}.pdf"),
                        student)
    with pytest.raises(HandinError, match="tối đa 2 tệp"):
        handin.add_file(work, _upload(b"%PDF-1.4\n%C", "3.pdf"), student)


def test_only_the_student_hands_in_and_only_while_accepted(work):
    with pytest.raises(HandinError):
        handin.add_file(work, _upload(b"%PDF-1.4\n", "a.pdf"), user("hs.6a1.02"))
    workflow.turn_in(work, user("hs.6a1.01"))
    with pytest.raises(HandinError, match="rút bài lại"):
        handin.save_text(work, "Thêm", user("hs.6a1.01"))


def test_after_the_cutoff_nothing_is_accepted(ctx):
    from datetime import timedelta

    from lms.models.base import utcnow

    now = utcnow()
    assignment = publish_task(opens_at=now - timedelta(days=3), due_at=now - timedelta(days=2),
                              cutoff_at=now - timedelta(minutes=1))
    with pytest.raises(HandinError, match="quá hạn chót"):
        handin.save_text(submission_of(assignment, "hs.6a1.01"), "Muộn", user("hs.6a1.01"))


def test_text_is_sanitised_and_respects_the_assignment(ctx):
    assignment = publish_task()
    work = submission_of(assignment, "hs.6a1.01")
    handin.save_text(work, "<p>Đáp số: <b>12</b></p><img src=x onerror=alert(1)>",
                     user("hs.6a1.01"))
    assert work.text == '<p>Đáp số: <b>12</b></p><img src="x">'
    assert work.state == "in_progress"
    files_only = publish_task(title="Chỉ nộp ảnh", accepts_text=False)
    with pytest.raises(HandinError, match="không nhận bài viết"):
        handin.save_text(submission_of(files_only, "hs.6a1.01"), "x", user("hs.6a1.01"))


def test_remove_file_and_blob_references(work):
    student = user("hs.6a1.01")
    file = handin.add_file(work, _upload(_photo("JPEG", size=(100, 100)), "a.jpg"), student)
    attachment = handin.add_attachment(work.assignment, _upload(b"worksheet", "Phiếu bài tập.docx"),
                                       user("gv.toan"))
    db.session.commit()
    assert attachment.content_type.endswith("wordprocessingml.document")
    assert {file.digest, attachment.digest} <= referenced_digests()
    handin.remove_file(file, student)
    db.session.commit()
    assert work.files == []
    assert file.digest not in handin.referenced_digests()


def test_attachments_are_the_teachers_and_common_documents(work):
    with pytest.raises(HandinError):
        handin.add_attachment(work.assignment, _upload(b"x", "a.pdf"), user("gv.van"))
    with pytest.raises(HandinError, match="không được nhận"):
        handin.add_attachment(work.assignment, _upload(b"MZ", "virus.exe"), user("gv.toan"))


def test_a_picture_with_too_many_pixels_is_refused_before_decoding(work, monkeypatch):
    monkeypatch.setattr(handin, "MAX_IMAGE_PIXELS", 100 * 100)
    with pytest.raises(HandinError, match="quá lớn"):
        handin.add_file(work, _upload(_photo("PNG", size=(200, 100)), "to.png"),
                        user("hs.6a1.01"))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50 * 50)  # Pillow's own bomb guard
    with pytest.raises(HandinError, match="quá lớn"):
        handin.add_file(work, _upload(_photo("PNG", size=(60, 60)), "bom.png"),
                        user("hs.6a1.01"))
