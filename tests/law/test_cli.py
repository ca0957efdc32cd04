"""The command-line contracts of `saisei classify` and `saisei deadline`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from saisei.law import OVERRIDES_ENV_VAR, RULES
from saisei.law.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"

PRP_KNEE: dict[str, Any] = {
    "date": "2026-04-28",
    "purpose": "treatment",
    "excluded_practice": None,
    "pmd_act_clinical_trial": False,
    "approved_product_on_label": False,
    "nucleic_acids_in_vivo": False,
    "cells": {
        "species": "human",
        "source": "autologous",
        "kind": "somatic",
        "gene_modified": False,
        "cultured": False,
        "reconstructive": False,
        "homologous": False,
    },
}


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_ok(args: list[str], stdin: str = "") -> dict[str, Any]:
    code, out, err = run(args, stdin)
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def run_invalid(args: list[str], stdin: str = "") -> str:
    """Run a command that must fail: status 2, nothing on stdout, exactly one line on stderr."""
    code, out, err = run(args, stdin)
    assert code == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1
    return err.rstrip("\n")


@pytest.fixture
def input_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(PRP_KNEE), encoding="utf-8")
    return path


# --- classify ---------------------------------------------------------------------------------


def test_classify_a_file(input_file: Path) -> None:
    code, out, err = run(["classify", str(input_file)])
    assert (code, err) == (0, "")
    assert out.startswith('{\n  "track": "rm_act",\n')  # indented JSON
    assert "医政研発" in out  # not escaped
    result = json.loads(out)
    assert list(result) == [
        "track",
        "risk_class",
        "regime",
        "rule",
        "path",
        "procedure",
        "uncertain",
    ]
    assert result["track"] == "rm_act"
    assert result["risk_class"] == "II"
    assert result["regime"] == "2025-05-31"
    assert result["rule"] == "rm.class2.non_homologous"
    assert result["path"][-1] == {
        "question": (
            "Are the cells used for the same function the cells at the target site have "
            "(homologous use)?"
        ),
        "answer": False,
        "basis": (
            "RM Act Art 2(8), RM Act Art 2(9); Ordinance Art 3(iii); homologous use defined in "
            "Ordinance Art 1(iii); notice 医政研発1031第1号 (2014-10-31); "
            "notice 医政研発0515第18号 (2025-05-15) Fig. 2 rules 8-9"
        ),
        "uncertain": False,
    }
    # The scope questions whose wording domain.md leaves uncertain say so: the result rests on them.
    assert result["uncertain"] is True
    assert [step["uncertain"] for step in result["path"][:3]] == [True, False, True]
    assert result["procedure"] == {
        "committee": "specially_certified",
        "filed_with": "regional_bureau",
        "restriction_days": 0,
    }


def test_classify_reads_stdin_with_a_dash() -> None:
    data = {**PRP_KNEE, "date": "2015-01-05", "cells": None}
    result = run_ok(["classify", "-"], json.dumps(data))
    assert result == {
        "track": "outside",
        "risk_class": None,
        "regime": "2014-11-25",
        "rule": "scope.no_processed_cells",
        "path": result["path"],
        "procedure": None,
        "uncertain": True,
    }
    assert [step["answer"] for step in result["path"]] == [
        None,
        False,
        False,
        "treatment",
        False,
        False,
    ]


def test_classify_class_i_reports_the_restriction() -> None:
    data = {**PRP_KNEE, "nucleic_acids_in_vivo": True, "cells": None}
    result = run_ok(["classify", "-"], json.dumps(data))
    assert (result["risk_class"], result["rule"]) == ("I", "rm.class1.in_vivo_gene_therapy")
    assert result["procedure"] == {
        "committee": "specially_certified",
        "filed_with": "minister",
        "restriction_days": 90,
    }


def test_classify_the_transitional_rule_lifts_the_restriction() -> None:
    data = {
        **PRP_KNEE,
        "date": "2026-01-15",
        "nucleic_acids_in_vivo": True,
        "in_vivo_provided_before_amendment": True,
        "cells": None,
    }
    result = run_ok(["classify", "-"], json.dumps(data))
    assert result["rule"] == "rm.class1.in_vivo_gene_therapy.transitional"
    assert result["procedure"]["restriction_days"] == 0
    assert result["path"][-1]["answer"] is True
    assert "supplementary provisions Art 3" in result["path"][-1]["basis"]
    late = run_ok(["classify", "-"], json.dumps({**data, "date": "2026-06-01"}))
    assert (late["rule"], late["procedure"]["restriction_days"]) == (
        "rm.class1.in_vivo_gene_therapy",
        90,
    )


def test_classify_reads_the_wording_of_uncertain_questions_from_the_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "overrides.json"
    wording = "Are only approved products used as approved (2027 notice wording)?"
    path.write_text(
        json.dumps({"questions": {"scope.approved_product_on_label": {"en": wording}}}),
        encoding="utf-8",
    )
    monkeypatch.setenv(OVERRIDES_ENV_VAR, str(path))
    result = run_ok(["classify", "-"], json.dumps(PRP_KNEE))
    assert result["path"][2]["question"] == wording
    assert result["rule"] == "rm.class2.non_homologous"  # the wording never changes the outcome
    path.write_text(
        json.dumps({"questions": {"rule8.homologous": {"en": "Homologous?"}}}), encoding="utf-8"
    )
    line = run_invalid(["classify", "-"], json.dumps(PRP_KNEE))
    assert line.startswith(f"saisei classify: SAISEI_LAW_OVERRIDES: {path}: questions.rule8.")
    assert "only the wording of uncertain questions" in line


def _with(**changes: Any) -> str:
    data = json.loads(json.dumps(PRP_KNEE))
    for key, value in changes.items():
        if key.startswith("cells__"):
            data["cells"][key.removeprefix("cells__")] = value
        else:
            data[key] = value
    return json.dumps(data)


def _without(field: str) -> str:
    data = json.loads(json.dumps(PRP_KNEE))
    if field.startswith("cells."):
        del data["cells"][field.removeprefix("cells.")]
    else:
        del data[field]
    return json.dumps(data)


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        pytest.param(
            _with(cells__kind="mesenchymal"),
            "saisei classify: cells.kind: must be one of es, ips, somatic_stem, somatic "
            '(got "mesenchymal")',
            id="unknown value",
        ),
        pytest.param(
            _without("nucleic_acids_in_vivo"),
            "saisei classify: nucleic_acids_in_vivo: required field is missing",
            id="missing field",
        ),
        pytest.param(
            _without("cells.homologous"),
            "saisei classify: cells.homologous: required field is missing",
            id="missing nested field",
        ),
        pytest.param(
            _with(extra=1),
            "saisei classify: extra: unknown field (expected one of date, purpose, "
            "excluded_practice, pmd_act_clinical_trial, approved_product_on_label, "
            "nucleic_acids_in_vivo, cells, "
            "in_vivo_provided_before_amendment)",
            id="unknown extra field",
        ),
        pytest.param(
            _with(cells__origin="adipose"),
            "saisei classify: cells.origin: unknown field (expected one of species, source, kind, "
            "gene_modified, cultured, reconstructive, homologous)",
            id="unknown nested field",
        ),
        pytest.param(
            _with(pmd_act_clinical_trial="false"),
            'saisei classify: pmd_act_clinical_trial: must be true or false (got "false")',
            id="string for a boolean",
        ),
        pytest.param(
            _with(cells__cultured=1),
            "saisei classify: cells.cultured: must be true or false (got 1)",
            id="number for a boolean",
        ),
        pytest.param(
            _with(purpose=3),
            "saisei classify: purpose: must be one of treatment, prevention, reconstruction, "
            "other (got 3)",
            id="wrong type for an enum",
        ),
        pytest.param(
            _with(cells="PRP"),
            'saisei classify: cells: must be null or an object (got "PRP")',
            id="wrong type for cells",
        ),
        pytest.param(
            _with(date="2026/04/28"),
            'saisei classify: date: must be a date YYYY-MM-DD (got "2026/04/28")',
            id="malformed date",
        ),
        pytest.param(
            _with(date="2026-04-31"),
            'saisei classify: date: must be a date YYYY-MM-DD (got "2026-04-31")',
            id="impossible date",
        ),
        pytest.param(
            _with(date="2014-11-24"),
            "saisei classify: date: must be on or after 2014-11-25, when the RM Act came into "
            'force (got "2014-11-24")',
            id="date before the Act",
        ),
        pytest.param(
            "[1, 2]",
            "saisei classify: input: must be a JSON object (got [1, 2])",
            id="not an object",
        ),
        pytest.param(
            "null",
            "saisei classify: input: must be a JSON object (got null)",
            id="null",
        ),
        pytest.param(
            '{"date": ',
            "saisei classify: input: invalid JSON: Expecting value (line 1, column 10)",
            id="invalid JSON",
        ),
        pytest.param(
            "",
            "saisei classify: input: invalid JSON: Expecting value (line 1, column 1)",
            id="empty input",
        ),
        pytest.param(
            '{"date": "2026-04-28", "date": "2026-04-29"}',
            'saisei classify: input: duplicate key "date"',
            id="duplicate key",
        ),
    ],
)
def test_classify_rejects_invalid_input_with_one_line(stdin: str, expected: str) -> None:
    assert run_invalid(["classify", "-"], stdin) == expected


def test_classify_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    line = run_invalid(["classify", str(missing)])
    assert line == f'saisei classify: FILE: cannot read "{missing}": No such file or directory'
    assert run_invalid(["classify", str(tmp_path)]).startswith("saisei classify: FILE: cannot read")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert run_invalid(["classify", str(binary)]).startswith("saisei classify: FILE: cannot read")


def test_classify_without_a_file_is_a_usage_error() -> None:
    assert run_invalid(["classify"]) == (
        "saisei classify: the following arguments are required: FILE"
    )


# --- deadline ---------------------------------------------------------------------------------

REQUIRED_KEYS = [
    "rule",
    "basis",
    "from",
    "period",
    "period_start",
    "period_end",
    "to",
    "nominal_due",
    "due",
    "skipped",
]


def test_deadline_worked_example() -> None:
    args = ["deadline", "ae_death", "--from", "2026-04-28", "--to", "regional_bureau"]
    result = run_ok(args)
    assert list(result)[: len(REQUIRED_KEYS)] == REQUIRED_KEYS
    assert {key: result[key] for key in REQUIRED_KEYS} == {
        "rule": "ae_death",
        "basis": (
            "RM Act Art 18; Ordinance Art 36(1), (2) applying Art 35(1)(i); "
            "Ordinance Art 118(1)(iv)"
        ),
        "from": "2026-04-28",
        "period": None,
        "period_start": None,
        "period_end": None,
        "to": "regional_bureau",
        "nominal_due": "2026-05-05",
        "due": "2026-05-07",
        "skipped": [
            {"date": "2026-05-05", "reason": "national holiday: Children's Day"},
            {"date": "2026-05-06", "reason": "substitute holiday"},
        ],
    }
    assert result["uncertain"] is False
    assert result["legal_name"] == "疾病等報告"
    assert result["explanation"].startswith("Due 2026-05-07: 7 days after 2026-04-28")
    assert "Act on Holidays of Administrative Organs Art 1(1), Art 2" in result["explanation"]
    # The same event's report to the committee (the default recipient) is due on the holiday
    # itself, unless its rules record it closed on national holidays.
    committee = run_ok(["deadline", "ae_death", "--from", "2026-04-28"])
    assert (committee["to"], committee["due"], committee["skipped"]) == (
        "committee",
        "2026-05-05",
        [],
    )
    closed = run_ok(
        [
            "deadline",
            "ae_death",
            "--from",
            "2026-04-28",
            "--to",
            "committee",
            "--committee-closed",
            "sunday,national_holiday",
        ]
    )
    assert closed["due"] == "2026-05-07"
    assert closed["committee_closed"] == ["sunday", "national_holiday"]


def test_deadline_committee_renewal_gives_its_term_and_window() -> None:
    result = run_ok(["deadline", "committee_renewal", "--from", "2026-04-01", "--period", "2"])
    assert (result["period_start"], result["period_end"]) == ("2029-04-01", "2032-03-31")
    assert (result["nominal_due"], result["window_opens"]) == ("2032-01-31", "2032-01-01")
    assert result["to"] == "minister"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_deadline_answers_every_rule(rule_id: str) -> None:
    result = run_ok(["deadline", rule_id, "--from", "2026-04-01"])
    assert list(result)[: len(REQUIRED_KEYS)] == REQUIRED_KEYS
    assert result["rule"] == rule_id
    assert result["uncertain"] is RULES[rule_id].uncertain
    recipients = RULES[rule_id].recipients
    assert result["to"] == (recipients[0] if recipients else None)
    if RULES[rule_id].kind.periodic:
        assert result["period"] == 1
        assert result["period_start"] == "2026-04-01"
    else:
        assert result["period"] is result["period_start"] is result["period_end"] is None


def test_deadline_class1_restriction_is_day_91_and_never_moved() -> None:
    result = run_ok(["deadline", "class1_restriction", "--from", "2026-02-04"])
    assert (result["nominal_due"], result["due"], result["skipped"]) == (
        "2026-05-05",
        "2026-05-05",
        [],
    )


def test_deadline_periodic_with_period() -> None:
    result = run_ok(["deadline", "periodic_report", "--from", "2026-04-01", "--period", "3"])
    assert (result["period"], result["period_start"], result["period_end"]) == (
        3,
        "2028-04-01",
        "2029-03-31",
    )
    assert result["nominal_due"] == "2029-06-29"
    assert (
        run_ok(["deadline", "ae_other_cycle", "--from=2026-04-01", "--period=2"])["period_end"]
        == "2026-07-29"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["deadline", "ae_fatal", "--from", "2026-04-28"],
            'saisei deadline: RULE: unknown rule "ae_fatal" (expected one of ae_death, ae_serious, '
            "ae_other_cycle, periodic_report, cpc_periodic_report, cpc_change_notice, "
            "cpc_closure_notice, committee_renewal, minor_change, discontinuation, "
            "research_summary, class1_restriction, record_retention, "
            "committee_certification_expiry, cpc_licence_expiry)",
            id="unknown rule",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from", "2026-13-01"],
            'saisei deadline: --from: must be a date YYYY-MM-DD (got "2026-13-01")',
            id="bad date",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from", "tomorrow"],
            'saisei deadline: --from: must be a date YYYY-MM-DD (got "tomorrow")',
            id="not a date",
        ),
        pytest.param(
            ["deadline", "periodic_report", "--from", "2026-04-01", "--period", "0"],
            'saisei deadline: --period: must be an integer from 1 to 1000 (got "0")',
            id="period 0",
        ),
        pytest.param(
            ["deadline", "periodic_report", "--from", "2026-04-01", "--period", "-2"],
            'saisei deadline: --period: must be an integer from 1 to 1000 (got "-2")',
            id="negative period",
        ),
        pytest.param(
            ["deadline", "periodic_report", "--from", "2026-04-01", "--period", "1.5"],
            'saisei deadline: --period: must be an integer from 1 to 1000 (got "1.5")',
            id="non-integer period",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from", "2026-04-28", "--period", "1"],
            "saisei deadline: --period: not allowed for ae_death, which is not a periodic rule",
            id="period for a single-event rule",
        ),
        pytest.param(
            ["deadline", "ae_death"],
            "saisei deadline: the following arguments are required: --from",
            id="missing --from",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from"],
            "saisei deadline: argument --from: expected one argument",
            id="--from without a value",
        ),
        pytest.param(
            ["deadline", "periodic_report", "--from", "2026-04-01", "--period", "90"],
            "saisei deadline: --period: the due date 2116-06-29 is outside the holiday calendar "
            "(1949-2099), so closed days cannot be determined",
            id="beyond the holiday calendar",
        ),
        pytest.param(
            ["deadline", "periodic_report", "--from", "2026-04-01", "--period", "1000000"],
            'saisei deadline: --period: must be an integer from 1 to 1000 (got "1000000")',
            id="a huge period",
        ),
        pytest.param(
            ["deadline", "ae_other_cycle", "--from", "2026-04-01", "--to", "minister"],
            'saisei deadline: --to: ae_other_cycle is not sent to "minister" (its recipients: '
            "committee)",
            id="a recipient the rule does not have",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from", "2026-04-01", "--to", "mhlw"],
            "saisei deadline: --to: must be one of committee, minister, regional_bureau, jrct "
            '(got "mhlw")',
            id="an unknown recipient",
        ),
        pytest.param(
            ["deadline", "class1_restriction", "--from", "2026-04-01", "--to", "committee"],
            "saisei deadline: --to: class1_restriction has no recipient (it is a restriction rule)",
            id="a recipient for a restriction",
        ),
        pytest.param(
            [
                "deadline",
                "ae_death",
                "--from",
                "2026-04-01",
                "--to",
                "minister",
                "--committee-closed",
                "sunday",
            ],
            "saisei deadline: --committee-closed: applies only to a report to a committee (this "
            "one goes to minister)",
            id="committee closed days for the Minister",
        ),
        pytest.param(
            ["deadline", "ae_death", "--from", "2026-04-01", "--committee-closed", "obon"],
            'saisei deadline: --committee-closed: unknown kind of closed day "obon" (expected '
            "sunday, saturday, national_holiday, year_end_closure)",
            id="an unknown kind of closed day",
        ),
        pytest.param(["tomorrow"], None, id="unknown command"),
        pytest.param([], None, id="no command"),
    ],
)
def test_deadline_rejects_invalid_input_with_one_line(
    args: list[str], expected: str | None
) -> None:
    line = run_invalid(args)
    if expected is not None:
        assert line == expected
    else:
        assert line.startswith("saisei: ")


def test_deadline_reads_overrides_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"record_retention": {"offset": 20}}), encoding="utf-8")
    monkeypatch.setenv(OVERRIDES_ENV_VAR, str(path))
    result = run_ok(["deadline", "record_retention", "--from", "2026-04-28"])
    assert (result["due"], result["uncertain"]) == ("2046-04-28", True)


def test_deadline_with_a_malformed_overrides_file_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "overrides.json"
    path.write_text('{"record_retention": {"offset": "twenty"}}', encoding="utf-8")
    monkeypatch.setenv(OVERRIDES_ENV_VAR, str(path))
    assert run_invalid(["deadline", "ae_death", "--from", "2026-04-28"]) == (
        f"saisei deadline: SAISEI_LAW_OVERRIDES: {path}: record_retention.offset: must be an "
        'integer of at least 1 (got "twenty")'
    )


def test_help_goes_to_stdout() -> None:
    code, out, err = run(["deadline", "--help"])
    assert (code, err) == (0, "")
    assert "--period" in out


# --- the package as a program, and its isolation from Django ----------------------------------


def _python(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop(OVERRIDES_ENV_VAR, None)
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_python_dash_m_saisei_law() -> None:
    done = _python(
        "-m", "saisei.law", "deadline", "ae_death", "--from", "2026-04-28", "--to", "minister"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due"] == "2026-05-07"
    failed = _python("-m", "saisei.law", "classify", "-", stdin="{}")
    assert (failed.returncode, failed.stdout) == (2, "")
    assert failed.stderr == "saisei classify: date: required field is missing\n"


def test_importing_the_law_engine_imports_no_django() -> None:
    code = (
        "import sys, saisei.law, saisei.law.cli\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
        "others = [m for m in sys.modules if m.startswith('saisei.') and m != 'saisei.law'"
        " and not m.startswith('saisei.law.')]\n"
        "assert not others, others\n"
    )
    done = _python("-c", code)
    assert done.returncode == 0, done.stderr
