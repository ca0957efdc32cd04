"""`saisei product-status SLUG [--as-of YYYY-MM-DD]`: one product's status as a JSON object.

stdout carries exactly {"product", "as_of", "status", "in_force", "time_limit_ends_on", "reason",
"reason_ja"} and nothing else, so scripts can parse it (`reason` is English, `reason_ja` the
plain-language explanation in Japanese, with what is not known inside a status gap); every
refusal (unknown product, bad date) goes to stderr with a non-zero exit status and leaves stdout
empty.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from saisei.core.time import legal_today
from saisei.products.selectors import product_get, product_row


class Command(BaseCommand):
    help = (
        "Print a product's approval status on a day as JSON: product, as_of, status, in_force, "
        "time_limit_ends_on, reason (English), reason_ja (Japanese). --as-of defaults to today "
        "in Asia/Tokyo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the product's identifier, e.g. amchepry")
        parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default: today)")

    def fail(self, message: str) -> None:
        sys.stderr.write(f"saisei product-status: {message}\n")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = legal_today()
        if options["as_of"] is not None:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                self.fail(f"--as-of must be a date as YYYY-MM-DD (got {options['as_of']!r})")
        product = product_get(options["slug"])
        if product is None:
            self.fail(f"no product with the identifier {options['slug']!r}")
        assert product is not None
        row = product_row(product, as_of)
        if row.status is None:
            self.fail(f"no approval is recorded for {product.slug!r}")
        assert row.status is not None
        with translation.override("ja"):
            reason_ja = row.status.explanation()
        out = {"product": product.slug, **row.status.to_dict(), "reason_ja": reason_ja}
        self.stdout.write(json.dumps(out, ensure_ascii=False))
