"""The intake workflow: accounts, assessment, accept / notice / refusal, papers (no Qt)."""
