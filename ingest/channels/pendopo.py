"""Pendopo Balai Kota: complaints citizens bring to City Hall's pavilion.

Staff enter each one as JSON; the payload and its parser are in walk_in, the opening window
(which the intake checks) in crm.desks.
"""
from __future__ import annotations

from ingest.channels import walk_in

parse = walk_in.parser("pendopo")
