"""A real X display for tests: Xvfb at a given screen size with the openbox window manager."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

WM_READY_TIMEOUT_S = 20.0


def available() -> str | None:
    """None when Xvfb and openbox are installed, else the reason the real-display tests skip."""
    missing = [tool for tool in ("Xvfb", "openbox", "xprop") if shutil.which(tool) is None]
    return f"not installed: {', '.join(missing)} (tools/system-deps.sh installs them)" if missing else None


class XDisplay:
    """``start()`` brings up Xvfb (free display number via -displayfd) and openbox; ``env()`` for children."""

    def __init__(self, width: int = 1366, height: int = 768):
        self.width, self.height = width, height
        self.display: str | None = None
        self._xvfb: subprocess.Popen | None = None
        self._wm: subprocess.Popen | None = None
        self._root = Path(tempfile.mkdtemp(prefix="halldesk-x-"))
        self._logs: list = []  # the servers' stderr files, closed by stop()

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, DISPLAY=self.display or "", QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        env.update(extra)
        return env

    def start(self) -> XDisplay:
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{self.width}x{self.height}x24",
             "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
            stderr=self._log("xvfb.log"))
        os.close(write_fd)
        # NOTE: Xvfb writes the display number to the pipe once it accepts connections: an event, no sleep.
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start: {(self._root / 'xvfb.log').read_text(errors='replace')}")
        self.display = f":{number}"
        self._wm = subprocess.Popen(["openbox", "--sm-disable"], env=self.env(), stdout=subprocess.DEVNULL,
                                    stderr=self._log("openbox.log"))
        self._wait_for_wm()
        return self

    def _wait_for_wm(self) -> None:
        # NOTE: an EWMH window manager announces itself on the root window; X has no "WM started"
        # event a client can wait on before it exists, so this asks the server (bounded).
        deadline = time.monotonic() + WM_READY_TIMEOUT_S
        while time.monotonic() < deadline:
            out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=self.env(),
                                 capture_output=True, text=True).stdout
            if "window id" in out:
                return
            if self._wm.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"openbox did not start on {self.display}: "
                           f"{(self._root / 'openbox.log').read_text(errors='replace')}")

    def _log(self, name: str):
        """A log file for a server's stderr, closed by stop() (filterwarnings=error counts a leaked one)."""
        handle = open(self._root / name, "wb")  # kept open while the server runs
        self._logs.append(handle)
        return handle

    def stop(self) -> None:
        for proc in (self._wm, self._xvfb):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for handle in self._logs:
            handle.close()
        self._logs.clear()
        shutil.rmtree(self._root, ignore_errors=True)
