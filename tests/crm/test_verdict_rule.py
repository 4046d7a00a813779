"""The citizen's verdict as a rule (crm/verdict.py): the secret, the SMS answers, one rating per
closure, and the ranking's `kepuasan_warga` share, shrunk so a few ratings cannot swing a unit."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from crm.complaint import ComplaintEvent, Status, code_hash
from crm.corrections import NOT_A_COMPLAINT, set_aside
from crm.lifecycle import reopen
from crm.notices import NoticeRule
from crm.ranking import PRIOR_WEIGHT, WEIGHTS
from crm.stints import stints_of
from crm.transitions import InvalidTransition
from crm.verdict import (BELUM, answer_of, comment, mean_rating, points, proves_verdict, rate, rating_of,
                         secret_of, ticket_of_secret)
from tests.crm.test_ranking import ranked, stint
from tests.crm.test_stints import SLA, complaint, step
from tests.crm.test_transitions import AT, VALIDATOR


def closed():
    c = replace(complaint(), tracking_hash=code_hash("K2QF7ABCDE"), reporter_contact="6281299990000",
                channel="sms")
    for to, hours in ((Status.PROSES, 1), (Status.MENUNGGU_VALIDASI, 20)):
        c = step(c, to, hours)
    return step(c, Status.SELESAI, 21, actor=VALIDATOR)


def later(hours: float = 22):
    return AT + timedelta(hours=hours)


def test_the_secret_is_the_reporters_not_the_public_tickets() -> None:
    c = closed()
    secret = secret_of(c)
    assert secret.startswith(f"{c.ticket}.") and len(secret) == len(c.ticket) + 17
    assert ticket_of_secret(secret.lower()) == c.ticket and proves_verdict(c, f" {secret.lower()} ")
    assert not proves_verdict(c, c.ticket) and not proves_verdict(c, f"{c.ticket}.AAAAAAAAAAAAAAAA")
    other = replace(c, tracking_hash=code_hash("LAINKODE99"))
    assert secret_of(other) != secret  # another reporter's code, another secret
    assert secret_of(replace(c, tracking_hash=None)) is None  # from before codes: no verdict link
    for junk in ("", ".", "x" * 200, f"{c.ticket}.SHORT", "\x00.AAAAAAAAAAAAAAAA"):
        assert ticket_of_secret(junk) is None


@pytest.mark.parametrize(("text", "answer"), [("1", 1), (" 5 ", 5), ("4.", 4), ("BELUM", BELUM), ("Belum!", BELUM),
                                             ("6", None), ("0", None), ("45", None), ("belum beres", None),
                                             ("terima kasih", None), ("", None)])
def test_sms_answers(text: str, answer) -> None:
    assert answer_of(text) == answer


def test_the_selesai_notice_carries_the_verdict_link_by_sms_and_email_only() -> None:
    c = closed()
    before = replace(c, status=Status.MENUNGGU_VALIDASI, history=c.history[:-1])
    rule = NoticeRule.default("https://pantau.jakarta.go.id")
    [by_sms] = rule.notices(before, c)
    assert by_sms.kind == "selesai" and len(by_sms.text) <= 160
    assert f"https://pantau.jakarta.go.id/lacak/{secret_of(c)}" in by_sms.text and by_sms.secret == secret_of(c)
    tweeted = replace(c, channel="twitter", external_id="1790000000000000000")
    [public] = rule.notices(replace(before, channel="twitter", external_id="1790000000000000000"), tweeted)
    assert secret_of(c) not in public.text and public.secret is None  # a reply to a tweet is public


def test_one_rating_per_closure_the_newest_replaces_and_a_reopening_clears_it() -> None:
    c = closed()
    assert rating_of(c) is None
    c = rate(c, rating=2, at=later())
    c = rate(c, rating=5, at=later(23))
    assert rating_of(c) == 5 and c.status is Status.SELESAI and not set_aside(c)
    [s] = stints_of(c)
    assert (s.ratings, s.rating_points, s.closures) == (1, 1.0, 1)
    c = reopen(c, at=later(24), reason="masih berlubang", sla=SLA)
    assert rating_of(c) is None and (stints_of(c)[0].ratings, stints_of(c)[0].rating_points) == (0, 0.0)
    with pytest.raises(InvalidTransition):
        rate(c, rating=4, at=later(25))  # only Selesai awaits a verdict
    with pytest.raises(ValueError):
        rate(closed(), rating=6, at=later())


def test_a_remark_after_a_set_aside_keeps_it_set_aside() -> None:
    c = closed()
    event = ComplaintEvent(NOT_A_COMPLAINT, later(), Status.SELESAI, "operator")
    aside = replace(c, history=[*c.history, event])
    commented = comment(aside, text="kok ditutup?", at=later(23))
    assert set_aside(commented) and stints_of(commented) == []
    with pytest.raises(InvalidTransition):
        rate(aside, rating=1, at=later(23))  # no unit closed it: nothing to rate
    with pytest.raises(ValueError):
        comment(c, text="   ", at=later())


def test_ratings_are_a_share_shrunk_so_a_few_cannot_swing_a_unit() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0) and WEIGHTS["kepuasan_warga"] == 0.10
    assert (points(1), points(4), points(5), mean_rating(0.75)) == (0.0, 0.75, 1.0, 4.0)
    happy = [stint("HAPPY", hours_to_act=1, hours_to_close=5, cid=i, ratings=1, rating_points=1.0) for i in range(40)]
    two_bad = [stint("TWO", hours_to_act=1, hours_to_close=5, cid=100 + i, ratings=int(i < 2), rating_points=0.0)
               for i in range(40)]
    rows = ranked(happy + two_bad)
    city = 40 / 42
    share = rows["TWO"].components["kepuasan_warga"]
    assert (share.n, share.rate) == (2, 0.0)
    assert share.shrunk == pytest.approx((0 + PRIOR_WEIGHT * city) / (2 + PRIOR_WEIGHT))
    assert share.shrunk > 0.75  # two ratings of 1 leave most of the level's mean
    assert rows["HAPPY"].components["kepuasan_warga"].shrunk == pytest.approx((40 + PRIOR_WEIGHT * city) / 50)
    unrated = ranked([stint("NONE", hours_to_act=1, hours_to_close=5, cid=i) for i in range(5)])
    assert unrated["NONE"].components["kepuasan_warga"].shrunk == 1.0  # no rating anywhere: the formula's mean
