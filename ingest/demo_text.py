"""What demo complaints say: short Indonesian texts per category, in the register of each channel.

Citizens type on phones in tweets, Facebook posts, Qlue and SMS ("jln", "tdk", "bgt", "sampah
numpuk", "lampu PJU mati"); they write letters on LAPOR!, email and the website; at walk-in desks
an official writes a note. So each category has casual sentences and formal noun phrases, and
each channel has a frame. `{tempat}` is where it happened, filled in from a Place.
"""
from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ingest.demo_places import Place


@dataclass(frozen=True, slots=True)
class Lines:
    weight: float  # how often the category comes, relative to the others (road, rubbish, parking lead)
    casual: tuple[str, ...]  # whole sentences as typed on a phone
    formal: tuple[str, ...]  # noun phrases for letters and desk notes


LINES: Mapping[str, Lines] = MappingProxyType({
    "jalan": Lines(10, (
        "jln berlubang {tempat}, udh bbrp motor jatoh",
        "jalan rusak parah {tempat}, lubangnya dalem bgt",
        "aspal amblas {tempat}, bahaya kalo malem gk keliatan",
        "trotoar {tempat} rusak, paving pada copot",
    ), (
        "jalan berlubang cukup dalam {tempat} yang membahayakan pengendara sepeda motor",
        "kerusakan aspal dan trotoar {tempat}",
        "jalan amblas {tempat} yang belum diberi tanda pengaman",
    )),
    "sampah": Lines(10, (
        "sampah numpuk {tempat} udh 3 hari gk diangkut, bau bgt",
        "bak sampah {tempat} penuh, sampah sampe ke jalan",
        "org buang sampah sembarangan {tempat}, makin hari makin numpuk",
    ), (
        "sampah yang menumpuk dan tidak diangkut {tempat}",
        "tempat pembuangan sampah liar {tempat}",
        "tempat penampungan sampah {tempat} yang sudah penuh sehingga sampah meluber ke jalan",
    )),
    "parkir_liar": Lines(8, (
        "parkir liar {tempat} bikin macet tiap sore",
        "mobil parkir di trotoar {tempat}, pejalan kaki jd turun ke jalan",
        "jukir liar {tempat} minta 5rb, gk ada karcis",
    ), (
        "kendaraan yang parkir di bahu jalan {tempat} sehingga menimbulkan kemacetan",
        "parkir liar di atas trotoar {tempat}",
        "juru parkir liar {tempat} yang memungut biaya tanpa karcis resmi",
    )),
    "saluran_air": Lines(7, (
        "got mampet {tempat}, tiap hujan langsung luber",
        "saluran air {tempat} penuh sampah & lumpur",
        "tutup got {tempat} ilang, bahaya bgt buat motor",
    ), (
        "saluran air yang tersumbat sampah dan lumpur {tempat}",
        "penutup saluran yang hilang {tempat} sehingga membahayakan pengguna jalan",
        "gorong-gorong {tempat} yang tersumbat dan menimbulkan bau",
    )),
    "banjir": Lines(6, (
        "banjir lg {tempat}, air udh sepaha",
        "genangan {tempat} gk surut2 dr semalem",
        "pompa air {tempat} kyknya mati, air naik terus",
    ), (
        "banjir setinggi kurang lebih 50 cm {tempat}",
        "genangan air {tempat} yang tidak kunjung surut sejak semalam",
        "pompa air {tempat} yang tidak berfungsi saat hujan deras",
    )),
    "pohon": Lines(6, (
        "pohon tumbang {tempat}, nutupin jalan",
        "dahan pohon gede {tempat} udh mau patah, ngeri bgt",
        "pohon {tempat} rimbun bgt kena kabel, tlg dipangkas",
    ), (
        "pohon tumbang {tempat} yang menutup sebagian badan jalan",
        "dahan pohon besar {tempat} yang rawan patah dan menimpa pengguna jalan",
        "permohonan pemangkasan pohon {tempat} yang sudah mengenai kabel listrik",
    )),
    "ketenteraman_ketertiban": Lines(6, (
        "tawuran lg {tempat} tadi mlm, warga resah",
        "knalpot brisik + balap liar {tempat} tiap malem minggu",
        "ada preman malakin pedagang {tempat}",
    ), (
        "tawuran remaja yang berulang {tempat}",
        "balap liar dan kebisingan kendaraan pada malam hari {tempat}",
        "premanisme yang meresahkan pedagang {tempat}",
    )),
    "pkl": Lines(6, (
        "PKL jualan di trotoar {tempat}, pejalan kaki gk bisa lewat",
        "pedagang makan badan jalan {tempat}, macet parah",
        "lapak PKL {tempat} makin banyak, trotoar abis",
    ), (
        "pedagang kaki lima yang berjualan di atas trotoar {tempat}",
        "pedagang kaki lima yang menggunakan badan jalan {tempat} sehingga mengganggu lalu lintas",
    )),
    "lampu_jalan": Lines(6, (
        "lampu PJU mati {tempat}, gelap bgt rawan begal",
        "lampu jalan {tempat} kedip2 udh seminggu",
        "PJU {tempat} mati total, tlg dong",
    ), (
        "lampu penerangan jalan umum (PJU) yang padam {tempat}",
        "tiang lampu PJU {tempat} yang miring dan rawan roboh",
    )),
    "fasilitas_umum": Lines(4, (
        "bangku taman {tempat} patah2 gk diganti",
        "toilet umum {tempat} kotor bgt & gk ada air",
        "pagar besi {tempat} udh karatan & jebol",
    ), (
        "fasilitas umum yang rusak {tempat}, antara lain bangku dan pagar",
        "toilet umum {tempat} yang kotor dan tidak berfungsi",
    )),
    "kabel_utilitas": Lines(4, (
        "kabel semrawut {tempat}, ada yg menjuntai ke jalan",
        "tiang kabel miring {tempat}, takut roboh",
        "kabel putus {tempat} nyangkut motor lewat",
    ), (
        "kabel udara yang menjuntai dan semrawut {tempat}",
        "tiang utilitas miring {tempat} yang rawan roboh",
    )),
    "lalu_lintas": Lines(4, (
        "lampu merah {tempat} mati, semrawut bgt",
        "macet parah {tempat} gk ada petugas",
        "putaran balik {tempat} bikin macet panjang",
    ), (
        "lampu lalu lintas {tempat} yang padam sehingga arus kendaraan semrawut",
        "kemacetan parah setiap jam sibuk {tempat}",
    )),
    "galian_proyek": Lines(3, (
        "galian kabel {tempat} gk ditutup lg, jalan jd bergelombang",
        "sisa material proyek {tempat} numpuk di trotoar",
    ), (
        "galian utilitas {tempat} yang tidak ditutup kembali dengan baik",
        "sisa material proyek yang dibiarkan di trotoar {tempat}",
    )),
    "air_bersih": Lines(3, (
        "air PAM mati {tempat} udh 2 hari",
        "air PAM {tempat} keruh & bau",
        "pipa bocor {tempat}, air muncrat ke jalan",
    ), (
        "gangguan aliran air PAM {tempat} sejak dua hari lalu",
        "pipa air bersih yang bocor {tempat}",
    )),
    "kesehatan": Lines(3, (
        "antrian berobat {tempat} lama bgt, dr subuh",
        "byk jentik nyamuk {tempat}, tetangga kena DBD, tlg fogging",
    ), (
        "lamanya antrean pelayanan kesehatan {tempat}",
        "kasus demam berdarah {tempat}; warga memohon pengasapan (fogging)",
    )),
    "transportasi_umum": Lines(3, (
        "bus TJ {tempat} lama bgt dtg, udh 40 menit nunggu",
        "mikrotrans {tempat} ngetem sembarangan",
        "JPO {tempat} rusak, lansia susah nyebrang",
    ), (
        "waktu tunggu bus Transjakarta yang sangat lama {tempat}",
        "jembatan penyeberangan orang {tempat} yang rusak",
    )),
    "administrasi_kependudukan": Lines(3, (
        "bikin KTP {tempat} blanko abis terus",
        "urus KK {tempat} udh sebulan blm jadi",
    ), (
        "keterlambatan pencetakan KTP elektronik {tempat}",
        "pengurusan kartu keluarga {tempat} yang belum selesai setelah satu bulan",
    )),
    "pelayanan_publik": Lines(2, (
        "pelayanan {tempat} lambat bgt, petugasnya main hp",
        "loket {tempat} tutup padahal blm jam istirahat",
    ), (
        "pelayanan yang lambat dan berbelit {tempat}",
        "sikap petugas yang tidak patut kepada warga {tempat}",
    )),
    "pencemaran": Lines(2, (
        "ada yg bakar sampah {tempat}, asepnya masuk rumah",
        "kali {tempat} item & bau bgt, kyknya limbah pabrik",
    ), (
        "pembakaran sampah terbuka {tempat} yang asapnya mengganggu warga",
        "dugaan pembuangan limbah usaha ke kali {tempat}",
    )),
    "reklame": Lines(2, (
        "spanduk liar {tempat} nutupin rambu",
        "baliho {tempat} miring mau jatoh",
        "iklan sedot WC ditempel di tiang2 {tempat}",
    ), (
        "spanduk dan baliho tanpa izin {tempat} yang menutupi rambu lalu lintas",
        "iklan tempel liar di tiang listrik {tempat}",
    )),
    "taman": Lines(2, (
        "taman {tempat} kotor, rumput tinggi, lampu mati",
        "jalur hijau {tempat} dijadiin tempat buang sampah",
    ), (
        "taman kota {tempat} yang tidak terawat",
        "jalur hijau {tempat} yang rusak dan dipenuhi sampah",
    )),
    "hewan": Lines(2, (
        "ada ular masuk rumah warga {tempat}",
        "anjing liar {tempat} suka ngejar anak2",
        "kambing dilepas {tempat}, kotorannya di mana2",
    ), (
        "anjing liar yang agresif {tempat}",
        "hewan ternak yang dilepas di permukiman {tempat}",
    )),
    "bangunan_perizinan": Lines(2, (
        "ada bangunan baru {tempat} nutup saluran air, izinnya ada gk?",
        "bangunan {tempat} nambah lantai terus, kyknya gk ada PBG",
    ), (
        "pembangunan gedung {tempat} yang diduga tidak memiliki PBG",
        "bangunan {tempat} yang melanggar garis sempadan dan menutup saluran air",
    )),
    "pendidikan": Lines(2, (
        "sekolah negeri {tempat} minta uang seragam mahal bgt, katanya gratis",
        "KJP anak sy blm cair, sekolah {tempat} gk bs jelasin",
    ), (
        "pungutan biaya seragam di sekolah negeri {tempat}",
        "pencairan KJP Plus yang terlambat bagi siswa sekolah {tempat}",
    )),
    "kesejahteraan_sosial": Lines(2, (
        "ada ODGJ keliaran {tempat}, kasian & bikin takut anak2",
        "bansos gk nyampe ke warga {tempat}, yg dapet itu2 aja",
    ), (
        "orang dengan gangguan jiwa yang telantar {tempat}",
        "penyaluran bantuan sosial yang tidak tepat sasaran {tempat}",
    )),
    "kebakaran": Lines(1, (
        "ada kebakaran {tempat}!! asep item tebel",
        "sarang tawon gede {tempat}, tlg dievakuasi",
        "hidran {tempat} bocor terus",
    ), (
        "bahaya kebakaran dari instalasi listrik liar {tempat}",
        "sarang tawon berukuran besar {tempat} yang membahayakan warga",
    )),
    "kawasan_dilarang_merokok": Lines(1, (
        "byk org ngerokok {tempat} padahal ada tulisan dilarang merokok",
        "petugas {tempat} malah ngerokok di dalem ruangan",
    ), (
        "pelanggaran kawasan dilarang merokok {tempat}",
    )),
    "pemakaman": Lines(1, (
        "makam ortu di TPU {tempat} rusak, diminta bayar lg sm oknum",
    ), (
        "pungutan biaya perawatan makam oleh oknum petugas TPU {tempat}",
    )),
    "pungutan_liar": Lines(1, (
        "urus surat {tempat} dimintain uang rokok, katanya gratis",
        "ada pungli {tempat}, tiap truk lewat ditarik 10rb",
    ), (
        "dugaan pungutan liar dalam pengurusan surat keterangan {tempat}",
        "permintaan uang tanpa dasar oleh oknum petugas {tempat}",
    )),
    "bangunan_terbengkalai": Lines(1, (
        "rumah kosong {tempat} udh lama terbengkalai, jd sarang nyamuk",
        "bangunan kosong {tempat} atapnya udh mau ambruk",
    ), (
        "rumah kosong terbengkalai {tempat} yang rawan kriminalitas dan menjadi sarang nyamuk",
    )),
    "ppsu": Lines(1, (
        "petugas PPSU {tempat} jarang keliatan, got gk pernah dibersihin",
    ), (
        "kinerja petugas PPSU {tempat} yang jarang membersihkan saluran",
    )),
    "rumah_susun": Lines(1, (
        "lift rusun {tempat} mati lg, lansia naik tangga ke lt 5",
        "air di rusun {tempat} sering mati",
    ), (
        "lift rusunawa {tempat} yang sering rusak",
        "gangguan air bersih di rusunawa {tempat}",
    )),
    "perlindungan_perempuan_anak": Lines(1, (
        "ada anak kecil ngemis sampe malem {tempat}, kyknya disuruh org",
        "tetangga {tempat} sering mukulin anaknya, tlg dicek",
    ), (
        "anak-anak yang dipekerjakan mengemis hingga malam hari {tempat}",
        "dugaan kekerasan terhadap anak di salah satu rumah warga {tempat}",
    )),
    "lainnya": Lines(2, (
        "mau tanya prosedur izin keramaian {tempat} gmn ya",
        "ada tumpahan oli {tempat}, jalan licin",
    ), (
        "permohonan informasi prosedur izin keramaian {tempat}",
        "tumpahan oli di badan jalan {tempat} yang membuat jalan licin",
    )),
})

