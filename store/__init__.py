"""Persistence: the only package that imports SQLAlchemy and GeoAlchemy2.

`db` makes engines, sessions and runs migrations; `complaints`, `api_keys`, `live_events` and the
other modules are repositories of keyword-only functions taking a Session. Their writes join the
caller's transaction (each in a SAVEPOINT or a single insert, so all-or-nothing) and the caller
commits: for complaints that is services/unit_of_work.py, inside `db.writing`.
"""
