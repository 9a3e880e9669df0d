"""Known answers for TPP, PD and the status of every catalog chip under each vintage."""

import pytest

import lib
from lib.catalog import custom_chip
from lib.rules import classify_or_unknown, custom_rule

C, N, U, G, K = "controlled", "not-controlled", "unknown", "gray-zone", "case-by-case"


@pytest.mark.parametrize("name, tpp", [("A100", 4_992), ("H100", 15_832), ("H20", 2_368), ("B200", 36_000),
                                       ("RTX 4090", 5_286), ("RTX 4090D", 4_707), ("MI250X", 6_128),
                                       ("Ascend 910", 4_096), ("MTT S4000", 1_600), ("BR100", 16_384)])
def test_tpp_known_answers(name, tpp):
    assert lib.get_chip(name).tpp == pytest.approx(tpp, abs=1)


@pytest.mark.parametrize("name, density", [("A100", 6.04), ("H100", 19.45), ("H20", 2.91), ("L20", 3.14),
                                           ("MI300X", 20.6), ("RTX 4090", 8.7)])
def test_density_known_answers(name, density):
    assert lib.get_chip(name).density == pytest.approx(density, abs=0.05)  # fact sheet rounds to 0.1


def test_unknown_specs_stay_unknown():
    p800 = lib.get_chip("Kunlun P800")
    assert p800.tpp is None and p800.density is None
    assert lib.get_chip("Kunlun II").density is None  # die area not published


def test_substitution_ratios_match_calibration():
    # H20 ≈ 0.15 H100 for training, ≈ 1.1–1.2 for decode; 910C ≈ 0.55 for training, ≈ 0.6 for decode [K62][K63][K93]
    h20 = lib.get_chip("H20")
    assert h20.training_h100e == pytest.approx(0.15, abs=0.005)
    assert 1.1 <= h20.inference_h100e <= 1.2
    assert lib.get_chip("H100").training_h100e == 1.0
    c = lib.get_chip("Ascend 910C")
    assert 0.5 <= c.training_h100e <= 0.6 and 0.55 <= c.inference_h100e <= 0.65


def test_one_reference_chip_defines_substitution():
    # A 910C counts 2.55 910B for training in every preset: its specs relative to the reference chip.
    ref = lib.get_chip(lib.REFERENCE_CHIP)
    assert lib.get_chip("Ascend 910C").relative_training(ref) == pytest.approx(2.551, abs=0.01)
    for preset in lib.list_presets():
        scenario = lib.load_scenario(preset)
        implied_efficiency = 1 / (scenario.lever("training_substitution") * ref.training_spec)
        assert implied_efficiency == pytest.approx(ref.software_efficiency, abs=0.02), preset


# Expected statuses per vintage (the fact sheet's "22 / 23" columns, then the later rules as written).
# Two deliberate readings:
# - the Ascend 910B is free under Oct 2022: its (mem) interconnect, ~392 GB/s, is below the 600 GB/s prong;
# - from Jan 2026 the case-by-case window covers only chips sold in the US [K71]: the A800, H800 and H20 keep the
#   presumption of denial, and a non-datacenter chip at TPP ≥ 4,800 (RTX 4090) is NAC-eligible ("gray-zone").
EXPECTED = {
    "A100": (C, C, C, C, K), "A800": (N, C, C, C, C), "H100": (C, C, C, C, K), "H800": (N, C, C, C, C),
    "H20": (N, N, N, C, C), "H200": (C, C, C, C, K), "B200": (C, C, C, C, C), "L20": (N, N, N, N, N),
    "L40S": (N, C, C, C, K), "RTX 4090": (N, G, G, G, K), "RTX 4090D": (N, N, N, N, N),
    "MI250X": (C, C, C, C, K), "MI300X": (C, C, C, C, K), "Ascend 910": (N, C, C, C, C),
    "Ascend 910B": (N, C, C, C, C), "Ascend 910C": (N, C, C, C, C), "Ascend 950PR": (C, C, C, C, C),
    "Kunlun 1": (N, U, U, U, U), "Kunlun II": (N, U, U, U, U), "Kunlun P800": (U, U, U, U, U),
    "MLU370-X8": (N, U, U, U, U), "MLU590": (U, C, C, C, C), "BR100": (C, C, C, C, C), "MTT S4000": (N, U, U, U, U),
    # Blackwell for China: the B30A's TPP (~26k, FP4 half a B300's [K54]) is above the Jan 2026 line of 21,000.
    "B300": (C, C, C, C, C), "B30A": (C, C, C, C, C), "Rubin": (C, C, C, C, C),
    "Ascend 950DT": (C, C, C, C, C), "Ascend 960": (C, C, C, C, C), "Ascend 970": (C, C, C, C, C),
    "Other domestic": (U, U, U, U, U),
}
VINTAGES = ("oct-2022", "oct-2023", "dec-2024", "apr-2025", "jan-2026")


