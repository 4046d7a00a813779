"""The notices as the settings configure them: the senders by channel, the templates and public address
the unit of work renders with, and the dispatcher. The composition roots (app.py, worker.py) ask here.

A channel whose settings are unset has no sender, so the dispatcher parks its notices as
not_configured, never dropping them: they go out once the settings are given and it restarts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from crm.notices import DEFAULT_TEMPLATES, EMAIL, SMS, NoticeRule, Templates
from notify.dispatch import Dispatcher
from notify.senders import Sender
from notify.sms_gateway import SmsGatewaySender
from notify.smtp import SmtpSender

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from settings import Settings


def configured_senders(settings: Settings) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    if settings.smtp_url and settings.mail_from:
        senders[EMAIL] = SmtpSender(settings.smtp_url, settings.mail_from)
    if settings.sms_gateway_url and settings.sms_gateway_token:
        senders[SMS] = SmsGatewaySender(settings.sms_gateway_url, settings.sms_gateway_token)
    return senders


def notice_rule(settings: Settings) -> NoticeRule:
    """The templates officials edited (PANTAU_NOTICE_TEMPLATES) and the public address of /lacak."""
    return NoticeRule(Templates.load(settings.notice_templates or DEFAULT_TEMPLATES), settings.public_url.rstrip("/"))


def make_dispatcher(sessions: sessionmaker[Session], settings: Settings) -> Dispatcher:
    return Dispatcher(sessions, configured_senders(settings), max_attempts=settings.notice_max_attempts)