CASUAL = frozenset({"qlue", "twitter", "facebook", "sms", "open311"})  # open311: partner citizen apps
LETTER = frozenset({"lapor", "email", "website"})  # the rest are walk-in desks: an official's note

_TWEET_ENDS = ("tolong dong min", "mohon ditindak", "udh lama bgt kyk gini", "pls", "kapan dibenerin?", "")
_POST_ENDS = ("Mohon perhatiannya Pemprov DKI.", "Tolong dibantu ya admin.", "Warga udh lama ngeluh.", "")
_SINCE = ("Kondisi ini sudah berlangsung sekitar {n} hari.", "Hal ini sudah terjadi lebih dari {n} minggu.", "")
_REPORTERS = ("Warga RT {rt}/RW {rw}", "Ketua RT {rt}/RW {rw}", "Perwakilan warga RW {rw}", "Seorang warga")
_DESK_NOTES = {
    "kecamatan": "Dicatat di meja pengaduan kecamatan dan diteruskan ke unit terkait.",
    "kelurahan": "Dicatat oleh petugas piket pengaduan kelurahan.",
    "pendopo": "Diterima langsung di Pendopo Balai Kota.",
    "inspektorat": "Pelapor meminta identitasnya dirahasiakan.",
    "balai-warga": "Disampaikan dalam pertemuan Balai Warga.",
}
# SMS is written shortest of all: the whole message, place names included, is abbreviated.
_SMS_WORDS = {
    "tidak": "tdk", "jalan": "jln", "yang": "yg", "sudah": "sdh", "banget": "bgt", "dengan": "dgn",
    "tolong": "tlg", "untuk": "utk", "karena": "krn", "belum": "blm", "dekat": "dkt", "depan": "dpn",
    "kelurahan": "kel", "seberang": "sbrg", "lagi": "lg", "juga": "jg", "malam": "mlm", "orang": "org",
    "mohon": "mhn", "pasar": "psr", "halte": "hlt",
}
_SMS_PATTERN = re.compile(r"\b(" + "|".join(_SMS_WORDS) + r")\b", re.IGNORECASE)


