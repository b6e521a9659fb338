"""Files people hand in from a phone: photos (JPEG, PNG, HEIC/HEIF) and PDFs, recognised by
their content, never by their name.

Photos are turned upright, downscaled and re-encoded as JPEG without their EXIF block, because
phone photos carry the place they were taken (GPS) and Decree 13/2023 asks to keep personal
data to the minimum. Assignments (a photo of paper work) and questions (a photo of the
exercise) both take files through `normalise_upload`.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
JPEG_QUALITY = 85
#: refuse pictures larger than this before decoding them (a 200-megapixel "photo" is an attack)
MAX_IMAGE_PIXELS = 80_000_000
FILENAME_MAX = 300

#: what Pillow calls the formats accepted as photos
_PHOTO_FORMATS = {"JPEG", "PNG", "HEIF"}
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".jpe"}


class PhotoError(Exception):
    """A file that is not accepted; the message is shown as it is."""


@dataclass(frozen=True)
class NormalisedFile:
    """What to store: the bytes, their MIME type, a file name ending in the stored format's
    suffix, and the picture's size (None for a PDF)."""

    data: bytes
    content_type: str
    filename: str
    width: int | None = None
    height: int | None = None


def display_name(filename: str | None) -> str:
    """The name the person gave the file, path dropped (a Windows browser sends C:\\...)."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    return name[:FILENAME_MAX] or _("tệp không tên")


def stored_name(filename: str | None, suffix: str, fallback: str = "tep") -> str:
    """The file's own name (Vietnamese kept, path dropped) with the suffix of what is stored."""
    stem = PurePath(display_name(filename)).stem.strip() or fallback
    return stem[:FILENAME_MAX - len(suffix)] + suffix


def read_limited(upload, limit: int) -> bytes:
    """At most `limit` bytes of an uploaded file; a longer one is refused without reading on."""
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(_("Tệp “%(name)s” lớn quá %(mb)s MB.", name=display_name(upload.filename),
                           mb=limit // (1024 * 1024)))
    return data


def kind_of(data: bytes) -> str | None:
    """'pdf', 'image' or None, from the first bytes."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or data[4:8] == b"ftyp":
        return "image"
    return None


def photo_to_jpeg(data: bytes, name: str, *,
                  max_pixels: int = MAX_IMAGE_PIXELS) -> tuple[bytes, int, int]:
    """Decode a JPEG/PNG/HEIC photo, turn it upright, downscale it to IMAGE_MAX_SIDE and
    re-encode it as JPEG without EXIF. Returns (bytes, width, height)."""
    unreadable = PhotoError(_("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không phải "
                              "ảnh JPEG, PNG, HEIC.", name=name))
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit; here an oversized picture is refused
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoError(_("Ảnh “%(name)s” quá lớn.", name=name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise unreadable from None
    try:
        with image:
            if image.format not in _PHOTO_FORMATS:
                raise unreadable
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoError(_("Ảnh “%(name)s” quá lớn (%(w)s×%(h)s điểm ảnh).",
                                   name=name, w=width, h=height))
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
            rgb = _on_white(upright)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    out = io.BytesIO()
    # no exif=, no icc_profile=: nothing of the camera's metadata is written
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), rgb.width, rgb.height


def _on_white(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts of a PNG become white, not black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def normalise_upload(upload, *, max_image_bytes: int = MAX_IMAGE_BYTES,
                     max_pdf_bytes: int = MAX_PDF_BYTES, max_pixels: int = MAX_IMAGE_PIXELS,
                     fallback_stem: str = "tep") -> NormalisedFile:
    """Read an uploaded photo (JPEG/PNG/HEIC → upright JPEG ≤ 2000 px, EXIF removed) or PDF
    (kept as it is); anything else, or a file over its limit, raises `PhotoError`."""
    name = display_name(upload.filename)
    data = read_limited(upload, max(max_image_bytes, max_pdf_bytes))
    kind = kind_of(data)
    if kind is None and PurePath(name).suffix.lower() in _IMAGE_SUFFIXES:
        raise PhotoError(_("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không phải "
                           "ảnh JPEG, PNG, HEIC.", name=name))
    if kind is None:
        raise PhotoError(_("Tệp “%(name)s” không được nhận: chỉ nhận ảnh (JPEG, PNG, HEIC) "
                           "hoặc tệp PDF.", name=name))
    limit = max_pdf_bytes if kind == "pdf" else max_image_bytes
    if len(data) > limit:
        raise PhotoError(_("Tệp “%(name)s” lớn quá %(mb)s MB.", name=name,
                           mb=limit // (1024 * 1024)))
    if kind == "pdf":
        return NormalisedFile(data, "application/pdf",
                              stored_name(upload.filename, ".pdf", fallback_stem))
    jpeg, width, height = photo_to_jpeg(data, name, max_pixels=max_pixels)
    return NormalisedFile(jpeg, "image/jpeg", stored_name(upload.filename, ".jpg", fallback_stem),
                          width, height)
