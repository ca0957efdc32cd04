"""Loader of the real products reference data (data/*.csv; see data/README.md).

`approved_products.csv` and `product_events.csv` are byte-identical copies of the shared
reference and are never edited here. What this project adds or corrects lives in its own files
beside them, and every correction names the reference value it corrects: when the shared file
changes under a correction, loading stops with the file and line of the correction instead of
silently correcting a row that is no longer the one it was written for.

Idempotent: rows are found again by their natural keys (the product slug, a holder's name, an
event's product/date/kind as the reference file first gave it), only changed fields are written,
and only changes are audited (as `system:reference`), so a second run writes nothing. The files
are checked as a whole before anything is written: a file that contradicts itself is refused
with the line at fault.

The loader is three stages, one module each: `reading` (the files and each row's own rules),
`checking` (the law engine's view of the whole) and `applying` (the audited writes).
"""

from saisei.products.reference.applying import Summary, load
from saisei.products.reference.checking import parse
from saisei.products.reference.reading import DATA_DIR, SYSTEM, Parsed, ReferenceDataError

__all__ = ["DATA_DIR", "SYSTEM", "Parsed", "ReferenceDataError", "Summary", "load", "parse"]
