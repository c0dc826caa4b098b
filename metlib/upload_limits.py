"""Limits on multipart request bodies, enforced before and while the body streams.

Neither Django nor gunicorn limits file parts: Django writes a large part to the temporary
folder as it reads it, and only the form decides afterwards whether it wanted the file. This
middleware refuses a multipart body larger than the limit before reading any of it (visitors
who are not signed in get a much smaller limit; no page asks them for a file), and an upload
handler stops the parser if more arrives than was announced. The proxy in front should refuse
such bodies first (docs/deploy.md).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class UploadTooLarge(RequestDataTooBig):
    """More multipart bytes arrived than this request may send."""


def limit_for(request: HttpRequest) -> int:
    """How many bytes a multipart body from this request may have."""
    if request.user.is_authenticated:
        return settings.UPLOAD_MAX_BYTES
    return settings.ANONYMOUS_UPLOAD_MAX_BYTES


class CountingUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts file bytes as they stream and stops at the limit,
    whatever the Content-Length said."""

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge("multipart body over the limit")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    response = render(request, "upload_too_large.html", {"limit": filesizeformat(limit)})
    response.status_code = 413
    response["Connection"] = "close"  # the rest of the body is not read
    return response


class UploadLimitMiddleware:
    """Refuse oversized multipart bodies with a page that says the limit (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type != "multipart/form-data":
            return self.get_response(request)
        limit = limit_for(request)
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        if announced > limit:
            return _too_large(request, limit)
        request.upload_handlers.insert(0, CountingUploadHandler(request, limit=limit))
        try:
            request.POST  # noqa: B018 - parse now, under the limit, before any view reads it
        except UploadTooLarge:
            return _too_large(request, limit)
        except MultiPartParserError:
            pass  # a malformed body reads as an empty form (Django marks it so); no 500
        return self.get_response(request)
