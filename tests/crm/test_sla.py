"""The SLA clock on a controlled clock: weekends, holidays, cuti bersama, desks, categories, EWS."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crm.categories import UnknownCategory
from crm.sla import (
    CUTI_BERSAMA,
    LIBUR_NASIONAL,
    Calendar,
    Deadlines,
    SlaClock,
    SlaDataError,
)

WIB = timezone(timedelta(hours=7))  # a fixed offset, so the tests do not lean on crm's own WIB
UTC = timezone.utc
YEARS = (2025, 2026, 2027)


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


def end_of_day(d: date) -> datetime:
    """23:59:59 WIB of `d`, in UTC: how the clock writes a deadline that is a date."""
    return datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=WIB).astimezone(UTC)


@pytest.fixture(scope="module")
def clock() -> SlaClock:
    return SlaClock.default()


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the calendar -------------------------------------------------------------------------------

def test_weekends_are_not_working_days(clock):
    cal = clock.calendar
    assert [cal.is_working_day(date(2026, 3, d)) for d in range(2, 9)] == [True] * 5 + [False] * 2
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday -> Monday
    assert cal.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # Saturday -> Monday
    assert cal.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)


def test_a_complaint_on_the_friday_before_idul_fitri_2026_skips_the_whole_holiday(clock):
    # 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21-22 Idul Fitri (a weekend), 23-24 cuti bersama.
    received = wib(2026, 3, 13, 10, 0)
    got = clock.deadlines(channel="qlue", category="jalan", received_at=received)
    # Working days 16, 17, 25, 26, 27, 30, 31 March.
    assert got == Deadlines(first_action=received.astimezone(UTC) + timedelta(hours=6),
                            completion=end_of_day(date(2026, 3, 31)))
    assert got.first_action == wib(2026, 3, 13, 16, 0)  # clock hours: holidays do not stop it


def test_first_action_counts_clock_hours_through_the_night_and_weekend(clock):
    received = wib(2026, 3, 7, 22, 30)  # Saturday night
    got = clock.deadlines(channel="twitter", category="jalan", received_at=received)
    assert got.first_action == wib(2026, 3, 8, 4, 30)
    assert got.completion == end_of_day(date(2026, 3, 17))  # day 1 is Monday 9 March


def test_cuti_bersama_is_a_non_working_day(clock):
    cal = clock.calendar
    natal = cal.holidays[date(2025, 12, 26)]
    assert natal.jenis == CUTI_BERSAMA and not cal.is_working_day(natal.tanggal)
    # Wednesday 24 Dec 2025: 25 Natal, 26 cuti bersama, then the weekend.
    assert cal.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    only_national = Calendar(h for h in cal.holidays.values() if h.jenis == LIBUR_NASIONAL)
    assert only_national.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 26)


def test_cuti_bersama_2025_and_2026_are_in_the_data(clock):
    cuti = sorted(h.tanggal for h in clock.calendar.holidays.values() if h.jenis == CUTI_BERSAMA)
    assert sum(d.year == 2025 for d in cuti) == 11
    assert sum(d.year == 2026 for d in cuti) == 8
    assert date(2026, 3, 20) in cuti and date(2025, 4, 7) in cuti


def test_every_libur_nasional_matches_the_holidays_package(clock):
    holidays = pytest.importorskip("holidays")
    ours = {h.tanggal for h in clock.calendar.holidays.values() if h.jenis == LIBUR_NASIONAL}
    theirs = set(holidays.Indonesia(years=YEARS))
    assert ours == theirs
    joint = set(holidays.Indonesia(years=YEARS, categories=("government",)))
    cuti = {h.tanggal for h in clock.calendar.holidays.values() if h.jenis == CUTI_BERSAMA}
    assert cuti <= joint


# --- deadlines ----------------------------------------------------------------------------------

def test_walk_in_desks_answer_within_three_working_days(clock):
    received = wib(2026, 3, 13, 9, 0)  # Friday before Idul Fitri, at the pendopo
    for channel in ("pendopo", "balai-warga", "kecamatan", "kelurahan", "inspektorat"):
        got = clock.deadlines(channel=channel, category="jalan", received_at=received)
        assert got.completion == end_of_day(date(2026, 3, 25)), channel  # 16, 17, 25 March
    online = clock.deadlines(channel="website", category="jalan", received_at=received)
    assert online.completion == end_of_day(date(2026, 3, 31))


def test_category_overrides_from_the_packaged_file(clock):
    received = wib(2026, 3, 2, 9, 0)
    assert clock.overrides["kebakaran"].first_action_hours == 1
    fire = clock.deadlines(channel="qlue", category="kebakaran", received_at=received)
    assert fire.first_action == wib(2026, 3, 2, 10, 0)
    assert fire.completion == end_of_day(date(2026, 3, 11))  # completion keeps the default 7 days


def test_a_category_cannot_lengthen_a_desk_promise_but_can_shorten_it(tmp_path, clock):
    path = write(tmp_path, "sla.csv", "category,first_action_hours,completion_days,catatan",
                 "bangunan_perizinan,,14,pemeriksaan lapangan", "lampu_jalan,,2,")
    custom = SlaClock.from_csv(path, clock.calendar)
    received = wib(2026, 3, 2, 9, 0)  # Monday
    slow = custom.deadlines(channel="qlue", category="bangunan_perizinan", received_at=received)
    assert slow.completion == end_of_day(date(2026, 3, 27))  # 14 working days, 18-24 March off
    assert slow.first_action == wib(2026, 3, 2, 15, 0)
    desk = custom.deadlines(channel="kelurahan", category="bangunan_perizinan", received_at=received)
    assert desk.completion == end_of_day(date(2026, 3, 5))
    fast = custom.deadlines(channel="kelurahan", category="lampu_jalan", received_at=received)
    assert fast.completion == end_of_day(date(2026, 3, 4))


def test_an_ews_replaces_the_completion_deadline(clock):
    received = wib(2026, 3, 2, 9, 0)
    got = clock.deadlines(channel="qlue", category="jalan", received_at=received, ews=date(2026, 4, 30))
    assert got.completion == datetime(2026, 4, 30, 16, 59, 59, tzinfo=UTC)
    assert got.first_action == wib(2026, 3, 2, 15, 0)
    with pytest.raises(ValueError, match="sebelum tanggal laporan diterima"):
        clock.deadlines(channel="qlue", category="jalan", received_at=received, ews=date(2026, 3, 1))


def test_deadlines_use_the_wib_day_across_midnight_utc(clock):
    received = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)  # Sunday in UTC, Monday 02:00 in WIB
    got = clock.deadlines(channel="sms", category="jalan", received_at=received)
    assert got.completion == end_of_day(date(2026, 3, 11))  # counted from Monday, not Sunday
    assert got.completion == datetime(2026, 3, 11, 16, 59, 59, tzinfo=UTC)
    assert got.first_action == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert got.first_action.tzinfo == UTC and got.completion.tzinfo == UTC


def test_bad_inputs_are_refused(clock):
    with pytest.raises(ValueError, match="zona waktu"):
        clock.deadlines(channel="qlue", category="jalan", received_at=datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError, match="kanal tidak dikenal"):
        clock.deadlines(channel="Kelurahan", category="jalan", received_at=wib(2026, 3, 2, 9))
    with pytest.raises(UnknownCategory):
        clock.deadlines(channel="qlue", category="jalanan", received_at=wib(2026, 3, 2, 9))


# --- time left (the colours are crm/sla_state.py's, tests/crm/test_sla_state.py) ------------------

def test_time_left_is_negative_once_the_deadline_has_passed(clock):
    received = wib(2026, 3, 2, 9, 0)
    first_action = clock.deadlines(channel="qlue", category="jalan", received_at=received).first_action
    assert clock.time_left(first_action, received) == timedelta(hours=6)
    assert clock.time_left(first_action, wib(2026, 3, 2, 15, 1)) == -timedelta(minutes=1)


# --- data files ---------------------------------------------------------------------------------

def test_a_bad_holiday_row_fails_with_file_and_line(tmp_path):
    path = write(tmp_path, "hari_libur.csv", "tanggal,nama,jenis",
                 "2026-01-01,Tahun Baru Masehi,libur_nasional", "2026-02-30,Hari Tidak Ada,libur_nasional")
    with pytest.raises(SlaDataError, match=r"hari_libur\.csv:3: tanggal tidak ada di kalender") as err:
        Calendar.from_csv(path)
    assert err.value.line == 3
    path = write(tmp_path, "hari_libur.csv", "tanggal;nama;jenis", "21/03/2026;Idul Fitri;libur_nasional")
    with pytest.raises(SlaDataError, match=r"hari_libur\.csv:2: tanggal harus berformat"):
        Calendar.from_csv(path)
    path = write(tmp_path, "hari_libur.csv", "tanggal,nama,jenis",
                 "2026-12-24,Natal,cuti", "")
    with pytest.raises(SlaDataError, match=r"hari_libur\.csv:2: jenis harus"):
        Calendar.from_csv(path)
    path = write(tmp_path, "hari_libur.csv", "tanggal,nama,jenis",
                 "2026-12-25,Natal,libur_nasional", "2026-12-25,Natal,cuti_bersama")
    with pytest.raises(SlaDataError, match=r"hari_libur\.csv:3: tanggal 2026-12-25 ganda; sudah ada di baris 2"):
        Calendar.from_csv(path)


def test_a_bad_sla_row_fails_with_file_and_line(tmp_path):
    header = "category,first_action_hours,completion_days,catatan"
    cases = {
        "kebakaran,satu,,": r"sla\.csv:2: first_action_hours harus bilangan bulat positif",
        "banjir,0,,": r"sla\.csv:2: first_action_hours harus",
        "kebakaran,,,": r"sla\.csv:2: isi first_action_hours atau completion_days",
        "kebakaran,1,": r"sla\.csv:2: harus 4 kolom, ada 3",
        "api,1,,": r"sla\.csv:2: kategori tidak dikenal: 'api'",
    }
    for row, message in cases.items():
        with pytest.raises(SlaDataError, match=message):
            SlaClock.from_csv(write(tmp_path, "sla.csv", header, row), Calendar())
    with pytest.raises(SlaDataError, match=r"sla\.csv:1: baris judul harus"):
        SlaClock.from_csv(write(tmp_path, "sla.csv", "kategori,jam,hari,catatan"), Calendar())
