"""The race fixtures of tests/support/races.py for the races in this folder: its data folder, workers and halls."""

from races import data_dir, hall, pool  # noqa: F401 (fixtures, found by pytest in this module)
