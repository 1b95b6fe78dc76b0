"""Fixtures shared by every app's tests. App-specific fixtures live in each app's tests/conftest.py."""
