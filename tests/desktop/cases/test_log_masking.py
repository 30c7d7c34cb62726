"""The log never holds a citizen's name, ID, passport, phone or address: masked by field, crash included."""

from __future__ import annotations

import logging
import os
import stat
import sys
from datetime import datetime

import pytest

from desktop import logs, paths
from desktop.cases import hooks, intake, log_masking, paper_files, reprints, status
from desktop.cases.hall_context import HallContext
from desktop.ui.crash import CrashHandler, format_details
from forms import checks, registry
from forms.model import Decision, Kind

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def log_file(tmp_path):
    """The real rotating log of a data folder in tmp_path, set up as the program does at start."""
    paths.set_data_dir(tmp_path / "data")
    logs.live.clear()
    old_umask = os.umask(0o022)  # the usual umask: files would be world-readable by default
    try:
        path = logs.setup_logging()
        yield path
    finally:
        os.umask(old_umask)
        root = logging.getLogger()
        for h in [h for h in root.handlers if isinstance(h, logs._HallDeskHandler)]:
            root.removeHandler(h)
            h.close()
        paths.set_data_dir(None)
        logs.live.clear()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("service_id", sorted(registry.services()))
def test_every_text_field_is_decided(service_id):
    """A new text field must be classified as personal or listed as not personal, never forgotten."""
    service = registry.get(service_id)
    for f in service.fields:
        for field in (f.columns if f.kind is Kind.TABLE else (f,)):
            if field.kind is Kind.TEXT:
                assert log_masking.field_kind(service, field) or field.key in log_masking.NOT_PERSONAL, field.key
            if field.kind in (Kind.ID_NUMBER, Kind.PHONE):
                assert log_masking.field_kind(service, field) is not None


def _case(service_id: str) -> dict:
    example = registry.get(service_id).example(NOW.date())
    answers = dict(example["answers"])
    if service_id == "ebike_registration":
        # A foreign owner: the passport number must be masked like any ID.
        answers.update(owner_id_type="passport", owner_id_number="E12345678", owner_name="欧阳娜娜")
    return answers


def _variants(kind: str, value: str) -> list[str]:
    """The ways a value turns up in a message: as typed, spaced in fours, with +86."""
    out = [value]
    digits = checks.normalize_id(value)
    if kind in (logs.ID, logs.NUMBER) and len(digits) >= 8:
        out.append(" ".join(digits[i:i + 4] for i in range(0, len(digits), 4)))
    if kind == logs.PHONE:
        out += [f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}", f"+86{digits}"]
    return out


@pytest.mark.parametrize("service_id", sorted(registry.services()))
def test_a_crash_inside_a_case_leaves_no_personal_value_in_the_log(db, people, tmp_path, log_file, capsys,
                                                                   service_id):
    answers = _case(service_id)
    values = list(log_masking.sensitive_values(service_id, answers))
    kinds = {k for k, _ in values}
    assert {logs.NAME, logs.ID, logs.PHONE} <= kinds
    # The theft report has a place, not an owner's address; 灭失, 找回 and 补领 identify the owner by ID only.
    if service_id not in ("ebike_theft", "ebike_destroyed", "ebike_recovered", "ebike_plate"):
        assert logs.ADDRESS in kinds

    def buggy(ctx: hooks.IntakeContext) -> hooks.HookResult:
        # A bug deep in the case layer whose message carries the case: every value, several shapes.
        shown = "; ".join(v for kind, value in values for v in _variants(kind, value))
        raise RuntimeError(f"cannot handle {dict(ctx.answers)!r} ({shown})")

    # NOTE: with no materials the case gets a one-time notice (hooks of "draft") or, for a bike
    # not on the register, a refusal (hooks of "not_accepted"); the e-bike procedures' own hook
    # there (the bike named on the paper, desktop/cases/ebike_notices.py) is put back afterwards.
    decision = intake.assess_case(db, service_id, answers, {}, NOW.date()).decision
    call, outcome = {Decision.INCOMPLETE: (intake.give_notice, status.DRAFT),
                     Decision.REFUSE: (intake.refuse, status.NOT_ACCEPTED)}[decision]
    own = hooks._hooks.pop((service_id, outcome))  # NOTE: a second hook would be refused (issue 16)
    hooks.on(outcome, service_id)(buggy)
    try:
        with pytest.raises(RuntimeError) as info:
            call(HallContext(db, people["clerk"], tmp_path), service_id, answers, {}, now=NOW)
    finally:
        hooks._hooks.pop((service_id, outcome))
        if own is not None:
            hooks.on(outcome, service_id)(own)
    CrashHandler(log_file)(info.type, info.value, info.tb)  # what sys.excepthook does in the program
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = log_file.read_text(encoding="utf-8")
    shown = capsys.readouterr().err + format_details(info.type, info.value, info.tb)
    assert "unhandled exception" in written and "RuntimeError: cannot handle" in written
    for kind, value in values:
        for v in _variants(kind, value):
            assert v not in written, (kind, v)
            assert v not in shown, (kind, v)
    name = registry.get(service_id).name_key
    assert answers[name][0] + "*" * (len(answers[name]) - 1) in written  # masked, not dropped


