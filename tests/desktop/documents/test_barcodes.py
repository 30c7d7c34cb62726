"""The printed Code128 and QR codes scan back to the case number (pdftoppm + zbarimg)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from document_samples import sample

from desktop.documents import render_pdf

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                                reason="pdftoppm/zbarimg not installed (make test installs them)")


def test_barcodes_scan_back_to_the_case_number(tmp_path):
    snap = sample("receipt")
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(render_pdf(snap))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True).stdout.split()
    assert f"QR-Code:{snap['case_no']}" in out
    assert f"CODE-128:{snap['case_no']}" in out