def compose(category: str, channel: str, place: Place, rng: random.Random) -> str:
    """The text a citizen (or a desk official) would send about `category` at `place`."""
    lines = LINES[category]
    if channel in CASUAL:
        body = rng.choice(lines.casual).format(tempat=_casual_place(place, rng))
        return _casual_frame(channel, body, rng)
    body = rng.choice(lines.formal).format(tempat=_formal_place(place, rng))
    if channel in LETTER:
        return _letter(channel, body, rng)
    reporter = rng.choice(_REPORTERS).format(rt=f"{rng.randint(1, 15):02d}", rw=f"{rng.randint(1, 12):02d}")
    return f"{reporter} menyampaikan pengaduan tentang {body}. {_DESK_NOTES[channel]}"


def _casual_frame(channel: str, body: str, rng: random.Random) -> str:
    if channel == "twitter":
        return f"{rng.choice(('@DKIJakarta ', '@DKIJakarta min, ', ''))}{body} {rng.choice(_TWEET_ENDS)}".strip()
    if channel == "facebook":
        return f"{body[0].upper()}{body[1:]}. {rng.choice(_POST_ENDS)}".strip()
    if channel == "sms":
        return "LAPOR " + _SMS_PATTERN.sub(lambda m: _SMS_WORDS[m.group(1).lower()], body)
    return body  # Qlue: a photo and a line