def test_every_catalog_chip_has_an_expectation():
    assert set(EXPECTED) == {c.name for c in lib.CHIPS}


@pytest.mark.parametrize("chip", sorted(EXPECTED))
def test_status_per_vintage(chip):
    got = tuple(classify_or_unknown(lib.get_chip(chip), lib.RULES[v]).status for v in VINTAGES)
    assert got == EXPECTED[chip]


def _status(tpp, area, rule="oct-2023", **kw):
    return lib.classify(custom_chip(tpp, area, **kw), lib.get_rule(rule)).status


@pytest.mark.parametrize("tpp, expected", [(4_799.99, N), (4_800, C), (4_800.01, C)])
def test_tpp_line_at_below_above(tpp, expected):
    assert _status(tpp, 10_000) == expected  # PD tiny, only the TPP prong can bite


@pytest.mark.parametrize("tpp, area, expected", [(1_776, 300, C), (1_775.7, 300, G), (1_776.3, 300, C)])
def test_density_line_at_below_above(tpp, area, expected):
    assert _status(tpp, area) == expected  # PD 5.92 exactly, 5.919, 5.921


def test_density_line_just_below_is_gray_zone_b2():
    assert _status(1_600, 1_600 / 5.91) == G     # PD 5.91 in [3.2, 5.92), TPP ≥ 1,600 → 3A090.b.2
    assert _status(1_600, 1_600 / 3.19) == N     # PD 3.19 just under 3.2 and TPP < 2,400
    assert _status(1_599.9, 100) == N            # TPP just under the 1,600 floor: not controlled whatever the PD


def test_gray_zone_b1_edges():
    assert _status(2_400, 2_400 / 1.6) == G      # b.1 lower corner, inclusive
    assert _status(2_399.9, 2_399.9 / 1.6) == N  # just under 2,400 with PD 1.6 < 3.2
    assert _status(2_400, 2_400 / 1.59) == N     # PD just under 1.6


def test_datacenter_qualifier():
    assert _status(4_000, 400) == C                                   # PD 10 datacenter → 3A090.a
    assert _status(4_000, 400, datacenter=False) == N                 # same chip marketed for PCs
    assert _status(4_800, 400, datacenter=False) == G                 # TPP prong applies to all, NAC-eligible
    assert _status(4_799, 4_799 / 4, datacenter=False) == N           # no gray zone off the datacenter


def test_non_datacenter_at_the_line_is_3a090a_with_nac():
    got = lib.classify(custom_chip(5_000, 600, datacenter=False), lib.get_rule("oct-2023"))
    assert (got.status, got.eccn, got.prong) == (G, "3A090.a", "non-datacenter")
    assert "License Exception NAC" in got.reason


def test_oct_2022_interconnect_prong():
    assert _status(4_992, 826, "oct-2022", interconnect_gbps=600) == C
    assert _status(4_992, 826, "oct-2022", interconnect_gbps=599.9) == N
    with pytest.raises(lib.MissingSpecError, match="interconnect_gbps: not known"):
        _status(4_992, 826, "oct-2022")


def test_jan_2026_window():
    assert _status(20_999, 1_000, "jan-2026", memory_bandwidth_gbps=6_499, interconnect_gbps=900) == K
    assert _status(21_000, 1_000, "jan-2026", memory_bandwidth_gbps=6_499, interconnect_gbps=900) == C
    assert _status(20_999, 1_000, "jan-2026", memory_bandwidth_gbps=6_500, interconnect_gbps=900) == C


