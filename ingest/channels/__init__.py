"""The channel adapters, one module per channel code in crm/channels.py.

The registry is crm.channels.CHANNELS: the adapter of channel `balai-warga` is the module
`ingest.channels.balai_warga`. A new channel is that module plus its line in CHANNELS. A channel
with routes of its own is a package, its adapter the package itself (`ingest.channels.open311`).
Each module has `parse(inbound) -> list[Report]` (see base.py); a channel that checks its own
deliveries (Facebook signs them) sets `SIGNED = True` and needs no API key, and one with a GET
handshake has `handshake(inbound) -> str`.
"""
from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from crm.channels import CHANNELS


@cache
def adapter(channel: str) -> ModuleType:
    """The adapter module of a channel code; KeyError for a code that is not in CHANNELS."""
    if channel not in CHANNELS:
        raise KeyError(channel)
    return import_module(f"ingest.channels.{channel.replace('-', '_')}")
