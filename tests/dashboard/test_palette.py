"""Map colours: every category and status has one, from the colour-blind-safe set."""
from crm.categories import CATEGORIES
from crm.complaint import Status
from dashboard.palette import (
    CATEGORY_COLOURS,
    CATEGORY_GROUPS,
    GREY,
    SLA_COLOURS,
    STATUS_COLOURS,
    colour_of,
    legend,
)

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", GREY}


def test_every_category_is_in_exactly_one_group():
    """A new catalogue entry must be given a colour on purpose."""
    grouped = [code for _, codes in CATEGORY_GROUPS for code in codes]
    assert sorted(grouped) == sorted(CATEGORIES)


def test_every_status_has_its_own_colour():
    assert set(STATUS_COLOURS) == {s.value for s in Status}
    assert len(set(STATUS_COLOURS.values())) == len(Status)


def test_colours_come_from_okabe_ito_without_yellow():
    assert set(CATEGORY_COLOURS.values()) | set(STATUS_COLOURS.values()) | set(SLA_COLOURS.values()) <= OKABE_ITO


def test_legend_labels_are_bilingual_and_unknown_codes_are_grey():
    assert all(s.label_id and s.label_en for mode in ("category", "status", "sla") for s in legend(mode))
    assert colour_of({"sla": "peringatan"}, "sla") == "#E69F00" and colour_of({"sla": None}, "sla") == GREY
    assert colour_of({"category": "banjir", "status": "Proses"}, "category") == "#D55E00"
    assert colour_of({"category": "banjir", "status": "Proses"}, "status") == "#0072B2"
    assert colour_of({"category": "baru", "status": "?"}, "category") == GREY