def test_jan_2026_window_covers_only_chips_sold_in_the_us():
    # [K71]: China-only SKUs keep the presumption of denial; a chip described by numbers is taken as sold in the US.
    sold = custom_chip(15_832, 814, memory_bandwidth_gbps=3_350, interconnect_gbps=400)
    china_only = custom_chip(15_832, 814, memory_bandwidth_gbps=3_350, interconnect_gbps=400, us_commercial=False)
    rule = lib.get_rule("jan-2026")
    assert lib.classify(sold, rule).status == K
    got = lib.classify(china_only, rule)
    assert got.status == C and "not commercially available in the US" in got.reason


def test_window_lines_are_levers():
    rule = custom_rule("jan-2026", 4_800, 5.92, case_by_case_tpp_below=40_000, case_by_case_bandwidth_below=9_000)
    assert lib.classify(lib.get_chip("B200"), rule).status == K          # "let Blackwell in"
    rule = custom_rule("jan-2026", 4_800, 5.92, case_by_case_tpp_below=0)
    assert lib.classify(lib.get_chip("H200"), rule).status == C          # window closed
    # Lines a vintage does not have are not added by the levers.
    assert custom_rule("oct-2023", 4_800, 5.92, case_by_case_tpp_below=40_000).case_by_case_tpp_below is None


def test_is_informed_lines_are_levers_and_unknown_interconnect_is_never_guessed():
    rule = custom_rule("apr-2025", 4_800, 5.92, informed_memory_bandwidth_gbps=5_000, informed_interconnect_gbps=1_000)
    assert lib.classify(lib.get_chip("H20"), rule).status == N
    with pytest.raises(lib.MissingSpecError, match="interconnect_gbps: not known"):
        _status(2_000, 1_000, "apr-2025", memory_bandwidth_gbps=3_000)        # below the memory line, link unknown
    assert _status(2_000, 1_000, "apr-2025", memory_bandwidth_gbps=4_100) == C  # the memory line alone decides


def test_planar_node_has_no_density():
    planar = custom_chip(4_000, None, planar=True)
    assert planar.density is None
    got = lib.classify(planar, lib.get_rule("oct-2023"))
    assert got.status == N and "planar" in got.reason                       # only the TPP prong can apply
    assert lib.classify(custom_chip(4_800, None, planar=True), lib.get_rule("oct-2023")).status == C


def test_every_catalog_halt_and_us_flag_has_a_source():
    for chip in lib.CHIPS:
        if chip.origin == "foreign":
            assert chip.us_commercial_source, chip.name
        if chip.china_halt:
            assert "[K" in chip.china_halt_source, chip.name


def test_apr_2025_is_informed():
    assert _status(2_000, 1_000, "apr-2025", memory_bandwidth_gbps=4_000) == C
    assert _status(2_000, 1_000, "apr-2025", memory_bandwidth_gbps=3_999, interconnect_gbps=899) == N


def test_reason_in_words():
    got = lib.classify(lib.get_chip("A100"), lib.get_rule("oct-2023"))
    assert got.eccn == "3A090.a" and "TPP 4,992 ≥ 4,800" in got.reason


def test_custom_rule_moves_lines():
    rule = custom_rule("oct-2023", 2_000, 5.92)
    assert lib.classify(lib.get_chip("H20"), rule).status == C
    assert lib.classify(lib.get_chip("H20"), custom_rule("oct-2023", 50_000, 50)).status == N
    assert lib.classify(lib.get_chip("B200"), custom_rule("oct-2023", 0, 0)).status == C


def test_chip_names_resolve_by_case_and_alias():
    assert lib.get_chip("h100 sxm") is lib.get_chip("H100") is lib.get_chip("H-100")
    assert lib.get_chip("kunlun 2") is lib.get_chip("R200") is lib.get_chip("Kunlun II")


def test_bad_rule_and_chip_names():
    with pytest.raises(lib.ScenarioError, match="unknown rule 'oct-2024'.*allowed: oct-2022"):
        lib.get_rule("oct-2024")
    with pytest.raises(lib.ScenarioError, match="did you mean 'H200'"):
        lib.get_chip("H2000")
    with pytest.raises(lib.ScenarioError, match="tpp: nan is not a number"):
        custom_chip(float("nan"), 100)


