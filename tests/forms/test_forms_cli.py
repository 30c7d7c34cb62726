"""`python -m forms`: list, schema, example, assess — good input and bad input, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "forms", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=60)


def test_list_names_every_service():
    out = cli("list")
    assert out.returncode == 0
    assert "residence_permit\t居住证申领" in out.stdout.splitlines()


def test_schema_has_keys_types_and_labels():
    out = cli("schema", "residence_permit")
    schema = json.loads(out.stdout)
    props = schema["properties"]["answers"]["properties"]
    assert props["name"]["title"] == "姓名" and props["name"]["type"] == "string"
    assert props["hukou_in_zhengzhou"]["type"] == "boolean"
    assert props["social_insurance"]["type"] == "array"
    assert props["condition"]["enum"] == ["social_insurance", "study", "residence", "business"]


def test_example_is_accepted_by_assess(tmp_path):
    example = cli("example", "residence_permit", "--today", "2026-11-25")
    path = tmp_path / "case.json"
    path.write_text(example.stdout, encoding="utf-8")
    out = cli("assess", "residence_permit", str(path), "--today", "2026-11-25")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["decision"] == "accept"
    assert {d["key"]: d["due"] for d in result["deadlines"]} == {"review": "2026-12-02", "issue": "2026-12-07"}
    assert all(f["basis"] for f in result["findings"])


def test_assess_reads_stdin():
    example = cli("example", "residence_permit", "--today", "2026-11-25").stdout
    out = cli("assess", "residence_permit", "-", "--today", "2026-11-25", stdin=example)
    assert json.loads(out.stdout)["decision"] == "accept"


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "JSON 格式错误"),
    ('{"answers": {"nickname": "x"}}', "未知字段：nickname"),
    ('{"answers": {"hukou_in_zhengzhou": "no"}}', "hukou_in_zhengzhou"),
    ('{"answers": {"name": 12}}', "应为文本"),
    ('{"answers": {"condition": "lottery"}}', "不在可选项"),
    ('{"answers": {}, "materials": {"passport": "provided"}}', "未知材料"),
    ('{"answers": {}, "materials": {"photo": "maybe"}}', "状态"),
    ('{"answers": {}, "extra": 1}', "未知的顶层键"),
    ("[1, 2]", "案件文件应为对象"),
])
def test_bad_case_files_give_a_message_and_non_zero_exit(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    out = cli("assess", "residence_permit", str(path))
    assert out.returncode == 2
    assert fragment in out.stderr and "Traceback" not in out.stderr


def test_unknown_service_and_missing_file():
    out = cli("schema", "fishing_licence")
    assert out.returncode == 2 and "未知服务" in out.stderr and "Traceback" not in out.stderr
    out = cli("assess", "residence_permit", "/nonexistent/case.json")
    assert out.returncode == 2 and "无法读取" in out.stderr


def test_date_before_the_rules_is_a_clear_error(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(cli("example", "residence_permit", "--today", "2020-06-01").stdout, encoding="utf-8")
    out = cli("assess", "residence_permit", str(path), "--today", "2020-06-01")
    assert out.returncode == 2 and "尚无生效值" in out.stderr


def test_bad_today_option():
    out = cli("assess", "residence_permit", "x.json", "--today", "yesterday")
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr


def test_a_reader_that_stops_early_gets_no_traceback():
    # `python -m forms schema … | head -1`: the pipe closes while the JSON is being written.
    proc = subprocess.Popen([sys.executable, "-m", "forms", "schema", "startup_subsidy"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    assert proc.stdout.read(1) == b"{"
    proc.stdout.close()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()


def test_missing_arguments_are_said_in_chinese():
    out = cli("assess")
    assert out.returncode == 2 and out.stderr.startswith("错误：命令参数不正确") and "Traceback" not in out.stderr
