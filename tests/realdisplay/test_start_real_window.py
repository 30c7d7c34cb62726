"""The real program in a real X window (Xvfb + openbox, xcb): it reaches sign-in and quits cleanly."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.realdisplay


def _xdotool(display, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=display.env(), capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


@pytest.mark.parametrize("size", ["x_display", "x_display_hd"])
def test_program_opens_first_admin_dialog_and_exits(size, tmp_path, request):
    display = request.getfixturevalue(size)
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data")],
                            env=display.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # NOTE: --sync makes xdotool wait until the window is mapped: the dialog is really on screen.
        window = _xdotool(display, "search", "--sync", "--onlyvisible", "--name", "创建管理员账号")
        geometry = _xdotool(display, "getwindowgeometry", "--shell", window.splitlines()[0])
        values = dict(line.split("=") for line in geometry.splitlines())
        assert 0 < int(values["WIDTH"]) <= display.width and 0 < int(values["HEIGHT"]) <= display.height
        _xdotool(display, "windowactivate", "--sync", window.splitlines()[0])
        _xdotool(display, "key", "--clearmodifiers", "Escape")
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    # Qt reports a missing xcb library or a platform problem on stderr; a clean start prints nothing.
    assert "qt.qpa" not in err and "Could not load the Qt platform plugin" not in err, err
    assert "Traceback" not in err, err
