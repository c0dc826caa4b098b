"""Limits for uploaded files: a size and a list of kinds recognised from the file's first
bytes, not from its name, so nothing uploaded is ever served as HTML or script. Stored names
are rebuilt the same way: a safe stem and the extension of the kind found (:class:`UploadTo`).
"""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# The first bytes of each kind we accept, and the kind's name as users know it.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "PDF": (b"%PDF-",),
    "DOCX": (b"PK\x03\x04",),
}

EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "PDF": "pdf", "DOCX": "docx"}

IMAGE_KINDS = ("PNG", "JPEG")
DOCUMENT_KINDS = ("PDF", "DOCX", "PNG", "JPEG")


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes, or None when it is none we accept."""
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def safe_name(filename: str, *, kind: str | None) -> str:
    """A file name for ``filename`` of ``kind``: the part before the first dot, reduced to
    letters, digits and hyphens, and the kind's own extension ("evil.html" holding a ZIP
    becomes "evil.docx", "poly.png.html" holding a PNG "poly.png")."""
    stem = slugify(PurePosixPath(filename).name.split(".")[0], allow_unicode=True)[:60]
    return f"{stem.strip('-_') or 'file'}.{EXTENSIONS.get(kind or '', 'bin')}"


def _head(content: object) -> bytes:
    handle = getattr(content, "file", None) or content
    if not hasattr(handle, "read"):
        return b""
    position = handle.tell() if hasattr(handle, "tell") else 0
    handle.seek(0)
    head = handle.read(16)
    handle.seek(position)
    return head if isinstance(head, bytes) else b""


@deconstructible
class UploadTo:
    """A FileField's ``upload_to``: ``folder`` (strftime-formatted) and a name rebuilt from
    the uploaded file's first bytes, never the uploader's own name and extension."""

    def __init__(self, folder: str, *, field: str) -> None:
        self.folder = folder
        self.field = field

    def __call__(self, instance: object, filename: str) -> str:
        field_file = getattr(instance, self.field, None)
        content = getattr(field_file, "_file", None)
        kind = sniff(_head(content)) if content is not None else None
        return timezone.now().strftime(self.folder) + safe_name(filename, kind=kind)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadTo)
            and self.folder == other.folder
            and self.field == other.field
        )

    def __hash__(self) -> int:
        return hash((self.folder, self.field))


@deconstructible
class UploadValidator:
    """Refuse files larger than ``max_bytes`` or of a kind not in ``kinds``."""

    def __init__(self, *, max_bytes: int, kinds: tuple[str, ...]) -> None:
        self.max_bytes = max_bytes
        self.kinds = tuple(kinds)

    def __call__(self, value: object) -> None:
        if getattr(value, "_committed", False):
            return  # a file already stored was checked when it was uploaded; do not reopen it
        size = getattr(value, "size", 0) or 0
        if size > self.max_bytes:
            raise ValidationError(
                _("This file is %(size)s; the limit is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
            )
        handle = getattr(value, "file", None) or value
        position = handle.tell() if hasattr(handle, "tell") else 0
        handle.seek(0)
        head = handle.read(16)
        handle.seek(position)
        if sniff(head) not in self.kinds:
            raise ValidationError(
                _("Please upload a file of one of these kinds: %(kinds)s."),
                code="file_kind",
                params={"kinds": ", ".join(self.kinds)},
            )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.max_bytes == other.max_bytes
            and self.kinds == other.kinds
        )

    def __hash__(self) -> int:
        return hash((self.max_bytes, self.kinds))


IMAGE_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def image_validators() -> list[UploadValidator]:
    return [UploadValidator(max_bytes=IMAGE_MAX_BYTES, kinds=IMAGE_KINDS)]


def document_validators() -> list[UploadValidator]:
    return [UploadValidator(max_bytes=DOCUMENT_MAX_BYTES, kinds=DOCUMENT_KINDS)]
