"""The intake workflow: accounts, assessment, accept / notice / refusal, papers (no Qt)."""

# NOTE: the per-service facts and hooks (ebike, subsidy, residence, …) are imported by
# desktop.cases.intake, which runs them (lifecycle imports intake), not here: any import of
# desktop.cases.* runs this file, and listing cases at start-up does not need them.
