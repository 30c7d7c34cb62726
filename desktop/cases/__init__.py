"""The intake workflow: accounts, assessment, accept / notice / refusal, papers (no Qt)."""

import desktop.cases.ebike  # noqa: F401,E402  (registers facts and hooks)
import desktop.cases.ebike_reversal  # noqa: F401
import desktop.cases.subsidy  # noqa: F401
import desktop.cases.residence  # noqa: F401
import desktop.cases.subsidy_decisions  # noqa: F401
