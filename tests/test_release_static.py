"""Static assets are complete: collectstatic with the manifest storage (as production uses) finds
every file a stylesheet or script references, so no page answers 500 for a missing asset."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css = manifest["vendor/bootstrap/bootstrap.min.css"]
    assert re.fullmatch(r"vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", css)
    assert (tmp_path / css).exists()
    # The icon font's stylesheet points at the hashed fonts.
    icons = (tmp_path / manifest["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    assert manifest["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"].rsplit("/", 1)[1] in icons


def test_vendored_files_point_at_no_source_map():
    """scripts/vendor.sh strips the packages' sourceMappingURL comments (the maps are not vendored)."""
    offenders = [
        str(path.relative_to(VENDOR))
        for path in VENDOR.rglob("*")
        if path.suffix in (".js", ".css") and "sourceMappingURL" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
