"""Locator on the real kelurahan file: known places, landmarks, the coast and the land border.

Expected answers come from the data README's known-point table and from landmarks_jakarta.csv
(built from the same polygons). The coast rules are checked against an independent brute-force
reference written here with plain shapely (UTM 48S distances to every kelurahan polygon).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.boundaries import BoundaryError, load_boundaries
from geo.coast import (
    BORDER_TOLERANCE_M,
    FLAG_BORDER,
    FLAG_NONE,
    FLAG_OFFSHORE,
    OFFSHORE_MAX_M,
)

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32748", always_xy=True)
FROM_UTM = Transformer.from_crs("EPSG:32748", "EPSG:4326", always_xy=True)


# --- independent reference -------------------------------------------------------------------


class Reference:
    """Brute force: covered -> lowest intersecting index; else nearest polygon by UTM distance."""

    def __init__(self, boundaries, locator):
        k = boundaries.kelurahan
        self.polygons = k.geometry.values
        self.metric = k.to_crs(32748).geometry.values
        self.bounds = shapely.bounds(self.metric)
        self.island = (k["kode_kota"] == "31.01").to_numpy()
        self.locator = locator  # only for its sea cells: the rule under test is what uses them

    def is_sea(self, lons, lats) -> np.ndarray:
        """The coast rule's sea cells (a flood fill over the grid; see geo/coast.py)."""
        grid = self.locator.grid
        return self.locator.coast.sea.take(grid.cells(np.asarray(lons, float), np.asarray(lats, float)))

    def covering(self, lons, lats) -> np.ndarray:
        out = np.full(len(lons), -1)
        points = shapely.points(lons, lats)
        for i in reversed(range(len(self.polygons))):
            out[shapely.intersects(self.polygons[i], points)] = i
        return out

    def distances(self, lons, lats) -> np.ndarray:
        """(points x polygons) UTM distance; exact wherever the bounding box is within 1.2 km."""
        x, y = TO_UTM.transform(np.asarray(lons), np.asarray(lats))
        b = self.bounds
        dx = np.maximum(np.maximum(b[None, :, 0] - x[:, None], x[:, None] - b[None, :, 2]), 0)
        dy = np.maximum(np.maximum(b[None, :, 1] - y[:, None], y[:, None] - b[None, :, 3]), 0)
        box_d = np.hypot(dx, dy)  # a lower bound of the true distance
        d = np.full(box_d.shape, np.inf)
        pi, gi = np.nonzero(box_d <= 1.2 * OFFSHORE_MAX_M)
        d[pi, gi] = shapely.distance(shapely.points(x[pi], y[pi]), self.metric[gi])
        return d

    def answer(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        """(index, flag) for points that no polygon covers."""
        d = self.distances(lons, lats)
        nearest = np.argmin(d, axis=1)  # first minimum: the lowest index among ties
        dist = d[np.arange(len(d)), nearest]
        sea = self.is_sea(lons, lats) | self.island[nearest]
        offshore = sea & (dist <= OFFSHORE_MAX_M)
        border = ~sea & (dist <= BORDER_TOLERANCE_M)
        index = np.where(offshore | border, nearest, -1)
        flag = np.where(offshore, FLAG_OFFSHORE, np.where(border, FLAG_BORDER, FLAG_NONE))
        return index, flag


@pytest.fixture(scope="module")
def reference(boundaries, locator):
    return Reference(boundaries, locator)


def walk(lons, lats, dx_m, dy_m):
    x, y = TO_UTM.transform(lons, lats)
    return FROM_UTM.transform(x + dx_m, y + dy_m)


@pytest.fixture(scope="module")
def mainland_outline(boundaries):
    k = boundaries.kelurahan
    union = shapely.union_all(k.geometry.values[(k["kode_kota"] != "31.01").to_numpy()])
    landmass = max(shapely.get_parts(union), key=shapely.area)
    return np.asarray(landmass.exterior.coords)


# --- counts and loading ------------------------------------------------------------------------


def test_counts(boundaries):
    assert len(boundaries.kelurahan) == 267
    assert boundaries.kelurahan["kode_kelurahan"].is_unique
    assert len(boundaries.kecamatan) == 44
    assert len(boundaries.kota) == 6
    assert sorted(boundaries.kota["kota"]) == [
        "Jakarta Barat", "Jakarta Pusat", "Jakarta Selatan", "Jakarta Timur", "Jakarta Utara",
        "Kepulauan Seribu",
    ]
    assert len(boundaries.jurisdictions) == 267


def test_missing_file(tmp_path):
    with pytest.raises(BoundaryError, match="PANTAU_BOUNDARIES"):
        load_boundaries(tmp_path / "nope.geojson")
    with pytest.raises(BoundaryError, match="PANTAU_BOUNDARIES"):
        load_boundaries(tmp_path)  # a directory is not a boundary file


def test_unreadable_file(tmp_path):
    bad = tmp_path / "kelurahan.geojson"
    bad.write_bytes(b"\x00\x01 this is not geojson {")
    with pytest.raises(BoundaryError, match="PANTAU_BOUNDARIES"):
        load_boundaries(bad)


def test_geojson_without_code_fields(tmp_path):
    path = tmp_path / "no_codes.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"kelurahan": "Gambir", "kecamatan": "Gambir", "kota": "Jakarta Pusat"},
            "geometry": {"type": "Polygon", "coordinates": [[[106.8, -6.2], [106.9, -6.2], [106.9, -6.1], [106.8, -6.2]]]},
        }],
    }))
    with pytest.raises(BoundaryError, match="kode_kelurahan") as err:
        load_boundaries(path)
    assert "PANTAU_BOUNDARIES" in str(err.value)


