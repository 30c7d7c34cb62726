"""Fuzz `python -m forms assess`: hostile case files (bytes) in-process through main(), and a few real runs.

Every input ends in exit code 0 with a JSON result on stdout, or exit code 2 with one Chinese line on
stderr ("错误：…"); never a traceback, never another exit code.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import ANY, FUZZ, RUNS, SCALARS, TODAY, answers_for, materials_for
from hypothesis import given, strategies as st

from forms import registry
from forms.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
SERVICES = list(registry.services())
CJK = re.compile("[\u4e00-\u9fff]")


def run_main(argv: list[str]) -> tuple[int, bytes, str]:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    out.flush()
    return code, out.buffer.getvalue(), err.getvalue()


@st.composite
def case_files(draw, service_id: str) -> bytes:
    """A case file as bytes: a hostile case in one of several encodings, or broken JSON."""
    service = registry.get(service_id)
    example = service.example(TODAY)
    doc: object = {"answers": draw(answers_for(service)), "materials": draw(materials_for(service))}
    if example.get("facts") is not None or draw(st.booleans()):
        doc["facts"] = example.get("facts") or {}
    shape = draw(st.integers(0, 12))
    if shape == 0:
        doc["facts"] = draw(st.one_of(ANY, st.dictionaries(st.sampled_from(
            ["registration", "frame_registered", "earlier_claims", "workers_elsewhere", "x"]), ANY, max_size=3)))
    elif shape == 1:
        doc["materials"] = draw(ANY)
    elif shape == 2:
        doc = draw(ANY)
    elif shape == 3:
        doc[draw(st.text(max_size=5))] = draw(SCALARS)
    try:
        text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True, default=str)
    except (RecursionError, ValueError):
        text = json.dumps({"answers": {}})
    mangle = draw(st.integers(0, 10))
    if mangle == 0:  # nested past any parser's patience, inside a real answer
        depth = draw(st.integers(500, 200_000))
        text = text.replace('{"answers": {', '{"answers": {"name": ' + "[" * depth + "]" * depth + ", ", 1)
    elif mangle == 1:  # a number with thousands of digits
        text = text.replace('{"answers": {', '{"answers": {"name": 1' + "0" * draw(st.integers(300, 6000)) + ", ", 1)
    elif mangle == 2:  # cut short
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "big5"]))
    data = text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    if draw(st.integers(0, 20)) == 0:
        data = draw(st.binary(max_size=200))
    return data


def check_outcome(code: int, out: bytes, err: str) -> None:
    assert "Traceback" not in err
    if code == 0:
        result = json.loads(out.decode("utf-8"))  # well-formed UTF-8 JSON, nothing else
        assert result["decision"] in ("accept", "incomplete", "refuse")
        assert err == ""
    else:
        assert code == 2, (code, err)
        assert err.startswith("错误：") and CJK.search(err), err
        assert out == b""


@pytest.mark.parametrize("service_id", SERVICES)
def test_assess_answers_every_case_file_with_a_result_or_a_chinese_message(service_id, tmp_path_factory):
    run_name = f"cli[{service_id}]"
    folder = tmp_path_factory.mktemp("files")

    @FUZZ
    @given(data=case_files(service_id))
    def run(data: bytes) -> None:
        RUNS[run_name] += 1
        path = folder / "case.json"
        path.write_bytes(data)
        check_outcome(*run_main(["assess", service_id, str(path), "--today", TODAY.isoformat()]))

    run()
    assert RUNS[run_name] >= FUZZ.max_examples  # every input really ran


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "forms", *args], cwd=ROOT, capture_output=True, input=stdin,
                          timeout=120)


def example_text(service_id: str) -> str:
    return json.dumps(registry.get(service_id).example(TODAY), ensure_ascii=False)


REAL_RUNS = {
    "gbk": (lambda: example_text("residence_permit").encode("gbk"), "不是 UTF-8 编码"),
    "deep": (lambda: ('{"answers": {"name": ' + "[" * 100_000 + "]" * 100_000 + "}}").encode(), "嵌套层数过深"),
    "digits": (lambda: ('{"answers": {"name": 1' + "0" * 5000 + "}}").encode(), "位数过多"),
    "facts_not_object": (lambda: b'{"answers": {}, "facts": [1, 2]}', "既有记录"),
    "materials_not_object": (lambda: b'{"answers": {}, "materials": "provided"}', "材料"),
    "surrogate_in_facts": (lambda: b'{"answers": {}, "facts": {"registration": {"owner_name": "\\ud800"}}}',
                           "无效字符"),
}


@pytest.mark.parametrize("name", REAL_RUNS)
def test_real_runs_refuse_bad_files_in_chinese(name, tmp_path):
    make, fragment = REAL_RUNS[name]
    path = tmp_path / "case.json"
    path.write_bytes(make())
    proc = cli("assess", "residence_permit", str(path), "--today", TODAY.isoformat())
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and fragment in err and "Traceback" not in err, err


def test_gbk_file_is_named_with_the_encoding_it_looks_like(tmp_path):
    path = tmp_path / "申请.json"
    path.write_bytes(example_text("residence_permit").encode("gbk"))
    code, out, err = run_main(["assess", "residence_permit", str(path), "--today", TODAY.isoformat()])
    assert code == 2 and out == b""
    assert str(path) in err and "不是 UTF-8 编码" in err and ("GB18030" in err or "GBK" in err)


def test_real_run_with_huge_and_surrogate_answers_reports_findings_on_the_fields(tmp_path):
    case = registry.get("ebike_registration").example(TODAY)
    case["answers"].update(max_speed=1e30, mass="1e999999", battery_voltage="NaN", owner_name="\ud800")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")  # ensure_ascii: the surrogate as \ud800
    proc = cli("assess", "ebike_registration", str(path), "--today", TODAY.isoformat())
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout.decode("utf-8"))
    by_field = {f["field"]: f["message"] for f in result["findings"] if f["rule_id"].endswith(".format")}
    assert "数值过大" in by_field["max_speed"] and "数值过大" in by_field["mass"]
    assert "有限的数字" in by_field["battery_voltage"] and "无效字符" in by_field["owner_name"]
    assert result["decision"] == "incomplete"


def test_a_utf8_file_with_a_bom_is_read(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(example_text("residence_permit").encode("utf-8-sig"))
    code, out, err = run_main(["assess", "residence_permit", str(path), "--today", TODAY.isoformat()])
    assert code == 0, err
    assert json.loads(out)["decision"] == "accept"
