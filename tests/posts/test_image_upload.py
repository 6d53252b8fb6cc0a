"""Images in the editor (issue 18.7): an upload is checked (10 reputation, size, type, pixels),
re-encoded without its metadata, stored through Django's storage, and served back safely."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, PngImagePlugin

from quaestio.web.views import uploads


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _jpeg_with_gps() -> bytes:
    image = Image.effect_noise((64, 48), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS: latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret home address")
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "photo.jpg", content_type="image/jpeg"):
    return client.post(
        "/images/upload", {"image": SimpleUploadedFile(name, data, content_type=content_type)}
    )


def _stored(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_an_upload_is_stored_without_its_metadata_and_served_back(client, make_user):
    """A 10-reputation user's JPEG with EXIF (camera, GPS) is stored re-encoded with none of it,
    under a random name; the JSON gives its URL and Markdown; the URL serves it as image/jpeg
    with nosniff."""
    client.force_login(make_user(reputation=10))
    response = _upload(client, _jpeg_with_gps())
    assert response.status_code == 200, response.content
    answer = json.loads(response.content)
    assert answer["url"].startswith("/media/images/") and answer["url"].endswith(".jpg")
    assert answer["markdown"] == f"![enter image description here]({answer['url']})"
    served = client.get(answer["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    data = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (64, 48)
        assert not image.getexif() and "exif" not in image.info
    assert b"SpyCam" not in data


def test_a_png_loses_its_text_chunks(client, make_user, _media_root):
    """A PNG's text chunk (a comment) is not in the stored file; transparency is kept."""
    client.force_login(make_user(reputation=10))
    response = _upload(client, _png_with_text(), "pic.png", "image/png")
    assert response.status_code == 200
    (stored,) = _stored(_media_root)
    data = stored.read_bytes()
    assert b"secret home address" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_under_ten_reputation_nothing_is_stored(client, make_user, _media_root):
    """A new user (1 reputation) is refused with the reason, as posting images needs 10."""
    client.force_login(make_user(reputation=1))
    response = _upload(client, _jpeg_with_gps())
    assert response.status_code == 403
    assert "10 reputation" in json.loads(response.content)["error"]
    assert _stored(_media_root) == []


def test_anonymous_and_missing_csrf_are_refused(make_user, _media_root):
    """Without a login, or without the CSRF token, the upload is refused."""
    anonymous = Client()
    assert _upload(anonymous, _jpeg_with_gps()).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(reputation=10))
    assert _upload(strict, _jpeg_with_gps()).status_code == 403
    assert _stored(_media_root) == []


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<script>alert(1)</script>" * 10, "not an image"),
        (_jpeg_with_gps()[:-300], "could not be read"),
    ],
    ids=["script", "truncated"],
)
def test_what_is_not_a_readable_image_is_refused(client, make_user, _media_root, data, reason):
    """A script named .jpg, or a truncated JPEG: a clear error, nothing stored."""
    client.force_login(make_user(reputation=10))
    response = _upload(client, data)
    assert response.status_code == 400
    assert reason in json.loads(response.content)["error"]
    assert _stored(_media_root) == []


def test_too_large_and_bomb_images_are_refused(client, make_user, _media_root):
    """Over 2 MB is refused by size; a small PNG of 10,000 x 10,000 pixels (a decompression
    bomb) by its pixel count, before it is decoded."""
    client.force_login(make_user(reputation=10))
    big = _upload(client, b"\xff\xd8" + b"\0" * (2 * 1024 * 1024 + 1))
    assert big.status_code == 400 and "2 MB" in json.loads(big.content)["error"]
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    bomb = _upload(client, out.getvalue(), "bomb.png", "image/png")
    assert bomb.status_code == 400
    assert "megapixels" in json.loads(bomb.content)["error"]
    assert _stored(_media_root) == []


def test_uploads_are_rate_limited(client, make_user, monkeypatch):
    """Past the hourly allowance the upload is refused with 429."""
    monkeypatch.setattr(uploads, "UPLOADS_PER_HOUR", 2)
    client.force_login(make_user(reputation=10))
    statuses = [_upload(client, _jpeg_with_gps()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/2026/01/../../../quaestio.sqlite3",
        "/media/secret.txt",
        "/media/images/2026/01/0123456789abcdef0123456789abcdef.html",
        "/media/images/2026/01/0123456789abcdef0123456789abcdef.png",  # not stored
    ],
)
def test_only_stored_image_names_are_served(client, path):
    """Anything but a name the upload could have made, and stored, is a 404."""
    assert client.get(path).status_code == 404