# --- known places ------------------------------------------------------------------------------

KNOWN = {
    # name: (lon, lat, kode_kelurahan, kelurahan, kecamatan, kota)  -- data README table
    "Monas": (106.8272, -6.1754, "31.71.01.1001", "Gambir", "Gambir", "Jakarta Pusat"),
    "Balai Kota DKI": (106.8287, -6.1815, "31.71.01.1001", "Gambir", "Gambir", "Jakarta Pusat"),
    "Kota Tua": (106.8133, -6.1352, "31.73.03.1008", "Pinangsia", "Taman Sari", "Jakarta Barat"),
    "Blok M Plaza": (106.7996, -6.2443, "31.74.07.1001", "Melawai", "Kebayoran Baru", "Jakarta Selatan"),
    "Halim": (106.8906, -6.2665, "31.75.08.1004", "Halim Perdana Kusuma", "Makasar", "Jakarta Timur"),
    "Pulau Pramuka": (106.6150, -5.7456, "31.01.01.1001", "Pulau Panggang", "Kepulauan Seribu Utara", "Kepulauan Seribu"),
    "Ancol Dreamland": (106.8340, -6.1225, "31.72.05.1003", "Ancol", "Pademangan", "Jakarta Utara"),
    # landmarks_jakarta.csv: one or more per kota
    "Kantor Walikota Jakarta Pusat": (106.818701, -6.173269, "31.71.01.1004", "Petojo Selatan", "Gambir", "Jakarta Pusat"),
    "Stasiun Gambir": (106.830713, -6.176773, "31.71.01.1001", "Gambir", "Gambir", "Jakarta Pusat"),
    "Kantor Walikota Jakarta Utara": (106.891805, -6.12024, "31.72.02.1005", "Kebon Bawang", "Tanjung Priok", "Jakarta Utara"),
    "Kantor Walikota Jakarta Barat": (106.737633, -6.186002, "31.73.08.1006", "Kembangan Selatan", "Kembangan", "Jakarta Barat"),
    "Stasiun Jakarta Kota": (106.814619, -6.137623, "31.73.03.1008", "Pinangsia", "Taman Sari", "Jakarta Barat"),
    "Kantor Walikota Jakarta Selatan": (106.80809, -6.248421, "31.74.07.1008", "Petogogan", "Kebayoran Baru", "Jakarta Selatan"),
    "Stasiun Manggarai": (106.850266, -6.210021, "31.74.01.1007", "Manggarai", "Tebet", "Jakarta Selatan"),
    "Kantor Walikota Jakarta Timur": (106.944581, -6.214024, "31.75.06.1005", "Pulo Gebang", "Cakung", "Jakarta Timur"),
    "Pasar Induk Kramat Jati": (106.868524, -6.295182, "31.75.04.1002", "Tengah", "Kramatjati", "Jakarta Timur"),
    "RSUD Kepulauan Seribu": (106.613439, -5.744829, "31.01.01.1001", "Pulau Panggang", "Kepulauan Seribu Utara", "Kepulauan Seribu"),
    "Puskesmas Kelurahan Pulau Untung Jawa": (106.707735, -5.979436, "31.01.02.1001", "Pulau Untung Jawa", "Kepulauan Seribu Selatan", "Kepulauan Seribu"),
}


