"""Telling reporters: a sender per channel behind one small interface, and the dispatcher that sends
the notices the unit of work queued (crm/notices.py decides them, store/notices.py keeps them)."""
