"""store/filters.py on both databases: every ComplaintFilter field narrows the list as it says,
words search the masked public text (never the phone number a citizen wrote) or find a ticket."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from crm.complaint import TRIAGE_CATEGORY, TRIAGE_LOCATION, Complaint
from crm.complaint_filter import ANY_TRIAGE, ComplaintFilter
from store import complaints

MakeComplaint = Callable[..., Complaint]
DAY = datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_each_field_narrows_and_words_read_only_the_public_text(session: Session,
                                                                make_complaint: MakeComplaint) -> None:
    flood, tree, light = (complaints.add(session, complaint=make_complaint(**fields)) for fields in (
        {"channel": "sms", "category": "banjir", "received_at": DAY, "triage": TRIAGE_LOCATION,
         "text": "Banjir 50% jalan di Kampung Melayu, hubungi 0812-3456-7890"},
        {"channel": "twitter", "category": "pohon", "received_at": DAY + timedelta(hours=1),
         "text": "Pohon tumbang_besar di Jalan Sudirman"},
        {"channel": "sms", "category": "pju", "received_at": DAY + timedelta(hours=2),
         "triage": f"{TRIAGE_CATEGORY},{TRIAGE_LOCATION}", "text": "Lampu jalan mati"},
    ))
    session.commit()

    def found(**fields: object) -> list[int | None]:
        return [c.id for c in complaints.list_complaints(session, ComplaintFilter(**fields))]  # type: ignore[arg-type]

    assert found(channels=("sms",)) == [light.id, flood.id]
    assert found(channels=("sms",), categories=("banjir", "pohon")) == [flood.id]
    assert found(triage=ANY_TRIAGE) == [light.id, flood.id]
    assert found(triage=TRIAGE_CATEGORY) == [light.id]
    assert found(since=DAY + timedelta(minutes=30), until=DAY + timedelta(hours=1)) == [tree.id]
    assert found(words=("JALAN",)) == [light.id, tree.id, flood.id]
    assert found(words=("jalan", "mati")) == [light.id]
    assert found(words=(tree.ticket.lower(),)) == [tree.id]  # a ticket as a citizen types it
    assert found(words=("50%",)) == [flood.id] and found(words=("0%j",)) == []  # LIKE's wildcards are letters here
    assert found(words=("tumbang_besar",)) == [tree.id] and found(words=("tumbang_b_sar",)) == []
    assert found(words=("0812",)) == [] and found(words=("3456",)) == []  # masked in the public text
