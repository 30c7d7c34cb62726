"""The PDF of a registered paper for preview: the file on disk, or rendered again from its snapshot."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from desktop import paths
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.intake import pdf_name, write_pdf
from desktop.store.errors import translate
from desktop.store.models import Document


def pdf_for(hall: HallContext, document_id: int) -> str:
    """A path to the paper exactly as printed; no new print is registered (previewing is not printing)."""
    from desktop import documents

    papers_dir, font_path = hall.papers_folder(), hall.font_path
    with hall.db.read() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise ActionRefused("文书不存在。")
        snapshot, kind, copy_no, sha = doc.snapshot, doc.kind, doc.copy_no, doc.sha256
        mark = None
        if doc.reprint_reason is not None:
            mark = {"copy_no": copy_no, "reason": doc.reprint_reason, "at": doc.printed_at.strftime("%Y-%m-%d %H:%M")}
    target = Path(papers_dir) / pdf_name(snapshot["case_no"], kind, copy_no)
    with translate():
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha:
            return str(target)
    pdf = documents.render_pdf(snapshot, reprint=mark, font_path=font_path or None)
    if not target.exists():
        return str(write_pdf(Path(papers_dir), snapshot["case_no"], kind, copy_no, pdf))
    # NOTE: a file that differs from the register (another font, an edited copy) is left alone;
    # the preview shows the paper rendered from its snapshot instead.
    with translate():
        folder = paths.private_temp_dir("preview")
        path = write_pdf(folder, snapshot["case_no"], kind, copy_no, pdf)
        os.chmod(path, 0o600)
    return str(path)