@pytest.mark.parametrize("name", list(KNOWN))
def test_known_places(locator, name):
    lon, lat, kode, kelurahan, kecamatan, kota = KNOWN[name]
    j = locator.locate(lon, lat)
    assert j is not None
    assert (j.kode_kelurahan, j.kelurahan, j.kecamatan, j.kota, j.flag) == (kode, kelurahan, kecamatan, kota, None)
    assert j.kode_kecamatan == kode[:8] and j.kode_kota == kode[:5]


COAST = {
    # name: (lon, lat, kelurahan, flag)
    "Tanjung Priok harbour water": (106.883, -6.104, "Tanjung Priok", "offshore"),
    "Reclaimed island C": (106.756, -6.096, "Kamal Muara", "offshore"),
    "Reclaimed island D": (106.7445, -6.0935, "Kamal Muara", "offshore"),
    "Reclaimed island G": (106.778, -6.096, "Pluit", "offshore"),
    "Muara Angke": (106.7745, -6.1040, "Pluit", "offshore"),
}


@pytest.mark.parametrize("name", list(COAST))
def test_coast_points_flagged(locator, name):
    lon, lat, kelurahan, flag = COAST[name]
    assert locator.grid.lookup_one(lon, lat) == -1  # really off the 2019 coastline
    j = locator.locate(lon, lat)
    assert j is not None and (j.kelurahan, j.kota, j.flag) == (kelurahan, "Jakarta Utara", flag)


OUTSIDE_PLACES = {
    "Soekarno-Hatta airport": (106.6559, -6.1256),
    "Tangerang city centre": (106.6330, -6.1780),
    "CBD Ciledug": (106.7125, -6.2305),
    "Bekasi": (106.9996, -6.2378),
    "Depok": (106.8230, -6.4000),
}


@pytest.mark.parametrize("name", list(OUTSIDE_PLACES))
def test_neighbouring_cities_are_outside(locator, reference, name):
    lon, lat = OUTSIDE_PLACES[name]
    assert reference.distances([lon], [lat]).min() > 500  # sanity: well beyond the border
    assert locator.locate(lon, lat) is None
    assert locator.locate_many(np.array([lon]), np.array([lat])).index.tolist() == [-1]


def test_bay_beyond_one_km_is_outside(locator, reference):
    lon, lat = 106.8272, -6.1022  # due north of Monas, off Ancol
    d = reference.distances([lon], [lat]).min()
    assert 1400 < d < 1700 and reference.is_sea([lon], [lat])[0]
    assert locator.locate(lon, lat) is None
    # and the same meridian 1 km closer in is Ancol's water
    j = locator.locate(lon, -6.1110)
    assert j is not None and (j.kelurahan, j.flag) == ("Ancol", "offshore")


