"""Believable demo data: people, bikes and businesses, and a whole demo hall (no Qt)."""
