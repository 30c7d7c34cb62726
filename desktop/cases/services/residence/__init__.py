"""居住证 in the case layer: the 居住证领取凭证 hook, its paper kind, its reasons and its demo plan."""

from desktop.cases.services.residence import declarations, permit  # noqa: F401  (each registers on import)
