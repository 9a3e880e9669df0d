"""Share links: encoding and decoding in lib, bad values clamped or ignored with a notice, pins, diffs."""

import base64
import json
import zlib

import pytest

import lib
from lib import link
from lib.compare import diff_scenarios, reference_for, reference_name

VIEWS = ("Story", "Projection", "Compare")
SAMPLES = (0, 200, 1000)


def parse(query: str):
    return link.parse_params(link.split_link(query), views=VIEWS, sample_choices=SAMPLES)


def test_round_trip_of_a_changed_scenario():
    scenario = lib.load_scenario("baidu-2023").with_levers(leakage=0.3, tpp_threshold=2_000)
    scenario = scenario.with_fields(hbm_control_from="never", reading_year=2028)
    state = link.state_for(scenario, "baidu-2023", view="Compare", samples=200)
    query = link.to_query(state)
    again, notices = parse(query)
    assert notices == [] and link.scenario_for(again) == scenario and again.view == "Compare" and again.samples == 200
    assert "v=3.0" in query and "leakage=0.3" in query and "horizon" not in query  # only what differs


def test_uploaded_structure_travels_in_custom():
    uploaded = lib.load_scenario(lib.scenario.parse_scenario_text(
        lib.load_scenario("baidu-2023").with_fields(initial_stock={"A800": 60_000}, name="More A800s").to_toml()))
    query = link.share_query(uploaded)
    state, notices = parse(query)
    assert not notices and link.scenario_for(state).initial_stock == (("A800", 60_000.0),)


@pytest.mark.parametrize("query, fragment", [
    ("preset=baidu-2023&leakage=lots", "leakage: 'lots' is not a number"),
    ("leakage=1e400", "leakage: '1e400' is out of range"),
    ("leakage=" + "9" * 5000, "has too many digits"),
    ("what_if_notice_months=1.99", "is not a whole number; used 2"),
    ("what_if_from=٢٠٢٤-٠١", "'what_if_from'"),
    ("preset=nope", "'preset': 'nope' is unknown"),
    ("v=1.0", "made with model version '1.0'"),
    ("bogus=1", "'bogus' is unknown"),
    ("view=Secret", "'view': 'Secret' is not allowed"),
    ("samples=7", "'samples': '7' is not allowed"),
    ("custom=!!!", "custom: the link's data is damaged"),
    ("hbm_control_from=2099-01", "'hbm_control_from'"),
    ("reading_year=2027.5", "'reading_year'"),
    ("pin=garbage", "'pin' #1: the link's data is damaged"),
])
def test_bad_values_give_one_notice_and_keep_the_rest(query, fragment):
    state, notices = parse(query + "&demand_growth=3.5")
    assert any(fragment in n for n in notices), notices
    assert state.lever_values().get("demand_growth") == 3.5  # the rest of the link still applies
    assert all("\n" not in n and len(n) < 400 for n in notices)


def test_many_unknown_keys_give_one_short_notice():
    state, notices = parse("&".join(f"k{i}=1" for i in range(400)) + "&leakage=0.3")
    unknown = [n for n in notices if "unknown" in n]
    assert len(unknown) == 1 and unknown[0].startswith("400 unknown URL parameters were ignored: 'k0', 'k1'")
    assert unknown[0].endswith("and 395 more.") and len(unknown[0]) < 200
    assert state.lever_values()["leakage"] == 0.3


@pytest.mark.parametrize("text", ["&".join(f"k{i}=1" for i in range(600)), "http://[::1/?preset=x"])
def test_a_pasted_link_too_odd_to_read_is_refused_with_a_message(text):
    with pytest.raises(lib.ScenarioError, match="^link: .* (too many parameters|not a valid address)"):
        link.split_link(text)


def test_messages_name_the_preset_and_read_as_sentences():
    _, notices = parse("preset=nope")
    assert notices[0].endswith("Showing Baidu, Nov 2023.")
    _, notices = parse("custom=!!!")
    assert ". Showing the preset instead." in notices[0] and ".." not in notices[0]
    _, notices = parse("remote_access=99999999999")
    assert "1e+" not in notices[0] and "1,000,000" in notices[0], notices[0]


