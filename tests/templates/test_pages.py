"""Every page of the demo world, as every persona: tables captioned, ARIA references whole,
nothing inline.

The walk is the security walk's (tests/security/test_patient_fields.py): every page route of the
URLconf filled with real ids, read by every persona, then posted empty (which shows the forms
again with their errors). Each HTML response is checked by `PageAudit`.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.foundation.test_csp import offences
from tests.security.conftest import PERSONAS, PatientWorld
from tests.security.test_patient_fields import Ids, page_urls
from tests.templates.html_audit import PageAudit

pytestmark = pytest.mark.django_db


def _wrapped(table: str) -> str:
    return f'<div class="table-wrap">{table}</div>'


def test_the_audit_finds_what_it_looks_for() -> None:
    captioned = "<table><caption>x</caption><tr><td>1</td></tr></table>"
    assert PageAudit(_wrapped(captioned)).problems() == []
    assert PageAudit(f'<div class="table-scroll">{captioned}</div>').problems() == []
    assert PageAudit(_wrapped("<table>\n  <caption>x</caption></table>")).problems() == []
    assert PageAudit(_wrapped("<table><thead><tr><th>x</th></tr></thead></table>")).problems()
    assert PageAudit(_wrapped("<table>text<caption>x</caption></table>")).problems()
    assert PageAudit(_wrapped("<table></table>")).problems()
    # A table a phone cannot scroll: outside any container, or in one that does not scroll.
    assert PageAudit(captioned).problems() == [
        "1 of 1 tables are not in a sideways-scrolling container"
    ]
    assert PageAudit(f'<div class="note"><p>x<br></p>{captioned}</div>').problems()
    assert PageAudit(f'<div class="table-wrap"><section>{captioned}</section></div>').problems()
    assert (
        PageAudit(f'<div class="table-wrap"><p>x</p><img src="a">{captioned}</div>').problems()
        == []
    )
    assert PageAudit('<input aria-describedby="a_helptext">').problems()
    assert PageAudit('<input aria-describedby="a"><p id="a"></p><p id="a"></p>').problems()
    assert not PageAudit('<input aria-describedby="a b"><p id="a"></p><ul id="b"></ul>').problems()
    assert PageAudit('<p id="x"></p><p id="x"></p>').problems()


def test_every_page_captions_its_tables_and_names_only_ids_it_has(world: PatientWorld) -> None:
    ids = Ids(world)
    found: dict[str, list[str]] = {}
    pages = tables = described = 0
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona is not None:
            client.force_login(world.user(persona))
        requests = [("get", url) for _n, url in page_urls(ids.focus)]
        requests += [("post", url) for _n, url in page_urls(ids.focus)]
        for method, url in requests:
            response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            audit = PageAudit(html)
            pages += 1
            tables += audit.tables
            described += sum(a == "aria-describedby" for _t, a, _r in audit.references)
            # And nothing the Content-Security-Policy would block (tests/foundation/test_csp.py).
            if problems := audit.problems() + offences(html):
                found[f"{persona or 'anonymous'} {method.upper()} {url}"] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    # The walk met the pages it is about: many pages, tables and described fields.
    assert pages > 1000 and tables > 800 and described > 100, (pages, tables, described)
