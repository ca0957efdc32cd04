"""The patient's guide (saisei.portal.guide): plain questions answered by the law engine, an
"I don't know" left open and named, and the page in both languages with its legal basis."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from saisei.law import Track
from saisei.portal.guide import answer

ON = date(2026, 12, 2)
KNOWN = {"pluripotent": "no", "gene": "no"}


@pytest.mark.parametrize(
    ("answers", "track", "classes"),
    [
        ({"offered": "product"}, Track.PMD_ACT, []),
        ({"offered": "trial"}, Track.PMD_ACT, []),
        ({"offered": "cell_free"}, Track.OUTSIDE, []),
        ({"offered": "other"}, Track.OUTSIDE, []),
        ({"offered": "gene"}, Track.RM_ACT, ["I"]),
        # Own adipose stem cells expanded in culture: Class II (rule 6).
        (
            {"offered": "cells", "source": "own", "cultured": "yes", "stem": "yes", **KNOWN},
            Track.RM_ACT,
            ["II"],
        ),
        # PRP into the skin: own, uncultured, not stem cells, the same job: Class III.
        (
            {
                "offered": "cells",
                "source": "own",
                "cultured": "no",
                "stem": "no",
                "same_place": "yes",
                **KNOWN,
            },
            Track.RM_ACT,
            ["III"],
        ),
        # The same into a joint (another job): Class II (rule 8).
        (
            {
                "offered": "cells",
                "source": "own",
                "cultured": "no",
                "stem": "no",
                "same_place": "no",
                **KNOWN,
            },
            Track.RM_ACT,
            ["II"],
        ),
        # A donor's cells, processed: Class I (rule 5), whatever else is not known.
        ({"offered": "cells", "source": "donor", "cultured": "yes"}, Track.RM_ACT, ["I"]),
    ],
)
def test_the_law_engine_answers_the_patients_questions(
    answers: dict[str, str], track: Track, classes: list[str]
) -> None:
    found = answer(answers, ON)
    assert found.tracks == {track}
    assert found.classes == classes
    assert found.settled and found.deciding == ()
    assert all(english and japanese for english, japanese in found.bases)


def test_an_answer_not_known_is_left_open_and_named_when_it_decides() -> None:
    # Own cells, not cultured, not stem cells: only the job they do decides II or III.
    found = answer(
        {"offered": "cells", "source": "own", "cultured": "no", "stem": "no", **KNOWN}, ON
    )
    assert found.classes == ["II", "III"] and not found.settled
    assert found.deciding == ("same_place",)
    # Nothing known: every class is possible, and each question decides.
    everything = answer({"offered": "cells"}, ON)
    assert everything.classes == ["I", "II", "III"]
    assert {"source", "cultured", "same_place"} <= set(everything.deciding)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            ["Its class is one of: Class II / Class III", "Which one depends on:", "Legal basis"],
        ),
        ("ja", ["第二種", "施行規則第3条", "法的根拠"]),
    ],
)
def test_the_guide_page_answers_in_each_language(client: Any, language: str, texts: list) -> None:
    client.cookies["saisei_language"] = language
    page = client.get(
        "/guide/",
        {"offered": "cells", "source": "own", "cultured": "no", "stem": "no", **KNOWN},
    )
    html = page.content.decode()
    assert page.status_code == 200
    for text in texts:
        assert text in html, text
    # The questions alone, and a refused answer, are pages too.
    assert client.get("/guide/").status_code == 200
    refused = client.get("/guide/", {"offered": "magic"})
    assert refused.status_code == 200 and 'id="answer"' not in refused.content.decode()
