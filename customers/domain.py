"""Pure helpers of customers and the apps that record work with them: distances, input cleaning,
upload checks. No database access; the services call them before they write."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError

EARTH_RADIUS_M = 6_371_000


def haversine_m(lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float, lon2: Decimal | float) -> int:
    """Great-circle distance in metres between two points (degrees), rounded to the metre."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


def clean_coordinates(
    latitude: Any, longitude: Any, *, lat_field: str = "latitude", lon_field: str = "longitude"
) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither; latitude within -90..90 and longitude within -180..180; six decimals."""
    errors: dict[str, list[str]] = {}
    values: list[Decimal | None] = []
    for raw, field, limit in ((latitude, lat_field, 90), (longitude, lon_field, 180)):
        if raw in (None, ""):
            values.append(None)
            continue
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            errors[field] = [_("Enter a number.")]
            values.append(None)
            continue
        if not value.is_finite() or not -limit <= value <= limit:
            errors[field] = [_("Must be between -%(limit)s and %(limit)s.") % {"limit": limit}]
        values.append(value)
    if not errors and (values[0] is None) != (values[1] is None):
        missing = lat_field if values[0] is None else lon_field
        errors[missing] = [_("Give both latitude and longitude, or neither.")]
    if errors:
        raise ApplicationError(_("The location is not valid."), fields=errors)
    return values[0], values[1]


def clean_amount(value: Any, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Enter an amount."), fields={field: [_("Enter a number.")]}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ApplicationError(_("The amount must be positive."), fields={field: [_("Must be more than 0.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("At most two decimals."), fields={field: [_("At most two decimals.")]})
    return amount


def clean_date(value: Any, *, field: str, today: date | None = None, allow_future: bool = True) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except (TypeError, ValueError):
            raise ApplicationError(
                _("Enter a valid date."), fields={field: [_("Enter a valid date (YYYY-MM-DD).")]}
            ) from None
    if not allow_future and today is not None and day > today:
        raise ApplicationError(_("The date is in the future."), fields={field: [_("Cannot be in the future.")]})
    return day


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def check_size(upload: UploadedFile, *, field: str) -> None:
    if upload.size is not None and upload.size > max_upload_bytes():
        limit_mb = max_upload_bytes() // (1024 * 1024)
        raise ApplicationError(
            _("The file is too large."),
            fields={field: [_("%(name)s is larger than %(limit)s MB.") % {"name": upload.name, "limit": limit_mb}]},
        )


def check_image(upload: UploadedFile, *, field: str) -> None:
    """A real image (Pillow can read it), within the size cap."""
    from PIL import Image, UnidentifiedImageError

    check_size(upload, field=field)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ApplicationError(
            _("The file is not an image."),
            fields={field: [_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": upload.name}]},
        ) from None
    finally:
        upload.seek(0)


# --- duplicates: one company under two spellings --------------------------------------------------

# Legal-form suffixes dropped from the end of a company name before comparing: Chinese ones as
# written, Latin ones as whole words (so "Costco" keeps its "co"), each possibly followed by dots.
CJK_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_LATIN_SUFFIX = re.compile(
    r"(?:^|[\s,.])(?:co\.?,?\s*ltd|company\s+limited|corporation|corp|limited|company|co|inc|llc|gmbh|ltd)\.?$"
)
_TRAILING = re.compile(r"[\s\W_]+$")


def _fold(text: str) -> str:
    """Letters and digits only (spaces, punctuation and symbols of every script dropped)."""
    return "".join(ch for ch in text if ch.isalnum())


def normalized_company_name(name: str) -> str:
    """The key two spellings of one company share: full-width -> half-width (NFKC), lower case,
    legal-form suffixes removed from the end (repeatedly: "Acme Trading Co., Ltd." -> "acme
    trading"), then spaces and punctuation dropped. A name that is nothing but a suffix keeps it.

    >>> normalized_company_name("苏州 精密（制造）有限公司") == normalized_company_name("苏州精密(制造)")
    True
    """
    text = unicodedata.normalize("NFKC", name or "").casefold().strip()
    while _fold(text) not in CJK_COMPANY_SUFFIXES:
        before = text
        text = _TRAILING.sub("", text)
        for suffix in CJK_COMPANY_SUFFIXES:
            if text.endswith(suffix) and _fold(text[: -len(suffix)]):
                text = text[: -len(suffix)]
                break
        else:
            match = _LATIN_SUFFIX.search(text)
            if match and _fold(text[: match.start()]):
                text = text[: match.start()]
        if text == before:
            break
    return _fold(text)


def normalized_tax_number(value: str) -> str:
    """A tax number (统一社会信用代码) as compared and stored: half-width, upper case, letters and
    digits only."""
    return _fold(unicodedata.normalize("NFKC", value or "")).upper()