def test_a_bad_lever_inside_custom_names_the_uploaded_scenario():
    data = lib.load_scenario("baidu-2023").to_dict()
    data.pop("sources")
    data["levers"] = {"leakage": 7}
    payload = link.pack(data)
    state, notices = parse(f"custom={payload}")
    assert state.custom == "" and any(n.startswith("the link's uploaded scenario (custom=): levers.leakage: 7 is out of range")
                                      for n in notices), notices


def test_huge_numbers_and_surrogates_inside_custom_are_refused():
    for data in ({"name": "x", "initial_stock": {"A800": 10 ** 500}}, {"name": "bad \ud800"}):
        raw = json.dumps(data, ensure_ascii=True).encode()
        payload = base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")
        state, notices = parse(f"custom={payload}")
        assert state.custom == "" and notices and "Showing the preset instead" in notices[0]


def test_zip_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(json.dumps({"name": "x" * 5_000_000}).encode())).decode()
    state, notices = parse(f"custom={bomb}")
    assert state.custom == "" and "damaged" in notices[0]


def test_pins_travel_in_the_link():
    pin = link.encode_pin(link.LinkState(preset="full-embargo", levers=(("leakage", 0.2),), label="embargo but leaky"))
    state, notices = parse(f"preset=baidu-2023&pin={pin}&pin={pin}")
    assert not notices and len(state.pins) == 2
    pinned = link.decode_pin(state.pins[0])
    assert pinned.label == "embargo but leaky" and link.scenario_for(pinned).lever("leakage") == 0.2
    assert "pin=" in link.to_query(state)


def test_at_most_four_pins():
    pin = link.encode_pin(link.LinkState(preset="baidu-2023"))
    state, notices = parse("&".join(f"pin={pin}" for _ in range(6)))
    assert len(state.pins) == 4 and any("at most 4" in n for n in notices)


def test_reference_scenarios():
    assert reference_name(lib.load_scenario("full-embargo")) == "baidu-2023"
    assert reference_name(lib.load_scenario("china-2026-h200-allowed")) == "china-2026"
    uploaded = lib.load_scenario(lib.scenario.parse_scenario_text(b"name = 'mine'\nactor = 'Baidu'\nreference = ''"))
    assert reference_for(uploaded).preset == "baidu-2023"   # by actor
    stranger = lib.load_scenario(lib.scenario.parse_scenario_text(b"name = 'x'\nactor = 'Someone'\nreference = ''"))
    assert reference_for(stranger) is stranger               # its own values


def test_diff_lists_changed_inputs_and_every_output():
    a = lib.load_scenario("baidu-2023")
    b = a.with_levers(leakage=0.3)
    report = diff_scenarios(a, b)
    assert [row["name"] for row in report["inputs"]] == ["leakage"]
    assert all(row["key"] != "months" for row in report["outputs"]) and len(report["outputs"]) > 20


def test_every_link_notice_is_one_sentence_then_ignored():
    from lib.link import parse_params
    _, notices = parse_params({"leakage": ["lots"], "what_if_from": ["1999-01"], "tpp_threshold": ["9" * 500],
                               "pin": ["%%%"]})
    assert notices and all(".. " not in n and " Ignored." in n and ". Ignored." in n for n in notices
                           if "Ignored" in n), notices
    assert any("'1999-01' is out of range" in n for n in notices) and any("too many digits" in n for n in notices)


# ---- hardening round 3: crafted pins, shared uploads, links that fit ------------------------------------------------

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.catalog import CHIPS, DOMESTIC, FOREIGN
from lib.levers import LEVERS

CRAFTED_PINS = [  # (payload, the field the notice must name)
    ({"preset": {"a": 1}}, "preset"),
    ({"levers": [1, 2]}, "levers"),
    ({"levers": "abc"}, "levers"),
    ({"fields": 5}, "fields"),
    ({"label": 5}, "label"),
    ({"custom": ["x"]}, "custom"),
    ({"levers": {"leakage": True}}, "leakage"),
    ({"levers": {"leakage": None}}, "leakage"),
    ({"levers": {"leakage": {"value": 0.3}}}, "leakage"),
    ({"levers": {"pin": "x"}}, "levers: 'pin' is unknown"),          # no parameter smuggled in through a pin
    ({"levers": {"custom": "x"}}, "levers: 'custom' is unknown"),
    ({"fields": {"preset": "full-embargo"}}, "fields: 'preset' is unknown"),
    ({"fields": {"reading_year": [2027]}}, "reading_year"),
    ({"fields": {"reading_year": 2027.5}}, "reading_year"),
    ({"levers": {"leakage": 1e400}}, "leakage"),
    ({"levers": {"leakage": 7}}, "leakage"),
    ({"unknown": 1}, "key 'unknown' is unknown"),
    ({"custom": "@link"}, "the link's uploaded scenario"),             # no custom= in this link
    ({"custom": "@pin1"}, "the upload of pin #1"),                     # no earlier pin
    ({"custom": "!!!"}, "custom: the link's data is damaged"),
    ({"label": "a\u202eb"}, "label"),
]