def test_is_informed_overrides_gray_zone():
    # Found by the property test: with the TPP line at 3,125 the H20 falls in the scaled gray zone, and the
    # Apr 2025 letter must still require a licence, or raising the line would tighten the rule for it.
    rule = custom_rule("apr-2025", 3_125, 5.92)
    assert lib.classify(lib.get_chip("H20"), rule).status == C
    assert lib.classify(lib.get_chip("H20"), custom_rule("oct-2023", 3_125, 5.92)).status == G


def test_a_chip_rated_in_fp8_counts_on_the_same_basis_as_fp16():
    # Training counts dense 8-bit-equivalent operations (FP16 counts 2, FP8 1), Epoch's H100e basis [K102]; FP4 is
    # left out. So the 950PR (1 PF FP8, one die) trains at 8,000 bit-weighted TOPS, ~0.6 of the two-die 910C's
    # 12,800: the difference is the dies, not the format. The 960 (2 PF FP8) passes the 910C [K41].
    tpp = lambda n: lib.get_chip(n).training_tpp  # noqa: E731
    assert tpp("Ascend 950PR") == 8_000 and tpp("Ascend 910C") == 12_800 and tpp("Ascend 960") > tpp("Ascend 910C")
    assert tpp("H100") == 15_832 and tpp("B300") == 36_000   # FP4 (B300: 13 PF dense) is not a training format
    assert lib.get_chip("B300").tpp == 52_000                # but the rule's TPP takes it
    per_die = lambda n: tpp(n) / lib.get_chip(n).dies_per_package  # noqa: E731
    assert per_die("Ascend 950PR") > per_die("Ascend 910C")


def _label_boxes(figure, width_px: int, height_px: int) -> list:
    """Each chip label's box [px] as the chart places it, from its annotation (centred, with its shift or leader)."""
    from lib.charts import LABEL_CHAR_PX, LABEL_LINE_PX, rule_plot_px

    x_range, y_range = figure.layout.xaxis.range, figure.layout.yaxis.range
    plot_width, plot_height = rule_plot_px(width_px, height_px)
    sx = plot_width / (x_range[1] - x_range[0])
    sy = plot_height / (y_range[1] - y_range[0])
    boxes = []
    for note in figure.layout.annotations:
        if note.yref == "paper" or note.xref == "paper":
            continue  # the threshold lines' own labels
        lines = note.text.split("<br>")
        w, h = LABEL_CHAR_PX * max(map(len, lines)), LABEL_LINE_PX * len(lines)
        cx = (note.x - x_range[0]) * sx + (note.ax if note.showarrow else note.xshift)
        cy = (note.y - y_range[0]) * sy + (-note.ay if note.showarrow else note.yshift)
        boxes.append((note.text, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return boxes


@pytest.mark.parametrize("preset", sorted(lib.list_presets()))
@pytest.mark.parametrize("width_px, height_px", [(358, 600), (820, 460)])
def test_every_chip_on_the_rule_chart_is_labelled_and_no_label_collides(preset, width_px, height_px):
    """Every group of spec-identical chips gets its label on the chart (none is listed under it for space), at a
    phone's and a desktop's width, and no two labels overlap. The browser test checks the drawn labels too."""
    from lib import charts
    from lib.model import rule_for_month

    scenario = lib.load_scenario(preset)
    table = lib.status_table(scenario, None)
    rule = rule_for_month(scenario, scenario.what_if_from)
    figure = charts.rule_figure(table, rule.tpp_threshold, rule.density_threshold, None, width_px=width_px,
                                rule=rule, height_px=height_px)
    assert figure.layout.meta["unlabelled"] == []
    boxes = _label_boxes(figure, width_px, height_px)
    named = " / ".join(text.replace("<br>", " ").replace("/ ", "") for text, _ in boxes)
    assert all(chip in named for chip in table["chip"]), "a chip without a label"
    for i, (text, a) in enumerate(boxes):
        for other, b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (text, other)