def test_offshore_around_kepulauan_seribu(locator, reference):
    # walk away from Pulau Pramuka until no polygon covers the point, staying within 1 km
    for step in range(100, 1000, 50):
        lon, lat = walk(106.6150, -5.7456, step, 0)
        if locator.grid.lookup_one(lon, lat) == -1:
            break
    assert reference.distances([lon], [lat]).min() <= OFFSHORE_MAX_M
    j = locator.locate(lon, lat)
    assert j is not None and j.kota == "Kepulauan Seribu" and j.flag == "offshore"
    index, flag = reference.answer(np.array([lon]), np.array([lat]))
    assert j == locator.jurisdiction(int(index[0]), int(flag[0]))


# --- the land border -------------------------------------------------------------------------


def border_walk(locator, reference, outline, metres):
    """Points `metres` W, S and E of every mainland outline vertex that are on another province's land."""
    lons, lats = [], []
    for dx, dy in [(-metres, 0), (0, -metres), (metres, 0)]:
        lon, lat = walk(outline[:, 0], outline[:, 1], dx, dy)
        lons.append(lon)
        lats.append(lat)
    lons, lats = np.concatenate(lons), np.concatenate(lats)
    keep = (reference.covering(lons, lats) < 0) & ~reference.is_sea(lons, lats)
    lons, lats = lons[keep], lats[keep]
    d = reference.distances(lons, lats)
    return lons, lats, d


def test_land_400m_across_the_border_is_outside(locator, reference, mainland_outline):
    lons, lats, d = border_walk(locator, reference, mainland_outline[::5], 400)
    far = d.min(axis=1) > BORDER_TOLERANCE_M
    lons, lats = lons[far], lats[far]
    assert len(lons) > 500
    assert (locator.locate_many(lons, lats).index == -1).all()
    assert all(locator.locate(x, y) is None for x, y in zip(lons[::10], lats[::10]))


def test_land_20m_across_the_border_is_border_uncertain(locator, reference, mainland_outline):
    lons, lats, d = border_walk(locator, reference, mainland_outline[::5], 20)
    dist = d.min(axis=1)
    near = (dist > 1) & (dist <= BORDER_TOLERANCE_M)
    lons, lats, nearest = lons[near], lats[near], np.argmin(d[near], axis=1)
    assert len(lons) > 500
    got = locator.locate_many(lons, lats)
    assert (got.flag == FLAG_BORDER).all()
    assert (got.index == nearest).all()
    k = locator.boundaries.kelurahan
    for i in range(0, len(lons), 25):
        j = locator.locate(lons[i], lats[i])
        assert j is not None and j.flag == "border_uncertain" and j.kode_kelurahan == k.kode_kelurahan.iloc[nearest[i]]


def test_outside_points_match_reference(locator, reference, boundaries):
    """3,000 random points within 1.2 km outside the province: coast rules == brute force."""
    rng = np.random.default_rng(31)
    union = shapely.union_all(boundaries.kelurahan.geometry.values)
    outline = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_parts(union)))
    centre = outline[rng.integers(0, len(outline), 12_000)]
    r = 1200 * np.sqrt(rng.uniform(0, 1, len(centre)))
    theta = rng.uniform(0, 2 * np.pi, len(centre))
    lons, lats = walk(centre[:, 0], centre[:, 1], r * np.cos(theta), r * np.sin(theta))
    outside = reference.covering(lons, lats) < 0
    lons, lats = lons[outside][:3000], lats[outside][:3000]
    assert len(lons) == 3000
    expected_index, expected_flag = reference.answer(lons, lats)
    # the sample exercises every outcome
    assert {FLAG_NONE, FLAG_OFFSHORE, FLAG_BORDER} <= set(expected_flag.tolist())
    assert (expected_index == -1).sum() > 100
    got = locator.locate_many(lons, lats)
    bad = np.flatnonzero((got.index != expected_index) | (got.flag != expected_flag))
    assert bad.size == 0, [(lons[i], lats[i], got.index[i], got.flag[i], expected_index[i], expected_flag[i]) for i in bad[:10]]
    # single-point answers equal the batch answers
    for i in rng.choice(len(lons), 400, replace=False):
        assert locator.locate(lons[i], lats[i]) == locator.jurisdiction(int(got.index[i]), int(got.flag[i]))


