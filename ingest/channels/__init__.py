"""The channel adapters, one module per channel code in crm/channels.py.

The registry is crm.channels.CHANNELS: the adapter of channel `balai-warga` is the module
`ingest.channels.balai_warga`. A new channel is that module plus its line in CHANNELS.
Each module has `parse(inbound) -> list[Report]` (see base.py); a channel that checks its own
deliveries (Facebook signs them) sets `SIGNED = True` and needs no API key, and one with a GET
handshake has `handshake(inbound) -> str`.
"""
from __future__ import annotations

from importlib import import_module
from types import MappingProxyType, ModuleType

from crm.channels import CHANNELS


def _load() -> MappingProxyType[str, ModuleType]:
    return MappingProxyType({code: import_module(f"ingest.channels.{code.replace('-', '_')}") for code in CHANNELS})


ADAPTERS = _load()
