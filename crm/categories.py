"""The complaint categories citizens pick in JAKI and the CRM, keyed on short ASCII codes.

Codes are stable identifiers stored with every complaint and used by the routing rules; names
are the Indonesian labels officials and citizens see. The list follows the categories Jakarta's
CRM publishes in its yearly figures (jalan, pohon, parkir liar, sampah, ...) and a few more JAKI
categories that need their own handler (pemakaman, hewan, pungutan liar, ...).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

FALLBACK = "lainnya"


@dataclass(frozen=True, slots=True)
class Category:
    """One complaint category: `code` is the stable key, `name` the Indonesian label."""

    code: str
    name: str
    name_en: str
    description: str


class UnknownCategory(ValueError):
    """A category code that is not in the catalogue."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"Kategori tidak dikenal: {code!r} / unknown category: {code!r} "
            f"(gunakan kategori {FALLBACK!r} bila ragu / use {FALLBACK!r} when unsure)"
        )


_ALL = (
    Category("jalan", "Jalan", "Roads",
             "Jalan berlubang, rusak atau amblas, trotoar rusak, marka dan rambu jalan pudar."),
    Category("pohon", "Pohon", "Trees",
             "Pohon tumbang atau rawan tumbang, dahan menjuntai, permintaan pemangkasan."),
    Category("parkir_liar", "Parkir Liar", "Illegal parking",
             "Kendaraan parkir di bahu jalan, trotoar atau tempat terlarang; juru parkir liar."),
    Category("sampah", "Sampah", "Rubbish",
             "Sampah menumpuk atau tidak diangkut, tempat pembuangan liar, TPS penuh."),
    Category("banjir", "Banjir", "Flooding",
             "Banjir dan genangan di jalan atau permukiman, pompa air tidak berfungsi, tanggul bocor."),
    Category("saluran_air", "Saluran Air", "Drains",
             "Saluran air, got dan gorong-gorong tersumbat, penutup saluran rusak atau hilang."),
    Category("ketenteraman_ketertiban", "Gangguan Ketenteraman dan Ketertiban",
             "Public order and nuisance",
             "Kebisingan, tawuran, premanisme, gelandangan yang mengganggu, pelanggaran perda."),
    Category("pkl", "Pedagang Kaki Lima", "Street vendors",
             "Pedagang kaki lima berjualan di trotoar, badan jalan atau tempat terlarang."),
    Category("lampu_jalan", "Lampu Penerangan Jalan", "Street lighting",
             "Lampu penerangan jalan umum (PJU) mati, berkedip atau tiangnya rusak."),
    Category("fasilitas_umum", "Fasilitas Umum", "Public facilities",
             "Fasilitas sosial dan fasilitas umum rusak: halte, bangku, pagar, toilet umum, RPTRA."),
    Category("kebakaran", "Kebakaran", "Fire",
             "Kebakaran, bahaya kebakaran, hidran rusak, penyelamatan (evakuasi hewan, sarang tawon)."),
    Category("lalu_lintas", "Lalu Lintas", "Traffic",
             "Kemacetan, lampu lalu lintas mati, putaran balik dan rekayasa lalu lintas."),
    Category("kawasan_dilarang_merokok", "Kawasan Dilarang Merokok", "No-smoking areas",
             "Merokok di kawasan dilarang merokok: kantor, fasilitas kesehatan, sekolah, angkutan umum."),
    Category("bangunan_perizinan", "Bangunan dan Perizinan", "Buildings and permits",
             "Bangunan tanpa persetujuan bangunan gedung (PBG), melanggar tata ruang atau garis sempadan."),
    Category("air_bersih", "Air Bersih", "Clean water",
             "Air PAM mati, keruh atau bertekanan rendah, pipa bocor."),
    Category("kesehatan", "Kesehatan", "Health",
             "Layanan puskesmas dan rumah sakit daerah, jentik nyamuk dan demam berdarah, fogging."),
    Category("pendidikan", "Pendidikan", "Education",
             "Sekolah negeri, penerimaan murid baru, KJP Plus, pungutan di sekolah."),
    Category("kesejahteraan_sosial", "Kesejahteraan Sosial", "Social welfare",
             "Bantuan sosial, penyandang masalah kesejahteraan sosial (PMKS), orang terlantar."),
    Category("transportasi_umum", "Transportasi Umum", "Public transport",
             "Layanan Transjakarta, Mikrotrans/JakLingko, MRT, LRT, angkutan kota."),
    Category("administrasi_kependudukan", "Administrasi Kependudukan", "Civil registration",
             "KTP elektronik, kartu keluarga, akta kelahiran dan kematian, pindah domisili."),
    Category("kabel_utilitas", "Kabel dan Jaringan Utilitas", "Overhead cables and utility networks",
             "Kabel udara semrawut, menjuntai atau putus, tiang utilitas miring atau tidak terpakai."),
    Category("galian_proyek", "Galian dan Sisa Proyek", "Excavations and construction debris",
             "Galian utilitas yang tidak ditutup kembali, sisa material proyek di jalan atau trotoar."),
    Category("taman", "Taman", "Parks",
             "Taman kota, jalur hijau dan hutan kota: kotor, rusak atau tidak terawat."),
    Category("pemakaman", "Pemakaman", "Cemeteries",
             "Taman pemakaman umum (TPU): makam rusak, pungutan makam, lahan makam."),
    Category("pencemaran", "Pencemaran Lingkungan", "Pollution",
             "Pencemaran udara, air atau tanah, pembakaran sampah, limbah usaha, bau menyengat."),
    Category("hewan", "Hewan", "Animals",
             "Hewan liar atau berbahaya, hewan penular rabies, ternak di permukiman, hewan telantar."),
    Category("pungutan_liar", "Pungutan Liar", "Illegal levies",
             "Pungutan tanpa dasar hukum oleh petugas atau dalam layanan pemerintah daerah."),
    Category("pelayanan_publik", "Pelayanan Publik", "Public service conduct",
             "Layanan kantor pemerintah daerah yang lambat, berbelit, atau petugas yang tidak patut."),
    Category("bangunan_terbengkalai", "Rumah dan Bangunan Terbengkalai", "Abandoned buildings",
             "Rumah atau bangunan kosong terbengkalai yang rawan kriminalitas, sarang nyamuk atau ambruk."),
    Category("ppsu", "Pekerja PPSU", "PPSU street crews",
             "Kinerja petugas Penanganan Prasarana dan Sarana Umum (PPSU) kelurahan."),
    Category("reklame", "Reklame dan Iklan Liar", "Billboards and fly-posting",
             "Spanduk, baliho dan reklame tanpa izin, iklan tempel liar di tiang dan fasilitas umum."),
    Category("rumah_susun", "Rumah Susun", "Public housing",
             "Rumah susun sederhana sewa (rusunawa) milik pemerintah daerah: fasilitas, sewa, penghuni."),
    Category("perlindungan_perempuan_anak", "Perlindungan Perempuan dan Anak",
             "Protection of women and children",
             "Kekerasan terhadap perempuan dan anak, anak telantar, perdagangan orang."),
    Category(FALLBACK, "Lainnya", "Other",
             "Laporan yang belum cocok dengan kategori lain; kelurahan memilah dan meneruskannya."),
)

CATEGORIES: Mapping[str, Category] = MappingProxyType({c.code: c for c in _ALL})


def get_category(code: str) -> Category:
    """The category for `code`; an unknown code is an error, never silently `lainnya`."""
    try:
        return CATEGORIES[code]
    except KeyError:
        raise UnknownCategory(code) from None
