"""Persistence: the only package that imports SQLAlchemy and GeoAlchemy2.

`db` makes engines, sessions and runs migrations; `complaints`, `api_keys` and `live_events`
are repositories of keyword-only functions taking a Session. Their writes join the caller's
transaction (each in a SAVEPOINT or a single insert, so all-or-nothing) and the caller commits.
The exception is `complaints.add_many`: it takes a session factory, runs its own transaction
and commits, so a channel acknowledges a delivery only once it is stored.
"""
