"""Compile every django.po under saisei/locale into django.mo with polib.

GNU gettext's msgfmt is not needed on a machine that only runs Saisei: the .mo files are
committed, and `make messages` rebuilds them after the .po files change.
"""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def main() -> int:
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(LOCALE_DIR)}: {po.percent_translated()}% translated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
