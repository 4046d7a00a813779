"""Benchmark the masking of personal data in complaint texts (crm/personal_data.py) on the labelled set.

    python benchmarks/personal_data.py [--seconds S]
    python benchmarks/personal_data.py --write-set   # rewrites tests/data/personal_data/generated.jsonl

The set: `tests/data/personal_data/*.jsonl`, one text a line with the exact substrings that must
disappear (`personal`, empty for a clean text). `hand.jsonl` is written by hand (hard cases);
`generated.jsonl` comes from `--write-set` (seeded, so the same file every time). Prints recall
(labelled substrings gone from the masked text / labelled substrings), false masks (clean texts
changed / clean texts), both also for a naive regex, and throughput beside two baselines run in
the same process on the same texts: the naive regex's one pass and str.lower.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm.personal_data import EMAIL, NIK, PHONE, SIGNATURE, mask  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "data" / "personal_data"
GENERATED = SET / "generated.jsonl"
SEED = 12
NAIVE = re.compile(r"\+?\(?\d[\d ().-]{7,}\d|\S+@\S+\.\w+")  # the regex anyone writes first

PLACES = (
    "Jl. Kemang Raya", "Jl. Raya Bogor km 24", "Gg. Haji Nawi", "Jl. Pemuda Rawamangun", "Jl. Daan Mogot",
    "Jl. Kramat Raya", "Jl. Tebet Barat Dalam", "Jl. Cipinang Jaya", "Jl. Pluit Karang", "Jl. Bangka Raya",
    "Jl. Kebon Jeruk Raya", "Jl. Hayam Wuruk", "Jl. Dewi Sartika", "Jl. Kalibata Tengah", "Jl. Kelapa Gading Boulevard",
    "Jl. Condet Raya", "Jl. Warung Buncit", "Jl. Tanjung Duren Raya", "Jl. Pasar Minggu", "Jl. Cempaka Putih Tengah",
)
# Complaints with the numbers a complaint has anyway; each placeholder is filled below.
COMPLAINTS = (
    "jalan berlubang di {tempat} RT {rt}/RW {rw}, sudah {n} motor jatuh minggu ini",
    "banjir setinggi {cm} cm di {tempat} sejak jam {jam}, air belum surut",
    "sampah numpuk di TPS {tempat} udah {n} hari gak diangkut, bau banget",
    "lampu PJU tiang no. {tiang} di {tempat} mati sejak {tgl}",
    "pohon tumbang di {tempat} depan rumah no. {no}, menutup setengah jalan jam {jam}",
    "parkir liar di {tempat}, jukir minta Rp {uang} per motor tanpa karcis",
    "mobil {plat} parkir di trotoar {tempat} tiap hari dari jam {jam} sampai {jam2}",
    "got mampet di {tempat} RT {rt} RW {rw}, tiap hujan air masuk ke {n} rumah",
    "laporan saya {tiket} tanggal {tgl} belum ada tindak lanjut, jalan di {tempat} masih rusak",
    "trotoar {tempat} rusak sepanjang {m} meter, paving copot",
    "genangan di {tempat} km {km}, macet sampai {n} km",
    "PKL di {tempat} jualan di badan jalan dari jam {jam}, angkot {trayek} susah lewat",
    "kabel menjuntai di {tempat} no. {no}, tingginya tinggal {m2} meter",
    "pungli di kantor kelurahan, diminta Rp {uang} untuk surat domisili tanggal {tgl}",
    "air PAM mati di {tempat} RT {rt}/RW {rw} sudah {n} hari, warga {n2} KK beli air galon",
    "pohon di {tempat} rantingnya patah jam {jam}, menimpa mobil {plat}",
    "lampu merah simpang {tempat} mati dari jam {jam}, macet panjang",
    "bau sampah dari TPS {tempat} sampai ke sekolah SDN {sdn} pagi",
)
CONTACTS = {
    PHONE: ("hubungi saya di {v}", "WA {v}", "no hp saya {v}", "bisa telp ke {v}", "kontak: {v}",
            "tolong kabari ke {v} kalau sudah ditangani", "nomor saya {v} (WA aktif)"),
    EMAIL: ("email saya {v}", "balas ke {v}", "kabari lewat email {v}", "email: {v}"),
    NIK: ("NIK saya {v}", "NIK {v}", "no KK {v}", "nomor KK saya {v}", "NIK pelapor: {v}"),
}
FIRST = ("Budi", "Sri", "Dewi", "Agus", "Rina", "Andi", "Siti", "Hendra", "Wahyu", "Nurul", "Yusuf", "Ratna",
         "Bambang", "Fitri", "Rizky", "Lestari", "Joko", "Putri", "Eko", "Maya")
LAST = ("Santoso", "Wahyuni", "Lestari", "Setiawan", "Hidayat", "Saputra", "Rahmawati", "Nugroho", "Siregar",
        "Simanjuntak", "Kusuma", "Pratama", "Wibowo", "Hasibuan", "Permata", "Gunawan")
MOBILE = ("811", "812", "813", "821", "822", "823", "852", "853", "814", "815", "816", "855", "856", "857", "858",
          "817", "818", "819", "859", "877", "878", "895", "896", "897", "898", "899", "881", "882", "887", "831",
          "838")
DOMAINS = ("gmail.com", "yahoo.co.id", "yahoo.com", "outlook.com", "hotmail.com", "ymail.com", "ui.ac.id",
           "mail.co.id")
CLOSINGS = ("Hormat saya,", "Terima kasih,", "Terima kasih atas perhatiannya.", "Salam,", "Wassalamualaikum Wr. Wb.",
            "Salam hormat,")


def mobile(rng: random.Random) -> str:
    """A mobile number as citizens write it: trunk 0 or +62/62, grouped by dashes, spaces or dots."""
    rest = "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 8, 8, 8))))
    prefix = rng.choice(MOBILE)
    groups = [prefix, rest[:4], rest[4:]]
    style = rng.randrange(9)
    if style == 0:
        return "0" + "-".join(groups)
    if style == 1:
        return "0" + " ".join(groups)
    if style == 2:
        return "0" + "".join(groups)
    if style == 3:
        return "0" + ".".join(groups)
    if style == 4:
        return "+62 " + " ".join(groups)
    if style == 5:
        return "+62" + "".join(groups)
    if style == 6:
        return "62" + "".join(groups)
    if style == 7:
        return "+62 " + "-".join(groups)
    return f"(0{prefix}) {rest}"


def landline(rng: random.Random) -> str:
    """A Jakarta (021) or nearby landline: (021) 5551234, 021-555-1234, +62 21 2912 3456 ..."""
    area = rng.choice(("21", "21", "21", "251", "22"))
    first = rng.choice("2345678")
    rest = first + "".join(rng.choice("0123456789") for _ in range(6 if area != "21" else rng.choice((6, 7))))
    style = rng.randrange(5)
    if style == 0:
        return f"(0{area}) {rest}"
    if style == 1:
        return f"0{area}-{rest[:3]}-{rest[3:]}"
    if style == 2:
        return f"0{area} {rest}"
    if style == 3:
        return f"+62 {area} {rest[:4]} {rest[4:]}"
    return f"0{area}-{rest}"


def email(rng: random.Random, first: str, last: str) -> str:
    user = rng.choice((f"{first}.{last}", f"{first}{last}{rng.randrange(70, 99)}", f"{first}_{last}",
                       f"{first[0]}.{last}", f"{first}.{last}+lapor", f"{first}{rng.randrange(1, 999)}"))
    return f"{user.lower()}@{rng.choice(DOMAINS)}"


def nik(rng: random.Random) -> str:
    """A Jakarta NIK or KK: region 3171-3175, kecamatan, DDMMYY (women's day + 40), serial."""
    day = rng.randrange(1, 29) + rng.choice((0, 40))
    digits = (f"317{rng.randrange(1, 6)}{rng.randrange(1, 11):02d}{day:02d}{rng.randrange(1, 13):02d}"
              f"{rng.randrange(60, 100):02d}{rng.randrange(1, 30):04d}")
    style = rng.randrange(4)
    if style == 0:
        return digits
    if style == 1:
        return " ".join(digits[i:i + 4] for i in range(0, 16, 4))
    if style == 2:
        return f"{digits[:6]} {digits[6:12]} {digits[12:]}"
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def complaint(rng: random.Random) -> str:
    """One complaint sentence with the ordinary numbers that must stay."""
    hour, minute = rng.randrange(5, 23), rng.choice(("00", "15", "30", "45"))
    return rng.choice(COMPLAINTS).format(
        tempat=rng.choice(PLACES), rt=f"{rng.randrange(1, 16):02d}", rw=f"{rng.randrange(1, 12):02d}",
        n=rng.randrange(2, 15), n2=rng.randrange(10, 80), cm=rng.choice((30, 50, 60, 80, 100)),
        jam=f"{hour:02d}.{minute}", jam2=f"{min(hour + 3, 23):02d}.00",
        tgl=rng.choice((f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 13):02d}-2024",
                        f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/2024",
                        f"{rng.randrange(1, 29)} November 2024")),
        tiang=rng.choice((f"{rng.randrange(1, 999):03d}", f"PJU-{rng.randrange(1000, 9999)}")),
        no=rng.choice((str(rng.randrange(1, 120)), f"{rng.randrange(1, 90)}A", f"C3/{rng.randrange(1, 30)}")),
        uang=rng.choice(("5.000", "10.000", "150.000", "1.500.000", "250rb")),
        plat=f"B {rng.randrange(1000, 9999)} {rng.choice(('SJA', 'TKR', 'UYZ', 'KFP', 'PQR'))}",
        tiket=f"JKT-24{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}-{rng.choice(('7K3QZ', 'M4XQ9', 'A2B3C'))}",
        m=rng.randrange(20, 300), m2=rng.choice(("1,5", "2", "0,8")), km=f"{rng.randrange(10, 40)}+{rng.randrange(100, 900)}",
        trayek=rng.choice(("M11", "S15", "JAK 31", "KWK 04")), sdn=f"{rng.randrange(1, 20):02d}",
    )


