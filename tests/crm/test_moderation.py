"""Moderation in the domain: reading the fields, what each action does and refuses, who may, and
what the public view, a moderator's view and the live events then show."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crm.complaint import Complaint, Status
from crm.events import (
    COMPLAINT_MODERATED,
    Event,
    as_now,
    complaint_moderated,
    complaint_routed,
    sla_breached,
    status_changed,
)
from crm.moderation import (
    EDIT,
    HIDE,
    MAX_REASON,
    MAX_TEXT,
    UNHIDE,
    BadModeration,
    Moderation,
    PointlessModeration,
    moderate,
    read_moderation,
)
from crm.personal_data import PHONE_PLACEHOLDER
from crm.public_view import as_seen_by, is_public, public_complaint, public_tracking, shown_text
from crm.roles import Person, Role, may_moderate
from geo.jurisdiction import Jurisdiction

GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
SAID = "Jalan berlubang di depan rumah Pak Budi Santoso, hubungi 0812-3456-7890"
OPERATOR = Person("operator", Role.OPERATOR)


def complaint(**overrides: object) -> Complaint:
    values: dict[str, object] = {
        "ticket": "JKT-261204-AAAAA", "channel": "qlue", "external_id": "Q-1",
        "received_at": datetime(2026, 12, 4, 1, 0, tzinfo=UTC), "text": SAID, "category": "jalan",
        "lon": 106.8272, "lat": -6.1754, "jurisdiction": GAMBIR, "skpd": "BINAMARGA-JP", "id": 7,
    }
    return Complaint(**(values | overrides))  # type: ignore[arg-type]


def hide(reason: str = "Menyebut nama warga") -> Moderation:
    return read_moderation(action=HIDE, text=None, reason=reason)


def edit(text: str, reason: str = "Nama warga dihapus") -> Moderation:
    return read_moderation(action=EDIT, text=text, reason=reason)


@pytest.mark.parametrize(("fields", "field"), [
    ({"action": "hapus", "reason": "x"}, "action"),
    ({"action": None, "reason": "x"}, "action"),
    ({"action": HIDE}, "reason"),
    ({"action": HIDE, "reason": "   "}, "reason"),
    ({"action": HIDE, "reason": 5}, "reason"),
    ({"action": HIDE, "reason": "x" * (MAX_REASON + 1)}, "reason"),
    ({"action": HIDE, "reason": "tidak\x00pantas"}, "reason"),
    ({"action": UNHIDE, "reason": "salah\x1b[31m"}, "reason"),
    ({"action": EDIT, "reason": "rapikan"}, "text"),
    ({"action": EDIT, "reason": "rapikan", "text": " \n "}, "text"),
    ({"action": EDIT, "reason": "rapikan", "text": ["a"]}, "text"),
    ({"action": EDIT, "reason": "rapikan", "text": "x" * (MAX_TEXT + 1)}, "text"),
    ({"action": EDIT, "reason": "rapikan", "text": "jalan\x00rusak"}, "text"),
])
def test_a_bad_field_is_named(fields: dict[str, object], field: str) -> None:
    with pytest.raises(BadModeration) as refused:
        read_moderation(**({"text": None, "reason": None} | fields))
    assert refused.value.field == field and refused.value.status == 422
    assert str(refused.value).startswith(f"{field}: ")


def test_fields_are_trimmed_and_a_text_is_read_only_for_an_edit() -> None:
    assert read_moderation(action=HIDE, text="ignored", reason="  spam  ") == Moderation(HIDE, "spam")
    assert read_moderation(action=EDIT, text="  Jalan berlubang\n", reason="ok") == Moderation(EDIT, "ok",
                                                                                                "Jalan berlubang")


def test_hiding_and_showing_again_never_touch_the_text_or_the_follow_up() -> None:
    shown = complaint(status=Status.PROSES)
    hidden = moderate(shown, hide())
    assert hidden.public_hidden and not is_public(hidden)
    assert (hidden.text, hidden.status, hidden.history, hidden.skpd) == (SAID, Status.PROSES, [], "BINAMARGA-JP")
    again = moderate(hidden, read_moderation(action=UNHIDE, text=None, reason="Sudah diperiksa"))
    assert is_public(again) and again.text == SAID


def test_an_action_that_changes_nothing_is_refused() -> None:
    with pytest.raises(PointlessModeration) as refused:
        moderate(complaint(), read_moderation(action=UNHIDE, text=None, reason="x"))
    assert refused.value.status == 409
    with pytest.raises(PointlessModeration):
        moderate(complaint(public_hidden=True), hide())
    with pytest.raises(PointlessModeration):
        moderate(complaint(public_edit="Jalan berlubang"), edit("Jalan berlubang"))
    with pytest.raises(PointlessModeration):
        moderate(complaint(), edit(SAID))  # the public already reads the citizen's words


def test_an_edit_is_kept_beside_the_original_and_an_edit_back_drops_it() -> None:
    edited = moderate(complaint(), edit("Jalan berlubang di depan rumah warga"))
    assert edited.text == SAID and edited.public_edit == "Jalan berlubang di depan rumah warga"
    assert public_complaint(edited)["text"] == "Jalan berlubang di depan rumah warga"
    assert "Budi" not in str(public_complaint(edited))
    assert moderate(edited, edit(f"  {SAID} ")).public_edit is None


def test_an_operators_text_is_masked_too() -> None:
    edited = moderate(complaint(), edit("Jalan berlubang, hubungi operator 0813-9999-8888"))
    assert "0813" not in shown_text(edited) and PHONE_PLACEHOLDER in shown_text(edited)
    assert public_complaint(edited)["text"] == shown_text(edited)


MODERATORS = {Role.GOVERNOR, Role.OPERATOR}  # written out by hand from crm/roles.py's docstring


@pytest.mark.parametrize("role", list(Role))
def test_who_may_moderate(role: Role) -> None:
    assert may_moderate(Person("x", role)) is (role in MODERATORS)


def test_a_hidden_complaint_is_seen_only_by_a_moderator_and_marked() -> None:
    hidden = moderate(moderate(complaint(), edit("Jalan berlubang")), hide())
    assert as_seen_by(None, hidden) is None
    assert as_seen_by(Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA-JP"), hidden) is None
    seen = as_seen_by(OPERATOR, hidden)
    assert seen is not None and seen["hidden"] is True and seen["edited"] is True and seen["text"] == "Jalan berlubang"
    assert "0812" not in seen["original_text"] and seen["original_text"].startswith("Jalan berlubang di depan rumah")
    public = as_seen_by(None, complaint())
    assert public == public_complaint(complaint()) and "hidden" not in public


def test_tracking_shows_the_status_of_a_hidden_complaint_and_no_text() -> None:
    tracked = public_tracking(moderate(complaint(status=Status.PROSES), hide()))
    assert tracked["status"] == "Proses" and "Budi" not in str(tracked) and "text" not in tracked


def test_events_of_a_hidden_complaint_carry_only_its_id() -> None:
    hidden = moderate(complaint(), hide())
    breached = sla_breached(hidden, "penyelesaian", hidden.received_at)
    for event in (complaint_moderated(hidden, HIDE), status_changed(hidden), breached):
        assert event.payload == {"id": 7, "hidden": True}
        assert event.rooms == ["city", "kota:31.71", "skpd:BINAMARGA-JP"] and event.complaint_id == 7


def test_a_moderated_event_shows_the_edited_text_and_never_the_reason() -> None:
    edited = moderate(complaint(), edit("Jalan berlubang", reason="RAHASIA-ALASAN"))
    event = complaint_moderated(edited, EDIT)
    assert event.name == COMPLAINT_MODERATED and event.payload["text"] == "Jalan berlubang"
    assert event.payload["moderation"] == EDIT
    assert "Budi" not in str(event.payload) and "RAHASIA" not in str(event.payload)


def test_a_logged_event_is_replayed_as_the_public_may_see_it_now() -> None:
    logged = replace(complaint_routed(complaint()), id=41)
    assert as_now(logged, hidden=True, text="").payload == {"id": 7, "hidden": True}
    now = as_now(logged, hidden=False, text="Jalan berlubang")
    assert now.payload["text"] == "Jalan berlubang" and now.id == 41 and now.payload["ticket"] == "JKT-261204-AAAAA"
    stub = Event(COMPLAINT_MODERATED, {"id": 7, "hidden": True}, id=42)
    assert as_now(stub, hidden=False, text="Jalan berlubang") == stub  # the hiding itself stays as it was
    surge = Event("surge_detected", {"kelurahan": "Gambir"}, id=43)
    assert as_now(surge, hidden=True, text="") == surge
