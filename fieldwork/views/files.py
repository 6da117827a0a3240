"""Uploaded files (visit photos, expense receipts), served only through the data-scope rule.

Nothing under MEDIA_URL is served publicly: no URL maps the media folder, and a proxy in front of
the app must not serve it either. A file opens only through these views (and the API's `photo` /
`receipt` actions), which look the visit or the claim up with `visible_to(request.user)`: outside
the user's scope the answer is 404, identical to a file that does not exist.

By default the file is streamed through Django's storage API (`FileResponse(field.open("rb"))`),
so whatever `STORAGES["default"]` names (the file system, or django-storages' S3 / OSS backends)
works by settings alone.

Behind a proxy that sends files itself, set (after the view has checked the scope, the proxy
sends the bytes; the response carries only the header and an empty body):

    SENDFILE_HEADER = "X-Accel-Redirect"   # nginx; "X-Sendfile" for Apache or lighttpd
    SENDFILE_URL = "/protected-media/"     # prefix of the file's storage name in that header

For nginx, SENDFILE_URL names an *internal* location that maps to MEDIA_ROOT, so that no client
can request it directly:

    location /protected-media/ { internal; alias /srv/salesorg/media/; }

For X-Sendfile, SENDFILE_URL is the MEDIA_ROOT path on disk (e.g. "/srv/salesorg/media/").
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.http import content_disposition_header

from fieldwork.models import ExpenseClaim, Visit, VisitActionRecord, VisitPhoto

DEFAULT_SENDFILE_URL = "/protected-media/"
MAX_ID = 2**63 - 1


def _as_id(value: int | str | None) -> int:
    """An id from a URL or a query string; anything else is as missing as an unknown id (404)."""
    text = str(value)
    if not text.isdigit() or int(text) > MAX_ID:
        raise Http404
    return int(text)


def file_response(field: FieldFile | None) -> HttpResponse:
    """The uploaded file of `field`, inline, for a caller that has already applied the scope rule."""
    if not field:
        raise Http404
    name = field.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    header = getattr(settings, "SENDFILE_HEADER", "") or ""
    if header:
        prefix = getattr(settings, "SENDFILE_URL", "") or DEFAULT_SENDFILE_URL
        response = HttpResponse(content_type=content_type)
        response[header] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = field.open("rb")
        except OSError:
            # The row names a file the storage no longer has: as missing as any other.
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, posixpath.basename(name))
    # Served with the type its name says, never sniffed into HTML; cached by the browser only.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def visit_photo_file(*, user: Any, visit_pk: int | str | None = None, photo_pk: int | str | None = None) -> FieldFile:
    """A photo of a visit in the user's scope; 404 otherwise. By the photo's id, or by the visit's
    id (its first photo, or the one `photo_pk` names)."""
    photos = VisitPhoto.objects.filter(visit__in=Visit.objects.visible_to(user))
    if visit_pk is not None:
        photos = photos.filter(visit_id=get_object_or_404(Visit.objects.visible_to(user), pk=_as_id(visit_pk)).pk)
    if photo_pk not in (None, ""):
        photos = photos.filter(pk=_as_id(photo_pk))
    photo = photos.order_by("pk").first()
    if photo is None:
        raise Http404
    return photo.image


def expense_receipt_file(*, user: Any, claim_pk: int | str) -> FieldFile:
    """The receipt of a claim in the user's scope; 404 otherwise (or when it has none)."""
    claim = get_object_or_404(ExpenseClaim.objects.visible_to(user), pk=_as_id(claim_pk))
    if not claim.receipt:
        raise Http404
    return claim.receipt


@login_required
def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """One photo of a visit report, by the photo's id."""
    return file_response(visit_photo_file(user=request.user, photo_pk=pk))


def visit_action_photo_file(*, user: Any, record_pk: int | str) -> FieldFile:
    """The shelf or site photo of a visit action in the user's scope (its visit's); 404 otherwise."""
    record = get_object_or_404(VisitActionRecord.objects.visible_to(user), pk=_as_id(record_pk))
    if not record.image:
        raise Http404
    return record.image


@login_required
def visit_action_photo(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(visit_action_photo_file(user=request.user, record_pk=pk))


@login_required
def expense_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(expense_receipt_file(user=request.user, claim_pk=pk))


urlpatterns = [
    path("visits/photos/<int:pk>/", visit_photo, name="visit-photo"),
    path("expenses/<int:pk>/receipt/", expense_receipt, name="expense-receipt"),
    path("visits/actions/<int:pk>/photo/", visit_action_photo, name="visit-action-photo"),
]