def with_personal(rng: random.Random) -> tuple[str, list[dict[str, str]]]:
    """A complaint with one or two pieces of personal data, or a letter ending in a signature."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if rng.random() < 0.25:
        phone = rng.choice((mobile, mobile, landline))(rng)
        extra = rng.choice((phone, email(rng, first, last)))
        text = (f"Yth. Bapak/Ibu,\nSaya ingin melaporkan {complaint(rng)}.\nMohon segera ditindaklanjuti.\n\n"
                f"{rng.choice(CLOSINGS)}\n{first} {last}\n{rng.choice(PLACES)} RT {rng.randrange(1, 16):02d}\n{extra}")
        return text, [{"kind": SIGNATURE, "value": f"{first} {last}"},
                      {"kind": PHONE if extra == phone else EMAIL, "value": extra}]
    pieces = []
    for kind in rng.sample((PHONE, PHONE, EMAIL, NIK), rng.choice((1, 1, 2))):
        value = {PHONE: lambda: rng.choice((mobile, mobile, mobile, landline))(rng),
                 EMAIL: lambda: email(rng, first, last), NIK: lambda: nik(rng)}[kind]()
        pieces.append((kind, value, rng.choice(CONTACTS[kind]).format(v=value)))
    text = complaint(rng) + ". " + ", ".join(p[2] for p in pieces)
    return text, [{"kind": kind, "value": value} for kind, value, _ in pieces]


def clean(rng: random.Random) -> str:
    """A complaint without personal data; some as letters that close with no signature after."""
    text = complaint(rng)
    if rng.random() < 0.3:
        text += ", " + complaint(rng)
    if rng.random() < 0.2:
        return f"Selamat pagi,\n{text[0].upper()}{text[1:]}.\nMohon dibantu.\n\n{rng.choice(CLOSINGS)}"
    return text


def write_set(n: int = 320, seed: int = SEED) -> None:
    rng = random.Random(seed)
    GENERATED.parent.mkdir(parents=True, exist_ok=True)
    with GENERATED.open("w", encoding="utf-8") as f:
        for i in range(n):
            text, personal = with_personal(rng) if i % 2 == 0 else (clean(rng), [])
            f.write(json.dumps({"id": f"gen-{i:03d}", "text": text, "personal": personal}, ensure_ascii=False) + "\n")
    print(f"wrote {n} texts to {GENERATED.relative_to(ROOT)}")


def load_set() -> list[dict]:
    return [json.loads(line) for path in sorted(SET.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(masker: Callable[[str], str], cases: list[dict]) -> tuple[Counter, Counter, int, int]:
    """(items by kind, removed by kind, clean texts, clean texts changed)."""
    items: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    clean_texts = changed = 0
    for case in cases:
        masked = masker(case["text"])
        for item in case["personal"]:
            items[item["kind"]] += 1
            removed[item["kind"]] += item["value"] not in masked
        if not case["personal"]:
            clean_texts += 1
            changed += masked != case["text"]
    return items, removed, clean_texts, changed


def throughput(function: Callable[[str], object], texts: list[str], seconds: float) -> float:
    """Texts per second over whole passes of `texts` for at least `seconds`."""
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or not done:
        for text in texts:
            function(text)
        done += len(texts)
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-set", action="store_true", help="rewrite generated.jsonl and stop")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per throughput measurement")
    args = parser.parse_args()
    if args.write_set:
        write_set()
        return
    cases = load_set()
    with_data = sum(bool(case["personal"]) for case in cases)
    print(f"{len(cases)} texts: {with_data} with personal data, {len(cases) - with_data} without; "
          f"{sum(bool(case.get('known_miss')) for case in cases)} marked as known misses")
    naive = lambda text: NAIVE.sub("[x]", text)  # noqa: E731
    for name, masker in (("crm.personal_data.mask", mask), ("naive regex", naive)):
        items, removed, clean_texts, changed = scores(masker, cases)
        total, gone = sum(items.values()), sum(removed.values())
        by_kind = ", ".join(f"{kind} {removed[kind]}/{items[kind]}" for kind in (PHONE, EMAIL, NIK, SIGNATURE))
        in_scope, in_scope_gone = scores(masker, [case for case in cases if not case.get("known_miss")])[:2]
        print(f"\n{name}:\n  recall {gone}/{total} = {gone / total:.1%} ({by_kind})"
              f"\n  recall without the known misses {sum(in_scope_gone.values())}/{sum(in_scope.values())}"
              f" = {sum(in_scope_gone.values()) / sum(in_scope.values()):.1%}"
              f"\n  false masks {changed}/{clean_texts} = {changed / clean_texts:.1%}")
    texts = [case["text"] for case in cases]
    masked, regex, lower = (throughput(f, texts, args.seconds) for f in (mask, naive, str.lower))
    print(f"\nthroughput: mask {masked:,.0f} texts/s, naive regex {regex:,.0f}, str.lower {lower:,.0f}"
          f"\n  mask / regex = {masked / regex:.3f}, mask / lower = {masked / lower:.4f}")


if __name__ == "__main__":
    main()
