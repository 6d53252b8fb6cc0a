"""Images for posts: uploaded from the editor, checked, re-encoded and stored.

An upload is read as an image by Pillow and written again from its pixels alone, so what is
stored holds no metadata (EXIF with a camera's GPS position, comments, colour profiles) and no
bytes the browser could read as anything but the image. Its size in bytes and in pixels is
bounded before decoding, so a small file that unpacks to gigabytes (a decompression bomb) is
refused unread. It is stored through Django's storage API (settings.STORAGES["default"]: files
under the data directory, or S3-compatible object storage through django-storages), under a
random name, and the post links it by URL like any other image.
"""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts.policies import can_upload_image

MAX_IMAGE_BYTES = 2 * 1024 * 1024  # Stack Exchange's limit for an uploaded image: 2 MiB
MAX_IMAGE_PIXELS = 24_000_000  # a 6000 x 4000 photo; more is refused before it is decoded
# Format Pillow reads -> (the stored file's extension, its content type). Nothing else.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = dict(FORMATS.values())  # extension -> content type, for serving


def store_post_image(user, upload) -> str:
    """Checks, re-encodes and stores an uploaded image; returns its URL. Refuses (and stores
    nothing) an upload the user may not make or that is not a small enough image."""
    allowed, reason = can_upload_image(user)
    if not allowed:
        raise PermissionDenied(reason)
    if upload is None:
        raise ValidationFailed("Choose an image to upload.")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationFailed(
            f"Images are limited to {MAX_IMAGE_BYTES // (1024 * 1024)} MB; this one is "
            f"{upload.size / (1024 * 1024):.1f} MB."
        )
    data, extension = reencoded(upload.read())
    now = timezone.now()
    name = f"images/{now:%Y/%m}/{secrets.token_hex(16)}.{extension}"
    saved = default_storage.save(name, ContentFile(data))
    return default_storage.url(saved)


def reencoded(data: bytes) -> tuple[bytes, str]:
    """The image's pixels written again in its own format, without metadata; (bytes, ext)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format
                if fmt not in FORMATS:
                    raise ValidationFailed("Upload a PNG, JPEG, GIF or WebP image.")
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationFailed(_too_many_pixels(width, height))
                return _write(image, fmt), FORMATS[fmt][0]
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed(
            f"Images are limited to {MAX_IMAGE_PIXELS // 1_000_000} megapixels."
        ) from None
    except UnidentifiedImageError:
        raise ValidationFailed("That file is not an image this site can show.") from None
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt image data
        raise ValidationFailed("That image could not be read; it may be damaged.") from None


def _too_many_pixels(width: int, height: int) -> str:
    return (
        f"Images are limited to {MAX_IMAGE_PIXELS // 1_000_000} megapixels; this one is "
        f"{width} x {height}."
    )


_METADATA = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "comments", "dpi")


def _without_metadata(image: Image.Image) -> Image.Image:
    """Pillow writes some of what it read (a PNG's colour profile, a GIF's comment) back when
    saving: none of it is kept."""
    for key in _METADATA:
        image.info.pop(key, None)
    return image


def _write(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    _without_metadata(image)
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        # An animation keeps its frames and timing; GIF holds no EXIF, and comments are dropped.
        image.save(out, "GIF", save_all=True, loop=image.info.get("loop", 0))
        return out.getvalue()
    image.load()
    # A photo's EXIF orientation is applied to the pixels, as the EXIF itself is not kept.
    clean = _without_metadata(ImageOps.exif_transpose(image) if fmt == "JPEG" else image)
    if fmt == "JPEG":
        _without_metadata(clean.convert("RGB")).save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        clean.save(out, "WEBP", quality=88)
    elif fmt == "GIF":
        clean.save(out, "GIF")
    else:
        mode = clean.mode if clean.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
        _without_metadata(clean.convert(mode)).save(out, "PNG", optimize=True)
    return out.getvalue()
