"""`pantau locate` as a user runs it: one point, and a CSV batch with codes, names and flags."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main


@pytest.mark.slow
def test_locate_one_point_prints_codes_and_flag():
    runner = CliRunner()
    monas = runner.invoke(main, ["locate", "106.8272", "-6.1754"])
    assert monas.exit_code == 0, monas.output
    assert "Gambir (31.71.01.1001)" in monas.output and "Jakarta Pusat (31.71)" in monas.output


@pytest.mark.slow
def test_locate_batch_writes_every_row(tmp_path: Path):
    points = tmp_path / "points.csv"
    points.write_text("lon,lat\n106.8272,-6.1754\n106.883,-6.104\n106.6559,-6.1256\n106.6150,-5.7456\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["locate", "--input", str(points), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [(r["kode_kelurahan"], r["flag"]) for r in rows] == [
        ("31.71.01.1001", ""), ("31.72.02.1001", "offshore"), ("", "luar_wilayah"), ("31.01.01.1001", "")]
    assert rows[3]["kota"] == "Kepulauan Seribu"


def test_locate_refuses_a_csv_without_coordinates(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    result = CliRunner().invoke(main, ["locate", "--input", str(bad), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "lon" in result.output


def test_locate_needs_a_point_or_files():
    result = CliRunner().invoke(main, ["locate"])
    assert result.exit_code == 2 and "LON LAT" in result.output


@pytest.mark.slow
def test_mailbox_poll_posts_new_mail_to_a_running_pantau_once(server, tmp_path: Path):
    """A real Maildir, a real server: one complaint taken, one unreadable message kept as a dead letter."""
    import mailbox

    import requests

    url, key = server.url, server.key
    box = mailbox.Maildir(tmp_path / "pengaduan", create=True)
    box.add((Path(__file__).parent / "data" / "channels" / "email_encoded_subject.eml").read_bytes())
    box.add(b"From: warga@example.id\r\nMessage-ID: <kosong@example.id>\r\nSubject: \r\n\r\n")  # no text at all
    runner = CliRunner(env={"PANTAU_API_KEY": key})
    first = runner.invoke(main, ["mailbox", "poll", str(tmp_path / "pengaduan"), "--url", url])
    assert first.exit_code == 0, first.output
    assert "diterima 1, ditolak (surat mati) 1, tertinggal 0" in first.output
    again = runner.invoke(main, ["mailbox", "poll", str(tmp_path / "pengaduan"), "--url", url])
    assert "diterima 0, ditolak (surat mati) 0, tertinggal 0" in again.output
    letters = requests.get(f"{url}/api/v1/dead-letters?channel=email", headers={"Authorization": f"Bearer {key}"},
                           timeout=10).json()["dead_letters"]
    assert len(letters) == 1 and letters[0]["status"] == 422
