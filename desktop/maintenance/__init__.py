"""Console commands for the hall's administrator: audit verify, audit report, purge."""