@pytest.mark.parametrize("payload, field", CRAFTED_PINS)
def test_a_crafted_pin_is_one_notice_and_the_rest_of_the_link_is_kept(payload, field):
    good = link.encode_pin(link.LinkState(preset="full-embargo", levers=(("leakage", 0.2),), label="good"))
    state, notices = parse(f"pin={link.pack(payload)}&pin={good}&demand_growth=3.5")
    pin_notices = [n for n in notices if "'pin' #1" in n]
    assert len(notices) == 1 and len(pin_notices) == 1, notices
    assert field in pin_notices[0] and pin_notices[0].endswith(". Ignored.") and "\n" not in pin_notices[0]
    assert "URL parameter 'pin' #1: URL parameter" not in pin_notices[0] and "Ignored. Ignored" not in pin_notices[0]
    assert state.lever_values() == {"demand_growth": 3.5} and len(state.pins) == 1   # the rest is kept
    assert link.decode_pin(state.pins[0]).label == "good"


@pytest.mark.parametrize("payload, field", CRAFTED_PINS[:6])
def test_a_crafted_pin_never_breaks_the_diff_of_two_links(payload, field):
    text = f"https://x.example/?preset=baidu-2023&leakage=0.3&pin={link.pack(payload)}"
    state, notices = link.read_link(text, "Link A")
    assert link.scenario_for(state).lever("leakage") == 0.3 and any(field in n for n in notices)
    scenario, notes = link.read_link_or_file(text)  # python -m lib diff
    assert scenario.lever("leakage") == 0.3 and any(field in n for n in notes)


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=10)
PIN_KEYS = ("preset", "custom", "levers", "fields", "label")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(PIN_KEYS) | st.text(max_size=6), JSON, max_size=5) | JSON,
       st.dictionaries(st.sampled_from([*LEVERS, *link.FIELDS, "custom", "preset"]), JSON, max_size=3))
def test_any_decoded_json_in_a_pin_or_a_custom_gives_notices_never_an_exception(payload, inner):
    """Types before values: whatever JSON a pin= or custom= decodes to, reading the link only gives notices."""
    if isinstance(payload, dict):
        payload = {**payload, **({"levers": inner} if "levers" in payload else {})}
    packed = link.pack(payload if isinstance(payload, dict) else {"levers": payload})
    state, notices = parse(f"pin={packed}&custom={link.pack(inner)}&demand_growth=3.5")
    assert state.lever_values().get("demand_growth") == 3.5
    assert all(isinstance(n, str) and "\n" not in n for n in notices)
    for pin in state.pins:  # a pin that was kept opens
        link.scenario_for(link.decode_pin(pin))


def _upload(seed: int, size: float = 1.0) -> lib.Scenario:
    """An uploaded scenario with much text and many numbers that do not compress (a large ``custom=``)."""
    rng = random.Random(seed)
    data = lib.load_scenario("baidu-2023").to_dict()
    data.pop("sources")
    words = "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(int(4_000 * size)))
    domestic = [c.name for c in CHIPS if c.origin == DOMESTIC]
    foreign = [c.name for c in CHIPS if c.origin == FOREIGN]

    def mix(n):
        out = []
        for i in range(n):
            weights = [rng.random() for _ in domestic]
            out.append({"from": f"{2023 + i // 12:04d}-{i % 12 + 1:02d}",
                        "shares": {c: w / sum(weights) for c, w in zip(domestic, weights)}})
        return out

    count = max(1, int(60 * size))
    data.update(name=f"Upload {seed}", description=words, claim=words[:600], domestic_mix=mix(count),
                national_mix=mix(count), initial_stock={c: rng.random() * 1e5 for c in foreign},
                deliveries=[{"month": f"{2024 + i // 12 % 6:04d}-{i % 12 + 1:02d}", "chip": rng.choice(foreign),
                             "units": rng.random() * 1e5} for i in range(int(240 * size))])
    return lib.load_scenario(data)


