"""After a load run: every visit the server answered 201 for is in the database, and nothing else
carries the run's marker (no lost write, no phantom write).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/load_check.py load1 [/tmp/load1.ids]

Exits non-zero when a created visit is missing or a visit carries the marker without a 201.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    marker = sys.argv[1]
    ids_file = Path(sys.argv[2] if len(sys.argv) > 2 else f"/tmp/{marker}.ids")
    posted = {int(line) for line in ids_file.read_text().split() if line}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesorg.settings.local")
    import django

    django.setup()
    from fieldwork.models import Visit

    stored = set(Visit.objects.filter(purpose__startswith=f"{marker} ").values_list("id", flat=True))
    missing, phantom = posted - stored, stored - posted
    print(f"{marker}: {len(posted)} visits created (201), {len(stored)} stored with the marker")
    print(f"missing (created but not stored): {len(missing)}; stored without a 201: {len(phantom)}")
    return 1 if missing or phantom else 0


if __name__ == "__main__":
    raise SystemExit(main())