def test_the_shapes_are_masked_even_for_a_case_nobody_registered(log_file):
    logging.getLogger("halldesk.test").error(
        "ids %s / %s, phones %s / %s, passport %s", "410105199001011234", "4101 0519 9001 0112 34",
        "+86 138 0013 8000", "86-13800138000", "G12345678")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    for raw in ("410105199001011234", "4101 0519 9001 0112 34", "0013 8000", "13800138000", "G12345678"):
        assert raw not in text
    assert "410105********1234" in text and "138****8000" in text and "*****5678" in text


def test_log_file_and_folder_are_the_users_alone(log_file):
    logging.getLogger("halldesk.test").warning("hello")
    assert mode(log_file.parent) == 0o700
    assert mode(log_file) == 0o600
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs._HallDeskHandler))
    handler.doRollover()
    logging.getLogger("halldesk.test").warning("again")
    assert mode(log_file) == 0o600 and mode(log_file.with_name(log_file.name + ".1")) == 0o600


def test_a_file_left_world_readable_is_narrowed_at_start(tmp_path):
    paths.set_data_dir(tmp_path / "data")
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, mode=0o755)
        os.chmod(folder, 0o755)
        old = folder / logs.LOG_FILE_NAME
        old.write_text("old\n")
        os.chmod(old, 0o644)
        path = logs.setup_logging()
        assert mode(folder) == 0o700 and mode(path) == 0o600
    finally:
        root = logging.getLogger()
        for h in [h for h in root.handlers if isinstance(h, logs._HallDeskHandler)]:
            root.removeHandler(h)
            h.close()
        paths.set_data_dir(None)


def test_a_preview_copy_lives_in_the_users_private_folder(db, people, tmp_path):
    # NOTE: the test's own data folder (the hall's audit key is there): the preview goes under it.
    data = paths.data_dir()
    old_umask = os.umask(0o022)
    try:
        case = registry.get("residence_permit").example(NOW.date())
        papers = tmp_path / "papers"
        intake.accept(HallContext(db, people["clerk"], papers),
                      "residence_permit", case["answers"], case["materials"], now=NOW)
        receipt = reprints.papers_of(db, 1)[0]
        printed = next(papers.glob("*.pdf"))
        printed.write_bytes(printed.read_bytes() + b"%edited\n")  # the file no longer matches the register
        preview = paper_files.pdf_for(HallContext(db, people["clerk"], papers), receipt.id)
    finally:
        os.umask(old_umask)
    preview = os.path.realpath(preview)
    assert preview.startswith(str((data / "tmp" / "preview").resolve()))
    assert not preview.startswith("/tmp/halldesk-preview")
    assert mode(os.path.dirname(preview)) == 0o700 and mode(data / "tmp") == 0o700
    assert mode(preview) == 0o600
    assert sys.platform != "win32"  # modes are POSIX; on Windows the user's profile folder is private


def test_the_window_start_logs_to_the_same_file_before_it_rotates(tmp_path, monkeypatch):
    """The start's first lines go through a plain handler (logging.handlers loads after the sign-in dialog's
    paint, issue 15): the same 0600 file, masked; rotate_from_now() puts the rotating handler in its place."""
    paths.set_data_dir(tmp_path / "data")
    old_umask = os.umask(0o022)
    root = logging.getLogger()
    try:
        path = logs.setup_logging(rotating=False)
        logging.getLogger("halldesk.test").warning("early %s", "41010519900101123X")
        assert [type(h).__name__ for h in root.handlers if isinstance(h, logs._PrivateFile)] == ["_EarlyHandler"]
        monkeypatch.setattr(logs, "MAX_BYTES", 300)
        logs.rotate_from_now()
        logs.rotate_from_now()  # nothing left to do
        ours = [h for h in root.handlers if isinstance(h, logs._PrivateFile)]
        assert len(ours) == 1 and isinstance(ours[0], logs._HallDeskHandler)
        for n in range(8):
            logging.getLogger("halldesk.test").warning("later %d phone %s", n, "13812345678")
    finally:
        os.umask(old_umask)
        for h in [h for h in root.handlers if isinstance(h, logs._PrivateFile)]:
            root.removeHandler(h)
            h.close()
        paths.set_data_dir(None)
    files = sorted(path.parent.glob(f"{logs.LOG_FILE_NAME}*"))
    assert len(files) > 1  # rotated at the (lowered) limit
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "early 410105********123X" in text and "later 7 phone 138****5678" in text
    assert "19900101" not in text and "13812345678" not in text
    assert all(mode(f) == 0o600 for f in files)