@pytest.fixture(scope="module")
def uploads():
    """Four uploads whose custom= fits a link (about 30,000 characters each), and one that does not."""
    found = {name: link.encode_custom(_upload(seed, size)) for name, seed, size in
             (("a", 1, 0.65), ("b", 2, 0.65), ("c", 3, 0.65), ("d", 5, 0.65), ("huge", 4, 1.0))}
    assert all(25_000 < len(found[k]) <= link.MAX_CUSTOM_CHARS for k in "abcd"), {k: len(v) for k, v in found.items()}
    assert len(found["huge"]) > link.MAX_CUSTOM_CHARS
    return found


def test_pins_of_an_upload_share_one_copy_of_it(uploads):
    custom = uploads["a"]
    pins = tuple(link.encode_pin(link.LinkState(preset="baidu-2023", custom=custom, levers=(("leakage", i / 10),),
                                                label=f"#{i}")) for i in range(1, 5))
    state = link.LinkState(preset="baidu-2023", custom=custom, pins=pins)
    query = link.to_query(state)
    assert len(query) < len(custom) + 2_000 and query.count("custom=") == 1   # not 5 copies (the issue: 143,817)
    again, notices = parse(query)
    assert notices == [] and again.pins == pins and again.custom == custom
    assert [link.scenario_for(link.decode_pin(p)).lever("leakage") for p in again.pins] == [0.1, 0.2, 0.3, 0.4]


def test_pins_of_another_upload_share_one_copy_too(uploads):
    """Pins of upload A, then the page moved to upload B: A travels once, in the first pin of it."""
    pins = tuple(link.encode_pin(link.LinkState(preset="baidu-2023", custom=uploads["a"], levers=(("leakage", v),)))
                 for v in (0.1, 0.2, 0.4))
    state = link.LinkState(preset="baidu-2023", custom=uploads["b"], pins=pins)
    fitted = link.fit(state)
    assert fitted.notice == "" and fitted.state == state and len(fitted.query) < 2 * link.MAX_CUSTOM_CHARS + 3_000
    again, notices = parse(fitted.query)
    assert notices == [] and again.pins == pins


def test_a_link_never_exceeds_what_the_app_reads_and_says_what_it_left_out(uploads):
    def pin(upload, leakage=0.1):
        return link.encode_pin(link.LinkState(preset="baidu-2023", custom=uploads[upload], label=upload,
                                              levers=(("leakage", leakage),)))

    pins = (pin("b"), pin("c"), pin("b", 0.3), pin("d"))   # the second pin of b says "@pin1"; a, b, c, d do not fit
    state = link.LinkState(preset="baidu-2023", custom=uploads["a"], pins=pins, view="Compare")
    base = "https://chokepoint.example"
    fitted = link.fit(state, room=len(base) + 2, default_view="Story")
    assert len(f"{base}/?{fitted.query}") <= link.MAX_LINK_CHARS < len(f"{base}/?{link.to_query(state)}")
    assert fitted.left_out == (4,) and fitted.state.pins == pins[:3]
    assert "leaves out pin #4" in fitted.notice and "scenario file (TOML)" in fitted.notice
    again, notices = link.read_link(f"{base}/?{fitted.query}", views=VIEWS, sample_choices=SAMPLES)
    assert notices == [] and again.pins == fitted.state.pins and again.view == "Compare"


def test_a_scenario_too_large_for_any_link_gives_no_link_but_the_file(uploads):
    scenario = lib.load_scenario(link.decode_custom(uploads["huge"]))  # a session holds it; a link cannot
    assert scenario.name == "Upload 4"
    state = link.LinkState(preset="baidu-2023", custom=uploads["huge"], levers=(("leakage", 0.3),))
    fitted = link.fit(state)
    assert fitted.query == "" and "does not fit in a link" in fitted.notice and "(TOML)" in fitted.notice
    assert fitted.params == {"preset": "baidu-2023", "v": lib.MODEL_VERSION}   # the address bar: never longer
    _, notices = parse(f"custom={uploads['huge']}")                            # and a link with it is refused
    assert any("custom: the link's data is too long" in n for n in notices)


