"""Per-channel rates against a local gateway, counting arrivals per second: the dispatcher sends at
most N a second on a limited channel, leaves the rest pending (never dropped) for the next batch, and
does not slow a channel that has no limit."""
from __future__ import annotations

import pytest
from flask import Flask

from crm.notices import NoticeRule
from live.publish import Publisher, make_socketio
from notify.dispatch import Dispatcher
from notify.rates import BadRates, Rates, parse_rates
from notify.sms_gateway import SmsGatewaySender
from notify.twitter import TwitterSender
from services.unit_of_work import unit_of_work
from store import complaints, notices
from tests.notify.servers import http_api, http_gateway
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)

RATE = 4


@pytest.fixture
def queue(sessions, make_complaint):  # noqa: F811
    """Store `n` complaints of `channel` with their receipts queued; their ids."""
    publisher = Publisher(make_socketio(Flask(__name__), channel="test-rates"), sessions)
    rule = NoticeRule.default()

    def store(n, channel="sms"):
        contact = {"sms": "6281234567890", "twitter": "@warga"}[channel]
        batch = [make_complaint(channel=channel, reporter_contact=contact, external_id=f"{channel}-{i}")
                 for i in range(n)]
        with unit_of_work(sessions, publisher) as work:
            stored = [c for c, _ in complaints.add_many(work.session, complaints=batch)]
            for c in stored:
                work.notices.extend(rule.notices(None, c))
        return [c.id for c in stored]
    return store


def states(sessions, ids):  # noqa: F811
    with sessions() as session:
        return [(n.state, n.attempts) for i in ids for n in notices.of_complaint(session, complaint_id=i)]


def most_in_any_second(times: list[float]) -> int:
    """The most arrivals within any window of 0.8 s (under a second: arrival times carry the
    request's own jitter on top of the send times the limiter counts, more of it on a busy machine)."""
    return max(sum(1 for t in times if start <= t < start + 0.8) for start in times)


def test_a_limited_channel_sends_at_most_its_rate_and_delivers_every_notice(sessions, queue):  # noqa: F811
    ids = queue(14)
    with http_gateway(202) as (url, gateway):
        dispatcher = Dispatcher(sessions, {"sms": SmsGatewaySender(url, "t")},
                                rates=Rates(parse_rates(f"sms={RATE}/second")))
        assert dispatcher.round() == 14  # the round waits for room: every notice goes out
    times = [r.at for r in gateway.requests]
    assert len(times) == 14 and len(set(gateway.sent)) == 14
    assert most_in_any_second(times) == RATE
    assert times[-1] - times[0] >= (14 // RATE) - 0.5  # 14 at 4/s: 3 s from the first to the last, less jitter
    assert {s for s, _ in states(sessions, ids)} == {"sent"}


def test_notices_over_the_limit_stay_pending_for_the_next_round(sessions, queue):  # noqa: F811
    ids = queue(6)
    with http_gateway(202) as (url, gateway):
        dispatcher = Dispatcher(sessions, {"sms": SmsGatewaySender(url, "t")}, max_pause=0,
                                rates=Rates(parse_rates(f"sms={RATE}/minute")))
        assert dispatcher.round() == RATE  # no room within max_pause: the round ends
        assert sorted(states(sessions, ids)) == [("pending", 0)] * 2 + [("sent", 1)] * RATE  # not even claimed
        assert dispatcher.round() == 0
    assert len(gateway.requests) == RATE


def test_an_unlimited_channel_is_not_held_back_by_a_limited_one(sessions, queue):  # noqa: F811
    sms, tweets = queue(6), queue(6, "twitter")
    with http_gateway(202) as (sms_url, sms_gateway), http_api(201) as (api_url, api):
        senders = {"sms": SmsGatewaySender(sms_url, "t"), "twitter": TwitterSender("t", api_url)}
        dispatcher = Dispatcher(sessions, senders, max_pause=0, rates=Rates(parse_rates("sms=2/minute")))
        assert dispatcher.round() == 2 + 6
    assert (len(sms_gateway.requests), len(api.requests)) == (2, 6)
    assert sorted(s for s, _ in states(sessions, sms)) == ["pending"] * 4 + ["sent"] * 2
    assert {s for s, _ in states(sessions, tweets)} == {"sent"}


@pytest.mark.parametrize("text", ["sms=10", "pos=1/second", "sms=banyak/second"])
def test_a_wrong_rate_is_refused_at_start(text):
    with pytest.raises(BadRates):
        parse_rates(text)


def test_rates_read_both_separators_and_any_window():
    rates = parse_rates("sms=10/second; twitter=100/15 minutes, email = 5 per minute")
    assert {channel: (item.amount, item.get_expiry()) for channel, item in rates.items()} == {
        "sms": (10, 1), "twitter": (100, 900), "email": (5, 60)}
    assert parse_rates(None) == {} and parse_rates("") == {}


def test_a_burst_on_one_channel_does_not_hold_the_others_back(sessions, queue):  # noqa: F811
    queue(30)
    queue(2, "twitter")  # queued after the burst: oldest first alone would send them last
    with http_gateway(202) as (sms_url, sms_gateway), http_api(201) as (api_url, api):
        senders = {"sms": SmsGatewaySender(sms_url, "t"), "twitter": TwitterSender("t", api_url)}
        assert Dispatcher(sessions, senders, batch=10).round() == 32
    tweets_done = max(r.at for r in api.requests)
    assert sum(r.at < tweets_done for r in sms_gateway.requests) <= 5  # within the first batch's share
