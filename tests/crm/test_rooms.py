"""Room names: what an event is sent to, and which names a screen may ask for."""
from __future__ import annotations

from dataclasses import replace

import pytest

from crm.events import complaint_corrected
from crm.rooms import InvalidRoom, parse_room, rooms_of
from tests.crm.test_roles import GAMBIR, complaint


def test_an_event_goes_to_the_city_its_kota_and_its_skpd():
    assert rooms_of(kode_kota="31.72", skpd="DLH-JU") == ["city", "kota:31.72", "skpd:DLH-JU"]
    assert rooms_of(kode_kota=None, skpd="BIROPEM") == ["city", "skpd:BIROPEM"]


@pytest.mark.parametrize(("room", "parsed"), [
    ("city", ("city", None)),
    ("kota:31.71", ("kota", "31.71")),
    ("kota:31.01", ("kota", "31.01")),
    ("skpd:KEL-3172051003", ("skpd", "KEL-3172051003")),
])
def test_known_shapes_parse(room, parsed):
    assert parse_room(room) == parsed


@pytest.mark.parametrize("room", [
    "kota", "kota:", "kota:31.79", "kota:Jakarta Utara", "skpd:", "skpd:dlh-ju", "skpd:DLH JU",
    "kelurahan:31.71.01.1001", "City", "", 31.71, None, ["city"],
])
def test_other_shapes_are_refused_with_the_valid_ones_named(room):
    with pytest.raises(InvalidRoom, match=r"'city', 'kota:<kode_kota>' \(e\.g\. kota:31\.71\)"):
        parse_room(room)



def test_a_correction_is_told_to_the_rooms_the_complaint_left_too():
    """A screen held to the old kota or unit would otherwise keep the complaint's dot."""
    before = replace(complaint(skpd="BINAMARGA-JU"), id=7)
    after = replace(before, skpd="BINAMARGA-JP", jurisdiction=GAMBIR)
    event = complaint_corrected(after, before)
    assert (event.kode_kota, event.skpd) == ("31.71", "BINAMARGA-JP")  # the log keeps where it is now
    assert event.rooms == ["city", "kota:31.71", "skpd:BINAMARGA-JP", "kota:31.72", "skpd:BINAMARGA-JU"]
    assert event.logged(12).rooms == event.rooms
    recategorised = complaint_corrected(replace(before, category="banjir"), before)  # nothing left: no extra room
    assert recategorised.rooms == ["city", "kota:31.72", "skpd:BINAMARGA-JU"] == complaint_corrected(before).rooms