def _states(uploads):
    """Strategy: states the app can hold (preset or upload, levers and fields as the controls give them, up to
    four pins, each of any of these) with a view and a sample count."""

    def lever_value(name):
        lever = LEVERS[name]
        if lever.integer:
            return st.integers(int(lever.minimum), int(min(lever.maximum, lever.minimum + 1_000))).map(float)
        # As the page's controls hold values (the link reader puts a value between steps on the nearest one).
        return st.floats(lever.minimum, lever.maximum, allow_nan=False).map(lever.on_step)

    @st.composite
    def scenario_state(draw, label=False):
        custom = draw(st.sampled_from(["", "", *(uploads[k] for k in "abcd")]))
        preset = draw(st.sampled_from(sorted(lib.list_presets()))) if not custom else "baidu-2023"
        base = link.base_scenario(preset, custom)
        names = draw(st.lists(st.sampled_from(sorted(LEVERS)), max_size=4, unique=True))
        levers = tuple((n, v) for n in names if (v := draw(lever_value(n))) != base.lever(n))
        first, last = int(base.start[:4]), int(base.horizon[:4])
        fields = {}
        if draw(st.booleans()):
            fields["reading_year"] = draw(st.integers(first, last))
        if draw(st.booleans()):
            fields["hbm_control_from"] = draw(st.sampled_from(["never", "2023-06", "2026-01"]))
        if draw(st.booleans()):
            fields["rule_vintage"] = draw(st.sampled_from(lib.scenario.RULE_VINTAGE_CHOICES))
        fields = tuple((k, v) for k, v in fields.items() if v != getattr(base, k))
        text = draw(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
                            max_size=120)) if label else ""
        return link.LinkState(preset=preset, custom=custom, levers=levers, fields=fields, label=text)

    @st.composite
    def page_state(draw):
        state = draw(scenario_state())
        pins = draw(st.lists(scenario_state(label=True), max_size=link.MAX_PINS))
        return replace(state, pins=tuple(link.encode_pin(p) for p in pins), view=draw(st.sampled_from(VIEWS)),
                       samples=draw(st.sampled_from(SAMPLES)))

    return page_state()


def test_every_link_the_app_writes_fits_and_opens_to_the_same_state(uploads):
    base = "https://chokepoint.example/app"

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_states(uploads))
    def check(state):
        fitted = link.fit(state, room=len(base) + 2, default_view=VIEWS[0], default_samples=0)
        written = f"{base}/?{fitted.query}"
        assert len(written) <= link.MAX_LINK_CHARS
        again, notices = link.read_link(written, views=VIEWS, sample_choices=SAMPLES)
        assert notices == []
        assert (again.preset, again.custom, again.view or VIEWS[0], again.samples) == \
            (state.preset, state.custom, state.view, state.samples)
        assert dict(again.levers) == dict(state.levers) and dict(again.fields) == dict(state.fields)
        assert link.scenario_for(again) == link.scenario_for(state)
        assert again.pins == fitted.state.pins                                 # each pin, exactly
        assert fitted.state.pins == tuple(p for n, p in enumerate(state.pins, 1) if n not in fitted.left_out)
        assert bool(fitted.left_out) == bool(fitted.notice)

    check()


@pytest.mark.parametrize("value", [0.1, 0.30000000000000004, 1 / 3, 2_000.0, 1e29, 123456.789012345678, 5e-324])
def test_lever_values_travel_exactly(value):
    assert float(link._number_text(value)) == value


def test_diff_reads_a_path_with_an_equals_sign_as_a_file_and_refuses_foo_bar(tmp_path):
    path = tmp_path / "leakage=0.3.toml"
    path.write_text("name = 'mine'\n[levers]\nleakage = 0.3\n", encoding="utf-8")
    scenario, _ = link.read_link_or_file(str(path))
    assert scenario.name == "mine" and scenario.lever("leakage") == 0.3
    bare = tmp_path / "a=b"
    bare.write_text("name = 'no suffix'\n", encoding="utf-8")
    assert link.read_link_or_file(str(bare))[0].name == "no suffix"
    with pytest.raises(lib.ScenarioError, match="^diff: 'foo=bar' has no Chokepoint parameters"):
        link.read_link_or_file("foo=bar")
    with pytest.raises(lib.ScenarioError, match="no file at"):
        link.read_link_or_file(str(tmp_path / "missing=1.toml"))
    assert link.read_link_or_file("preset=baidu-2023&leakage=0.3")[0].lever("leakage") == 0.3


