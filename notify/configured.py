"""The notices as the settings configure them: the senders by channel, the templates and public address
the unit of work renders with, and the dispatcher. The composition roots (app.py, worker.py) ask here.

A channel whose settings are unset has no sender, so the dispatcher parks its notices as
not_configured, never dropping them: they go out once the settings are given and it restarts.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from crm.notices import DEFAULT_TEMPLATES, EMAIL, SMS, NoticeRule, Templates
from crm.public_view import public_tracking
from notify.dispatch import Dispatcher
from notify.facebook import FacebookSender
from notify.partners import LAPOR, QLUE, PartnerSender, PublicView
from notify.rates import Rates, parse_rates
from notify.senders import Sender
from notify.sms_gateway import SmsGatewaySender
from notify.smtp import SmtpSender
from notify.twitter import TwitterSender
from store import complaints

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from settings import Settings


def configured_senders(settings: Settings, public_view: PublicView) -> dict[str, Sender]:
    """The senders whose settings are given; `public_view` finds what partners may be sent of a complaint."""
    senders: dict[str, Sender] = {}
    if settings.smtp_url and settings.mail_from:
        senders[EMAIL] = SmtpSender(settings.smtp_url, settings.mail_from)
    if settings.sms_gateway_url and settings.sms_gateway_token:
        senders[SMS] = SmsGatewaySender(settings.sms_gateway_url, settings.sms_gateway_token)
    if settings.twitter_token:
        senders[TwitterSender.channel] = TwitterSender(settings.twitter_token, settings.twitter_api_url)
    if settings.facebook_page_token:
        senders[FacebookSender.channel] = FacebookSender(settings.facebook_page_token, settings.facebook_graph_url)
    if settings.lapor_api_url and settings.lapor_token:
        senders[LAPOR.channel] = PartnerSender(LAPOR, settings.lapor_api_url, settings.lapor_token, public_view)
    if settings.qlue_callback_url and settings.qlue_token:
        senders[QLUE.channel] = PartnerSender(QLUE, settings.qlue_callback_url, settings.qlue_token, public_view)
    return senders


def public_views(sessions: sessionmaker[Session]) -> PublicView:
    """A complaint's public tracking view (crm/public_view.py) by id, read when a partner's notice is sent."""

    def view(complaint_id: int) -> dict[str, Any] | None:
        with sessions() as session:
            complaint = complaints.get(session, complaint_id=complaint_id)
        return None if complaint is None else public_tracking(complaint)
    return view


def notice_rule(settings: Settings) -> NoticeRule:
    """The templates officials edited (PANTAU_NOTICE_TEMPLATES) and the public address of /lacak."""
    return NoticeRule(Templates.load(settings.notice_templates or DEFAULT_TEMPLATES), settings.public_url.rstrip("/"))


def make_dispatcher(sessions: sessionmaker[Session], settings: Settings) -> Dispatcher:
    return Dispatcher(sessions, configured_senders(settings, public_views(sessions)),
                      max_attempts=settings.notice_max_attempts, lease=timedelta(seconds=settings.notice_lease_seconds),
                      rates=Rates(parse_rates(settings.notice_rates)))
