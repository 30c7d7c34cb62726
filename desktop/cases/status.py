"""Case states and their Chinese labels."""

from __future__ import annotations

DRAFT = "draft"  # incomplete: one-time notice given, can be resumed
ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"  # 不予受理 at the window

LABELS = {
    DRAFT: "待补齐材料",
    ACCEPTED: "已受理",
    NOT_ACCEPTED: "不予受理",
}


def status_label(status: str) -> str:
    return LABELS.get(status, status)