def _letter(channel: str, body: str, rng: random.Random) -> str:
    since = rng.choice(_SINCE).format(n=rng.randint(2, 6))
    if channel == "email":
        parts = ("Yth. Bapak/Ibu Pengelola Pengaduan Pemprov DKI Jakarta, dengan hormat, bersama surel ini "
                 f"saya melaporkan {body}.", since, "Atas perhatian dan tindak lanjutnya saya ucapkan terima kasih.")
    elif channel == "lapor":
        parts = (f"Saya ingin melaporkan {body}.", since, "Mohon segera ditindaklanjuti oleh instansi terkait.")
    else:
        parts = (f"Dengan hormat, kami melaporkan {body}.", since, "Mohon penanganan segera.")
    return " ".join(part for part in parts if part)


def _casual_place(place: Place, rng: random.Random) -> str:
    if place.landmark:
        return rng.choice(("di {0}", "dkt {0}", "depan {0}", "deket {0}", "sblh {0}")).format(place.landmark)
    return rng.choice(("di {0}", "di kel. {0}", "daerah {0}")).format(place.kelurahan)


def _formal_place(place: Place, rng: random.Random) -> str:
    where = f"Kelurahan {place.kelurahan}, Kecamatan {place.kecamatan}"
    if place.landmark:
        return rng.choice(("di sekitar {0}, {1}", "di depan {0}, {1}", "dekat {0}, {1}")).format(place.landmark, where)
    return f"di RT {rng.randint(1, 15):02d}/RW {rng.randint(1, 12):02d} {where}"
