"""The intake workflow: accounts, assessment, accept / notice / refusal, papers (no Qt)."""

# NOTE: the service packages (desktop/cases/services/<name>/: facts, hooks, identifiers, papers, …) are
# imported by desktop.cases.services.load(), which desktop.cases.intake calls where it runs them
# (lifecycle imports intake), not here: any import of desktop.cases.* runs this file, and listing cases
# at start-up does not need them.
