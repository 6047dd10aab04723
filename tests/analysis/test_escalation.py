"""Escalation engine: per kind, what fires, what does not, and with which modality.

Region tags are built by hand here (``regions_for``) so these tests pin the engine's behaviour
independently of the region tagger; ``test_escalation_canonical.py`` runs the real pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from flashpoint.analysis.escalation import EscalationEngine, split_sentences
from flashpoint.analysis.models import PlaceMention, RegionTags, Signal, Span
from flashpoint.analysis.nlp import load_model

# (surface form, country, subdivision) of every place the tests mention
PLACES: tuple[tuple[str, str, str | None], ...] = (
    ("Afghanistan", "AF", None), ("Afghan", "AF", None), ("Tajikistan", "TJ", None),
    ("Tajik", "TJ", None), ("Badakhshan", "AF", "AF-BDS"), ("Moscow", "RU", "RU-MOW"),
    ("Russian", "RU", None), ("Russia", "RU", None), ("Ukraine", "UA", None),
    ("Ukrainian", "UA", None), ("Kharkiv", "UA", "UA-63"), ("Israel", "IL", None),
    ("Israeli", "IL", None), ("Gaza", "PS", None), ("Lebanon", "LB", None), ("Syria", "SY", None),
    ("Iran", "IR", None), ("Iranian", "IR", None), ("Iraq", "IQ", None), ("Iraqi", "IQ", None),
    ("Sudan", "SD", None), ("Sudanese", "SD", None), ("Khartoum", "SD", "SD-KH"),
    ("Mali", "ML", None), ("Niger", "NE", None), ("Poland", "PL", None), ("Belarus", "BY", None),
    ("American", "US", None), ("United States", "US", None), ("France", "FR", None),
    ("French", "FR", None), ("Armenia", "AM", None), ("Azerbaijan", "AZ", None),
    ("North Korea", "KP", None), ("Myanmar", "MM", None), ("Somalia", "SO", None),
    ("Mogadishu", "SO", "SO-BN"), ("Kabul", "AF", "AF-KAB"), ("Congo", "CD", None),
    ("Rwanda", "RW", None), ("Goma", "CD", "CD-NK"), ("Serbia", "RS", None),
    ("Serbian", "RS", None), ("Kosovo", "XK", None),
    ("Bagram air base", "AF", "AF-PAR"), ("Damascus", "SY", "SY-DI"),
)


def regions_for(text: str, places: Iterable[tuple[str, str, str | None]] = PLACES,
                primary: str | None = None) -> RegionTags:
    """Place mentions for every whole-word occurrence of the given names, longest first."""
    taken: set[int] = set()
    mentions: list[PlaceMention] = []
    for name, country, subdivision in sorted(places, key=lambda p: -len(p[0])):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if not before.isalnum() and not after.isalnum() and not taken & set(range(start, end)):
                mentions.append(PlaceMention(Span(start, end, name), country, subdivision))
                taken.update(range(start, end))
            start = text.find(name, end)
    mentions.sort(key=lambda m: m.span.start)
    first = mentions[0].country if mentions else None
    return RegionTags(primary_country=primary or first, mentions=tuple(mentions))


@pytest.fixture(scope="module")
def engine() -> EscalationEngine:
    return EscalationEngine(load_model())


def detect(engine: EscalationEngine, text: str) -> tuple[Signal, ...]:
    return engine.detect(text, regions_for(text))


def kinds(engine: EscalationEngine, text: str) -> set[str]:
    return {s.kind for s in detect(engine, text)}


def one(engine: EscalationEngine, text: str, kind: str) -> Signal:
    found = [s for s in detect(engine, text) if s.kind == kind]
    assert found, f"no {kind} in {text!r}: {detect(engine, text)}"
    return found[0]


POSITIVE = [
    ("desertion", "Hundreds of Afghan soldiers fled to Tajikistan after clashes with the Taliban."),
    ("desertion", "Dozens of conscripts deserted their units near the front line."),
    ("mobilization", "Russia announced a partial mobilization of 300,000 reservists."),
    ("mobilization", "Armenia mobilized its troops after the border incident."),
    ("troop_buildup", "Russia has massed 100,000 troops near the border with Ukraine."),
    ("troop_buildup", "Iran deployed tanks and artillery to its western border."),
    ("territory_seized", "Islamist militants seized the town of Menaka in Mali."),
    ("territory_seized", "The Taliban took control of six districts of Badakhshan province."),
    ("territory_regained", "Ukrainian troops recaptured the city of Kharkiv."),
    ("armed_clash", "Heavy fighting broke out between the army and rebels near Goma."),
    ("armed_clash", "Sudanese soldiers clashed with RSF fighters in Khartoum."),
    ("offensive", "The army launched a major offensive against the rebels in Congo."),
    ("offensive", "Rwanda-backed forces began a ground invasion of eastern Congo."),
    ("air_strike", "Israeli air strikes hit Gaza overnight."),
    ("air_strike", "A drone strike killed three commanders near Mogadishu."),
    ("shelling", "Russian forces shelled Kharkiv overnight."),
    ("shelling", "Rocket fire from Lebanon hit northern Israel."),
    ("diplomatic_closure", "France closed its embassy in Niger."),
    ("diplomatic_closure", "Poland expelled 45 Russian diplomats."),
    ("evacuation", "The United States evacuated its embassy staff from Khartoum."),
    ("foreign_withdrawal", "French troops withdrew from Mali after nine years."),
    ("border_closure", "Poland closed its border with Belarus."),
    ("state_of_emergency", "The government declared martial law across Myanmar."),
    ("state_of_emergency", "Authorities imposed a curfew in Khartoum after the unrest."),
    ("coup", "Soldiers staged a coup in Niger and detained the president."),
    ("coup", "The army seized power in Mali overnight."),
    ("chemical_weapons", "Witnesses said sarin was used in the attack near Damascus."),
    ("nuclear_threat", "Russia warned it could use nuclear weapons if attacked."),
    ("mass_displacement", "More than 200,000 people fled the fighting in Sudan."),
    ("mass_displacement", "Tens of thousands of civilians were displaced by the fighting in Goma."),
    ("mass_displacement", "Serb forces were engaged in ethnic cleansing in Kosovo."),
    ("ceasefire_breakdown", "The ceasefire collapsed after Azerbaijan shelled Armenian positions."),
    ("ceasefire_breakdown", "Both sides reported ceasefire violations in Kosovo."),
    ("bombing", "A suicide bomber killed 12 people at a checkpoint in Mogadishu."),
    ("bombing", "A roadside bomb exploded near a convoy in Somalia."),
    ("attack", "Gunmen killed 14 villagers in an attack on a village in Mali."),
    ("abduction", "Gunmen abducted 30 students from a school in Niger."),
    ("protest_violence", "Police fired live ammunition at protesters in Khartoum, killing three."),
    ("intercepted", "Air defences intercepted a ballistic missile fired at Damascus."),
]


@pytest.mark.parametrize(("kind", "text"), POSITIVE)
def test_each_kind_fires_on_a_plain_news_sentence(engine: EscalationEngine, kind: str, text: str) -> None:
    assert kind in kinds(engine, text)


def test_every_signal_kind_has_a_positive_example() -> None:
    from flashpoint.analysis.models import SIGNAL_KINDS

    assert {k for k, _ in POSITIVE} == set(SIGNAL_KINDS)


LOOK_ALIKES = [
    "The team deserted its fans after the defeat.",
    "The campaign will mobilize voters across the state.",
    "The company seized the market with its new phone.",
    "The minister faced a storm of criticism over the budget.",
    "The price war between the airlines hurt profits.",
    "The striker led the attack as the offensive line collapsed in the second half of the match.",
    "The coach praised the team's offensive in the final quarter of the game.",
    "Shell shelled out billions for the acquisition.",
    "Fans clashed outside the stadium after the derby.",
    "The startup launched a marketing blitz and captured market share.",
    "The fire forced the evacuation of 300 residents.",
    "Protesters called the reform a coup against workers, while the company called the deal a coup.",
    "The governor declared a state of emergency after the floods.",
    "The senator's staff left the building for lunch.",
    "Thousands of fans poured into the stadium.",
    "The actor bombed at the box office.",
    "The bank cut ties with the supplier.",
    "She deployed a new strategy to win the election.",
    "Japan is sending troops to the United Nations peacekeeping force in South Sudan.",
    "Twenty rebels surrendered to the police in Mindanao.",
    "A local Taliban leader and his five associates have given up fighting.",
    "Flights supported the evacuation of sick children to Germany.",
    "Lockheed Martin announced that it will launch its Atlas V rocket on Dec. 17.",
    "A lieutenant of the insurgent leader was captured in Baghdad.",
    "Sudanese rebels agree to take part in peace talks in Khartoum.",
    "Replacing the system would be the nuclear option, the minister said.",
    "The singer's legal battles with his record label and his stance against the Iraq war.",
    "The court imposed a curfew between 2200 and 0700 as part of his sentence.",
    "The government is regaining control of the national airline in a bid to save it.",
    "Shell in $6bn gas deal as Shell shares rise.",
    "The village lies close to the border with Morocco.",
    "The film depicts a dirty bomb attack on the city of London.",
    "The army suspended a commander who emptied an ammunition clip and ended the fire drill.",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_sentences_raise_no_signal(engine: EscalationEngine, text: str) -> None:
    assert detect(engine, text) == ()


NEGATED = [
    ("territory_seized", "The rebels did not seize the town of Menaka in Mali."),
    ("air_strike", "Israel carried out no air strikes on Gaza overnight."),
    ("coup", "The army denied that a coup had taken place in Niger."),
    ("mobilization", "Russia has not mobilized its reservists."),
    ("diplomatic_closure", "France has not closed its embassy in Niger."),
]


@pytest.mark.parametrize(("kind", "text"), NEGATED)
def test_negated_events_are_denied_not_asserted(engine: EscalationEngine, kind: str, text: str) -> None:
    assert one(engine, text, kind).modality == "denied"


THREATENED = [
    ("air_strike", "The general did not rule out air strikes against the Taliban."),
    ("shelling", "Iran threatened to shell Iraqi towns in retaliation."),
    ("offensive", "Iran threatened to launch a new military offensive against Iraq."),
    ("diplomatic_closure", "Pakistan threatened to break off diplomatic relations with Israel."),
    ("state_of_emergency", "The president threatened to impose martial law in Khartoum."),
]


@pytest.mark.parametrize(("kind", "text"), THREATENED)
def test_threats_are_threatened(engine: EscalationEngine, kind: str, text: str) -> None:
    assert one(engine, text, kind).modality == "threatened"


PLANNED = [
    ("offensive", "Officials said a counter-offensive was in preparation."),
    ("state_of_emergency", "The president announced that he will extend the curfew in Khartoum."),
    ("offensive", "The army is preparing a major offensive against the rebels in Congo."),
]


@pytest.mark.parametrize(("kind", "text"), PLANNED)
def test_announced_or_prepared_events_are_planned(engine: EscalationEngine, kind: str, text: str) -> None:
    assert one(engine, text, kind).modality == "planned"


HYPOTHETICAL = [
    ("air_strike", "If Israel were to launch air strikes on Iran, oil prices would soar."),
    ("foreign_withdrawal", "Ministers demanded the withdrawal of Serbian forces from Kosovo."),
]


@pytest.mark.parametrize(("kind", "text"), HYPOTHETICAL)
def test_conditional_or_demanded_events_are_hypothetical(
    engine: EscalationEngine, kind: str, text: str
) -> None:
    assert one(engine, text, kind).modality == "hypothetical"


HISTORICAL = [
    ("territory_seized", "In 1996 the Taliban seized Kabul after years of civil war."),
    ("armed_clash", "Soviet troops fought the mujahideen in Afghanistan during the 1980s."),
    ("bombing", "The embassy was hit by a car bomb in 1983."),
]


@pytest.mark.parametrize(("kind", "text"), HISTORICAL)
def test_background_about_past_decades_is_historical(
    engine: EscalationEngine, kind: str, text: str
) -> None:
    assert one(engine, text, kind).modality == "historical"


def test_historical_cue_in_a_relative_clause_does_not_date_the_main_event(engine: EscalationEngine) -> None:
    text = ("American troops, who have been fighting the Taliban for 20 years in Afghanistan, "
            "announced that they had left the Bagram air base.")
    assert one(engine, text, "foreign_withdrawal").modality == "asserted"


def test_lifting_a_curfew_is_not_a_state_of_emergency(engine: EscalationEngine) -> None:
    assert "state_of_emergency" not in kinds(engine, "Serbia lifted a night curfew in Kosovo.")


def test_desertion_carries_quantity_actor_and_destination(engine: EscalationEngine) -> None:
    s = one(engine, "1,037 Afghan government troops have retreated to the territory of Tajikistan.",
            "desertion")
    assert (s.quantity, s.actor, s.country, s.target) == (1037, "AF", "AF", "TJ")


def test_retreat_inside_the_own_country_is_not_desertion(engine: EscalationEngine) -> None:
    assert "desertion" not in kinds(engine, "Afghan troops retreated to Kabul.")


def test_territory_seized_names_the_group_and_the_province(engine: EscalationEngine) -> None:
    s = one(engine, "Taliban fighters have taken full control of six districts of Badakhshan province.",
            "territory_seized")
    assert (s.quantity, s.actor, s.country, s.subdivision) == (6, "Taliban", "AF", "AF-BDS")


def test_mobilization_actor_comes_from_the_ordering_leader(engine: EscalationEngine) -> None:
    s = one(engine, "Tajik President Emomali Rakhmon ordered the mobilization of 20,000 reservists.",
            "mobilization")
    assert (s.quantity, s.actor) == (20000, "TJ")


def test_consulate_closure_is_attributed_to_the_closing_state_and_placed_where_it_is(
    engine: EscalationEngine,
) -> None:
    text = "Moscow announced the temporary closure of one of its consulates in northern Afghanistan."
    s = one(engine, text, "diplomatic_closure")
    assert (s.actor, s.country) == ("RU", "AF")


def test_vague_counts_give_their_lower_bound_marked_approximate(engine: EscalationEngine) -> None:
    s = one(engine, "The Taliban seized dozens of districts in northern Afghanistan.", "territory_seized")
    assert (s.quantity, s.approximate) == (12, True)


def test_same_event_stated_twice_keeps_the_precise_count(engine: EscalationEngine) -> None:
    text = ("A thousand Afghan soldiers fled to Tajikistan on Monday. "
            "Officials said 1,037 Afghan government troops have retreated to the territory of Tajikistan.")
    desertions = [s for s in detect(engine, text) if s.kind == "desertion"]
    assert [s.quantity for s in desertions] == [1037]


def test_distinct_events_of_one_kind_in_different_provinces_stay_apart(engine: EscalationEngine) -> None:
    text = ("The Taliban seized six districts of Badakhshan province. "
            "In the south, the Taliban seized the town of Spin Boldak in Kandahar.")
    regions = regions_for(text, [*PLACES, ("Kandahar", "AF", "AF-KAN")])
    seized = [s for s in engine.detect(text, regions) if s.kind == "territory_seized"]
    assert {s.subdivision for s in seized} == {"AF-BDS", "AF-KAN"}


def test_evidence_offsets_point_into_the_text(engine: EscalationEngine) -> None:
    text = "Breaking news.\n\nThe army launched a major offensive against the rebels in Congo."
    for s in detect(engine, text):
        assert text[s.evidence.start:s.evidence.end] == s.evidence.text


def test_every_signal_explains_itself_and_names_its_rule(engine: EscalationEngine) -> None:
    s = one(engine, "Russian forces shelled Kharkiv overnight.", "shelling")
    assert s.rule_id in s.explanation and s.explanation and s.cameo == "194"


def test_non_asserted_signals_weigh_less(engine: EscalationEngine) -> None:
    asserted = one(engine, "Iran launched a military offensive against Iraq.", "offensive")
    threatened = one(engine, "Iran threatened to launch a military offensive against Iraq.", "offensive")
    from flashpoint.analysis.models import SEVERITY_RANK

    assert SEVERITY_RANK[threatened.severity] < SEVERITY_RANK[asserted.severity]


def test_an_article_without_triggers_parses_nothing(engine: EscalationEngine) -> None:
    text = "The central bank kept interest rates on hold. Markets rose slightly on Tuesday."
    assert engine.candidate_sentences(text, RegionTags()) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Gen. Scott Miller spoke. Then he left.", ["Gen. Scott Miller spoke.", "Then he left."]),
        ("Heading\n\nBody text here.", ["Heading", "Body text here."]),
        ("U.S. troops left. Others stayed.", ["U.S. troops left.", "Others stayed."]),
    ],
)
def test_sentences_split_at_punctuation_and_line_breaks(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@pytest.mark.parametrize("text", ["", "   \n\n  ", "!!!", "1,037"])
def test_empty_or_contentless_text_gives_no_signal(engine: EscalationEngine, text: str) -> None:
    assert engine.detect(text, RegionTags()) == ()


def test_a_run_on_text_without_punctuation_is_parsed_in_windows_with_true_offsets(
    engine: EscalationEngine,
) -> None:
    filler = " ".join(["the weather was mild and people walked in the park"] * 30)
    text = f"{filler} russian forces shelled kharkiv overnight {filler}"
    signals = engine.detect(text, RegionTags())
    assert [s.kind for s in signals] == ["shelling"]
    s = signals[0]
    assert text[s.evidence.start:s.evidence.end] == s.evidence.text