def test_batch_equals_single(locator, boundaries):
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = boundaries.kelurahan.total_bounds
    lons = np.concatenate([rng.uniform(minx - 0.02, maxx + 0.02, 2000), rng.uniform(106.68, 106.98, 2000), [np.nan, 0.0]])
    lats = np.concatenate([rng.uniform(miny - 0.02, maxy + 0.02, 2000), rng.uniform(-6.38, -6.08, 2000), [-6.2, np.nan]])
    got = locator.locate_many(lons, lats)
    single = [locator.locate(x, y) for x, y in zip(lons, lats)]
    assert single == [locator.jurisdiction(int(i), int(f)) for i, f in zip(got.index, got.flag)]
    assert sum(j is not None for j in single) > 1200
    assert single[-2:] == [None, None]


# --- landmarks -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def landmarks(boundaries):
    path = boundaries.source.parent / "gazetteer" / "landmarks_jakarta.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return pd.read_csv(path, dtype={"kode_kelurahan": str})


def test_landmark_sample_single_point(locator, landmarks):
    sample = landmarks.sample(400, random_state=2026)
    for row in sample.itertuples():
        j = locator.locate(row.lon, row.lat)
        assert j is not None and j.flag is None, row
        assert j.kode_kelurahan == row.kode_kelurahan or _on_shared_edge(locator, row), row


def _on_shared_edge(locator, row) -> bool:
    """The CSV took the first of the 270 source polygons; on a shared edge either answer is right."""
    polys = locator.boundaries.kelurahan.geometry.values
    hits = np.flatnonzero(shapely.intersects_xy(polys, row.lon, row.lat))
    codes = locator.boundaries.kelurahan.kode_kelurahan.iloc[hits].tolist()
    return len(hits) > 1 and row.kode_kelurahan in codes


def test_all_landmarks_batch(locator, landmarks):
    got = locator.locate_many(landmarks["lon"].to_numpy(), landmarks["lat"].to_numpy())
    assert (got.index >= 0).all() and (got.flag == FLAG_NONE).all()
    codes = locator.boundaries.kelurahan.kode_kelurahan.to_numpy()[got.index]
    differ = np.flatnonzero(codes != landmarks["kode_kelurahan"].to_numpy())
    # only points exactly on a shared edge may differ (the README mentions 2 such stops)
    assert len(differ) <= 2
    for i in differ:
        row = landmarks.iloc[i]
        assert _on_shared_edge(locator, row)
        polys = locator.boundaries.kelurahan.geometry.values
        assert got.index[i] == np.flatnonzero(shapely.intersects_xy(polys, row.lon, row.lat)).min()
    # every kota, Kepulauan Seribu included, is represented and agrees
    assert set(landmarks["kota"]) == set(locator.boundaries.kota["kota"])


# --- sea or land: slanting land borders and harbour basins -------------------------------------

@pytest.mark.parametrize("lon, lat, expected", [
    # Bekasi land 173 m east of Rorotan (an inland kelurahan): outside Jakarta
    (106.9725, -6.1400, (None, None)),
    # Tangerang land (Kosambi, between Soekarno-Hatta and Kalideres) 322 m west of Kalideres
    (106.68701, -6.13858, (None, None)),
    # Bekasi land 18 m east of Rorotan: GPS error, not bay water
    (106.970891, -6.139853, ("Rorotan", "border_uncertain")),
    # Tangerang land 20 m west of Pegadungan
    (106.687075, -6.12922, ("Pegadungan", "border_uncertain")),
    # Muara Baru fishing-port basin, 176 m off Penjaringan, Jakarta land due north and due south
    (106.7988, -6.1072, ("Penjaringan", "offshore")),
    # Tanjung Priok inner harbour basin, 115 m off Tanjung Priok
    (106.8724, -6.1096, ("Tanjung Priok", "offshore")),
])
def test_sea_is_told_from_land_at_the_ends_of_the_coast_and_in_harbours(locator, lon, lat, expected):
    j = locator.locate(lon, lat)
    assert ((None, None) if j is None else (j.kelurahan, j.flag)) == expected