def test_a_page_address_longer_than_a_link_is_refused_before_parsing():
    with pytest.raises(lib.ScenarioError, match="^link: 1[0-9,]+ characters is too long; allowed: at most 120,000$"):
        link.check_length({"preset": ["baidu-2023"], "pad": ["x" * link.MAX_LINK_CHARS]})
    link.check_length({"preset": ["baidu-2023"], "leakage": ["0.3"]})


# ---- the page: crafted pins, the diff box and links that cannot carry everything --------------------------------------

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")


def _page(params: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_crafted_pins_never_crash_the_page_or_the_diff_box():
    crafted = [link.pack(payload) for payload, _ in CRAFTED_PINS[:4]]   # the four
    at = _page({"pin": crafted, "leakage": "0.3", "view": "Compare"})
    assert not at.exception
    notices = [w.value.replace("\\", "") for w in at.warning]
    more = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("- ")]
    assert sum("'pin' #" in n for n in [*notices, *more]) == 4
    assert at.session_state["leakage"] == 0.3 and at.session_state["pins"] == []
    at.segmented_control(key="view").set_value("Share & brief").run()
    pasted = f"https://x.example/?preset=baidu-2023&leakage=0.1&pin={crafted[0]}&pin={crafted[3]}"
    at.text_input(key="diff_a").input(pasted).run()
    assert not at.exception and not at.error
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any(w.startswith("Link A: URL parameter 'pin' #1: preset") for w in warnings), warnings
    assert any(w.startswith("Link A: URL parameter 'pin' #2: fields") for w in warnings), warnings


def test_the_page_says_what_its_link_leaves_out_and_offers_the_file(uploads):
    at = _page({"custom": uploads["a"], "view": "Share & brief"})
    assert not at.exception
    pins = [link.encode_pin(link.LinkState(preset="baidu-2023", custom=uploads[k], levers=(("leakage", 0.2),)))
            for k in "bcd"]
    at.session_state["pins"] = pins
    at.run()
    assert not at.exception
    query = "&".join(f"{k}={v}" for k, values in ((k, at.query_params[k]) for k in at.query_params)
                     for v in (values if isinstance(values, list) else [values]))
    assert len(query) <= link.MAX_LINK_CHARS
    shared = [c.value for c in at.code][0]
    assert len(shared) <= link.MAX_LINK_CHARS and shared.count("pin=") == 2     # pins #1 and #2 of the three
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("leaves out pin #3" in w and "(TOML)" in w for w in warnings), warnings
    assert any("TOML" in b.label for b in at.get("download_button"))


def test_an_upload_too_large_for_a_link_loads_and_the_page_offers_the_file_instead(uploads):
    scenario = lib.load_scenario(link.decode_custom(uploads["huge"]))
    at = _page({"view": "Share & brief"})
    at.get("file_uploader")[0].set_value(("huge.toml", scenario.to_toml().encode(), "application/toml"))
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["custom"] == uploads["huge"]                       # loaded: the page shows it
    assert not [c.value for c in at.code if "custom=" in c.value]             # no link that could not be opened
    assert len(str(dict(at.query_params))) < 1_000                             # the address bar: the preset only
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("does not fit in a link" in w and "(TOML)" in w for w in warnings), warnings
    assert any(b.proto.label.startswith("Scenario file (TOML), to upload instead") for b in at.get("download_button"))


def test_a_value_between_steps_reads_the_same_on_the_page_in_the_diff_and_the_cli():
    """One rule (Lever.on_step): a link's leakage=0.333 is 0.33 wherever the link is read, with a notice."""
    state, notices = parse("preset=baidu-2023&leakage=0.333&demand_growth=2.26&what_if_notice_months=3")
    levers = dict(state.levers)
    assert levers["leakage"] == 0.33 and levers["demand_growth"] == 2.3  # its step is 0.1
    assert any("0.333 is between the slider's steps (allowed: steps of 0.01 from 0); used 0.33" in n for n in notices)
    scenario, _ = link.read_link_or_file("https://x.example/?preset=baidu-2023&leakage=0.333")
    assert scenario.lever("leakage") == 0.33
    # A pin is the app's own writing: one between steps is refused whole, with what is allowed.
    with pytest.raises(lib.ScenarioError, match=r"pin: leakage: 0.333 is between the slider's steps \(allowed"):
        link.pin_state_from({"preset": "baidu-2023", "levers": {"leakage": 0.333}})

