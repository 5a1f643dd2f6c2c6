"""Suggested dependent claims (backend/nlp/suggestions/dependent.py, POST /claims/suggest-dependent):
grammatical claims, numbered after the last claim, citing their paragraph, with antecedent basis."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from backend.assistant import DEFAULT_DEPENDENT_LEXICON, load_dependent_lexicon, suggest_dependent
from backend.nlp.claims import parse_claims_text
from backend.nlp.parsing import shared_parser
from backend.nlp.suggestions.dependent import assertive, singular_verb, suggest_dependent_claims
from backend.nlp.suggestions.lexicon import DependentLexicon, candidate_tokens
from backend.settings import Settings
from backend.wordlists import load_wordlists
from tests.apiharness import assert_error
from tests.corpus import claim_lines
from tests.helpers import check_text, sample_corpus

SUGGEST = "/api/v1/claims/suggest-dependent"
CLAIMS = (
    "1. A latch assembly comprising: a housing; a latch pivotally mounted in the housing; and a lever coupled to "
    "the latch.\n"
    "2. The latch assembly of claim 1, wherein the lever is steel.\n"
)
DESCRIPTION = [
    (0, "SUMMARY"),
    (1, "In some embodiments, the latch includes a spring biasing the latch toward a closed position."),
    (2, "The housing 12 may be formed of aluminium. As shown in FIG. 2, the lever 18 rotates."),
    (3, "In some embodiments, the latch assembly further comprises a cover attached to the housing."),
    (4, "The lever 18 can be made of plastic. The weather was fine."),
]


def suggest(claims: str, description, **kwargs):
    wl = load_wordlists()
    return suggest_dependent_claims(
        parse_claims_text(claims), description, parser=shared_parser(), exempt=wl.get("antecedent_exempt"),
        inherent=wl.get("inherent_nouns"), **kwargs,
    )


def test_description_sentences_become_dependent_claims():
    out = suggest(CLAIMS, DESCRIPTION, summary_paragraphs=[1])
    texts = {s.text: s for s in out}
    assert "The latch assembly of claim 1, wherein the housing is formed of aluminium." in texts
    assert "The latch assembly of claim 1, wherein the lever is made of plastic." in texts
    assert "The latch assembly of claim 1, further comprising a cover attached to the housing." in texts
    spring = next(s for s in out if "spring" in s.text)
    # "a spring" is introduced, "the latch" refers to claim 1's latch
    assert spring.text == ("The latch assembly of claim 1, wherein the latch includes a spring biasing the latch "
                           "toward a closed position.")
    assert spring.paragraph == 1 and spring.element == "latch"
    # ranked (summary and "in some embodiments" first), numbered after the last claim in that order
    assert out[0] is spring
    assert [s.number for s in out] == list(range(3, 3 + len(out)))
    assert texts["The latch assembly of claim 1, wherein the housing is formed of aluminium."].paragraph == 2
    assert not any("rotates" in s.text or "weather" in s.text for s in out)  # a figure's sentence, no element


def test_modal_verbs_become_assertive():
    assert assertive("may be formed of steel", plural=False) == "is formed of steel"
    assert assertive("can optionally include a spring", plural=False) == "includes a spring"
    assert assertive("may comprise two arms", plural=True) == "comprise two arms"
    assert assertive("could carry a load", plural=False) == "carries a load"


def test_suggestions_are_claims_that_pass_the_checks():
    """The claim set with every suggestion added: no antecedent-basis, dependency or claim-form finding."""
    out = suggest(CLAIMS, DESCRIPTION, summary_paragraphs=[1])
    text = CLAIMS + "".join(f"{s.number}. {s.text}\n" for s in out)
    result = check_text(text, select=("AB001", "AB003", "CD", "CF001", "CN"))
    assert result.findings == []
    for s in out:
        assert re.fullmatch(r"The latch assembly of claim 1(, wherein the .+|, further comprising .+)\.", s.text)


def test_real_corpus_suggestions_pass_the_checks():
    checked = 0
    for record in list(sample_corpus())[:8]:
        lines = claim_lines(record)
        claims = parse_claims_text("\n".join(lines))
        independents = "\n".join(f"{c.number}. {' '.join(c.text.split())}" for c in claims.active if c.independent)
        paragraphs = [(i, p["text"]) for i, p in enumerate(record["description"]) if p["type"] == "paragraph"]
        out = suggest(independents, paragraphs, per_claim=5)
        if not out:
            continue
        text = independents + "\n" + "".join(f"{s.number}. {s.text}\n" for s in out)
        result = check_text(text, select=("AB001", "AB003", "CD", "CF001"))
        new = {s.number for s in out}
        assert not [f for f in result.findings if f.claim in new], [f.message for f in result.findings]
        for s in out:
            assert s.text.endswith(".") and s.text.count(".") >= 1 and f"of claim {s.parent}," in s.text
            assert 0 <= s.paragraph < len(record["description"])
        checked += len(out)
    assert checked >= 5


def test_suggest_api(api):
    caller = api.caller()
    description = "\n".join(text for _, text in DESCRIPTION)
    response = api.client.post(SUGGEST, headers=caller.headers, json={"claims": CLAIMS, "description": description})
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert suggestions and suggestions[0]["number"] == 3 and suggestions[0]["claim"].startswith("3. The latch")
    assert {"paragraph", "paragraph_number", "sentence", "element", "limitation", "score", "parent",
            "root"} <= set(suggestions[0])
    assert all(s["parent"] == s["root"] == 1 for s in suggestions)
    assert_error(api.client.post(SUGGEST, headers=caller.headers, json={"claims": "", "description": "x"}), 422,
                 "no_claims")
    assert_error(api.client.post(SUGGEST, json={"claims": CLAIMS, "description": "x"}), 401, "unauthenticated")


# (claims, description sentence, the suggestion expected from it)
FORMS = [
    # the first alternative of "X, or Y" and of "X, and may be Y" (a list "A, B, or C" stays whole)
    ("1. A device comprising a substrate and a layer on the substrate.",
     "In some embodiments, the layer has a water contact angle greater than 120 degrees, or greater than 135 degrees.",
     "The device of claim 1, wherein the layer has a water contact angle greater than 120 degrees."),
    ("1. A device comprising a substrate and a layer on the substrate.",
     "The substrate may comprise a porous membrane, and may be chromatographic paper.",
     "The device of claim 1, wherein the substrate comprises a porous membrane."),
    ("1. A device comprising a substrate and a layer on the substrate.",
     "In some embodiments, the layer comprises silica, alumina, or titania.",
     "The device of claim 1, wherein the layer comprises silica, alumina, or titania."),
    # a step done to an element, said in the passive, is a further step of a method
    ("1. A method of making an electrode, comprising: printing an electrode structure on a substrate.",
     "In some embodiments, the electrode structure may be heated at a temperature of about 600 C.",
     "The method of claim 1, further comprising heating the electrode structure at a temperature of about 600 C."),
    ("1. A method of storing data, comprising: receiving a data record; and writing the data record to a disk.",
     "In some embodiments, the data record is then transmitted to a remote server.",
     "The method of claim 1, further comprising transmitting the data record to a remote server."),
    # a claimed subject with its quantity; "the disclosed subject matter" speaks of the claimed subject
    ("1. One or more drugs for treating a patient, comprising an active agent and a carrier.",
     "In some embodiments, the carrier is saline.",
     "The one or more drugs of claim 1, wherein the carrier is saline."),
    ("1. A method comprising: receiving a network; and scoring a gene pair in the network.",
     "The disclosed subject matter can further involve predicting context-specific synthetic lethality.",
     "The method of claim 1, further comprising predicting context-specific synthetic lethality."),
    # what the claimed method may include is a further step
    ("1. A method comprising: receiving a signal; and determining a source of the signal.",
     "The method may include using the source of the signal to determine a location of a therapy.",
     "The method of claim 1, further comprising using the source of the signal to determine a location of a therapy."),
    # a step refined by its gerund, as the description words it
    ("1. A method comprising: detecting a change in a context of a user; and displaying content to the user.",
     "Detecting the change in the context of the user 102 may include determining that the user has changed pose.",
     ("The method of claim 1, wherein detecting the change in the context of the user comprises determining that the "
     "user has changed pose.")),
    # a list of examples becomes a Markush group
    ("1. A composition comprising an anti-cancer agent and a carrier.",
     ("Examples of anti-cancer agents include, but are not limited to, altretamine, bleomycin, busulphan or "
     "capecitabine."),
     ("The composition of claim 1, wherein the anti-cancer agent is selected from the group consisting of "
     "altretamine, bleomycin, busulphan, and capecitabine.")),
    # values stay, reference numerals go
    ("1. A method comprising growing a bacterial strain on plant material.",
     ("In other specific embodiments, the bacterial strain 12 is grown until it reaches an OD600 from about 0.3 to "
     "about 0.5."),
     ("The method of claim 1, wherein the bacterial strain is grown until it reaches an OD600 from about 0.3 to about "
     "0.5.")),
    # two elements together, from an embodiment written like a claim
    ("1. A method comprising applying a first pulse and a second pulse to a specimen.",
     ("(11) The method according to any one of (1) to (9), wherein the first pulse and the second pulse have a common "
     "waveform."),
     "The method of claim 1, wherein the first pulse and the second pulse have a common waveform."),
    # an opening phrase that frames the embodiment goes, the subject keeps its capitals
    ("1. A method comprising coating a PEBP family member onto a surface.",
     "In a preferred embodiment of the invention, the PEBP family member 20 is labeled with a fluorophore.",
     "The method of claim 1, wherein the PEBP family member is labeled with a fluorophore."),
    # the subject's modifiers stay with it
    ("1. A method comprising culturing a cell expressing a first protein.",
     "In some embodiments, the cell expressing the first protein is a hybridoma.",
     "The method of claim 1, wherein the cell expressing the first protein is a hybridoma."),
    # a list after a colon stays whole, its items marked as a claim marks them
    ("1. A method comprising: receiving a message; and encrypting the message.",
     "In some embodiments, the method further includes: - applying a mask to the message; - depositing the message in a queue.",
     "The method of claim 1, further comprising: applying a mask to the message; and depositing the message in a queue."),
    ("1. A device comprising a sample holding chamber and a pump.",
     ("In certain embodiments, the device further includes: an inlet port in fluidic communication with the sample holding "
      "chamber; and an outlet port in fluidic communication with the sample holding chamber."),
     ("The device of claim 1, further comprising: an inlet port in fluidic communication with the sample holding chamber; "
      "and an outlet port in fluidic communication with the sample holding chamber.")),
    ("1. A method comprising: receiving a message; and encrypting the message to produce first encrypted data.",
     ("Accordingly, the first encrypted data is produced by: combining the keystream with authentication data; producing a "
      "second keystream by performing a permutation; and combining the second keystream with the message."),
     ("The method of claim 1, wherein the first encrypted data is produced by: combining a keystream with authentication "
      "data; producing a second keystream by performing a permutation; and combining the second keystream with the "
      "message.")),
]


def test_description_forms_become_claims():
    # (SUBJECT_FORMS and OPENINGS below: subject noun phrases; hedges, numbered embodiments and frames)
    for claims, sentence, expected in [*FORMS, *SUBJECT_FORMS, *OPENINGS]:
        texts = [s.text for s in suggest(claims, [(0, sentence)])]
        assert expected in texts, (sentence, texts)


# (claims, description sentence, the suggestion expected from it): subjects the claim does not write as "the X"
SUBJECT_FORMS = [
    # elements joined by "or" / "and", the first without an article of its own
    ("1. A method comprising detecting the presence or absence of a Vim3 protein in a sample.",
     "In a preferred embodiment, the presence or absence of the Vim3 protein is detected by an antibody.",
     "The method of claim 1, wherein the presence or absence of the Vim3 protein is detected by an antibody."),
    ("1. A method comprising fusing an LBD to a reporter.",
     "In some embodiments, the LBD and the reporter are genetically fused.",
     "The method of claim 1, wherein the LBD and the reporter are genetically fused."),
    # what is done to a claimed element, written bare
    ("1. A device comprising an electrode and a metal catalyst on the electrode.",
     "In some implementations, electrodeposition of the metal catalyst on the electrode causes decomposition of a peroxide.",
     ("The device of claim 1, wherein electrodeposition of the metal catalyst on the electrode causes decomposition of a "
      "peroxide.")),
    ("1. A method comprising detecting a level of MNA in a blood sample.",
     "In a further embodiment, an increase of the level of MNA in the blood sample indicates that the dose is effective.",
     ("The method of claim 1, wherein an increase of the level of MNA in the blood sample indicates that a dose is "
      "effective.")),
    # an attribute of a claimed element, written bare (a decimal value is no reference numeral)
    ("1. A kit comprising a buffer and a polymerase.", "Preferably, total volume of the kit is 25.0 uL.",
     "The kit of claim 1, wherein total volume of the kit is 25.0 uL."),
    # a plural subject said of the claimed method takes the singular verb
    ("1. A method comprising heating a panel.", "The methods may be carried out at room temperature.",
     "The method of claim 1, wherein the method is carried out at room temperature."),
    # the claim's unmodified term for a modified phrase whose modifiers the claim uses
    (("1. A method of detecting adenosine and its metabolites, comprising: collecting a fraction containing the "
      "metabolites from a sample."),
     ("In a further embodiment, the adenosine metabolites include adenosine monophosphate, adenosine diphosphate, "
      "and adenosine triphosphate."),
     ("The method of claim 1, wherein the metabolites include adenosine monophosphate, adenosine diphosphate, and "
      "adenosine triphosphate.")),
    # "The X of the Y" keeps its article in lower case; an adverb ends the subject
    ("1. A system comprising a converter and a panel.", "The panel of the converter may be made of steel.",
     "The system of claim 1, wherein the panel of the converter is made of steel."),
    ("1. A method comprising culturing a tumor model.", "The tumor model typically includes tumor spheroids.",
     "The method of claim 1, wherein the tumor model includes tumor spheroids."),
    # a step the claim labels, named by its label
    (("1. A method comprising: (i) thawing cells; (ii) washing the cells; and (iii) freezing the cells at an initial "
      "temperature."),
     "In further embodiments, step (iii) comprises lowering the initial temperature at a rate of about 1 C per minute.",
     "The method of claim 1, wherein step (iii) comprises lowering the initial temperature at a rate of about 1 C per minute."),
    ("1. A method comprising: a) receiving a first signal; b) receiving a second signal; and c) processing the signals.",
     "Step c) may include comparing the first signal with the second signal.",
     "The method of claim 1, wherein step c) includes comparing the first signal with the second signal."),
    # symbols of the claim's formula, as written
    ("1. A method comprising administering a compound of formula V, wherein R11 and R12 are hydrogen and R13-R15 are alkyl.",
     "In a particular embodiment, R13 is methyl or methoxy.", "The method of claim 1, wherein R13 is methyl or methoxy."),
    ("1. A cathode material comprising particles of a compound of formula M1yM21-yAx, wherein M1 and M2 are different metals.",
     "In certain embodiments, M1 and M2 occupy the same lattice.",
     "The cathode material of claim 1, wherein M1 and M2 occupy the same lattice."),
    # a claimed step named by its gerund, said to be done in some way
    ("1. A method comprising: designating a reference microphone; and obtaining a voice sample of a speaker.",
     "In addition to one or more of the features described herein, obtaining the voice sample is performed in real time.",
     "The method of claim 1, wherein obtaining the voice sample is performed in real time."),
    # a step the method claim does not have, named by its gerund or by its reference numeral
    ("1. A method comprising: receiving a control signal; and storing the control signal in a memory.",
     "Encrypting the control signal may include applying a key to the control signal.",
     ("The method of claim 1, further comprising encrypting the control signal, wherein encrypting the control signal "
      "comprises applying a key to the control signal.")),
    (("1. A method for generating encrypted data, comprising: combining a key with state bits; and using a keystream to "
      "encrypt first data."),
     "Step 612 involves padding the first data to make a total number of bits a multiple of the number of state bits.",
     ("The method of claim 1, further comprising padding the first data to make a total number of bits a multiple of the "
      "number of state bits.")),
    # what is done, named by its noun, with a claimed element
    ("1. A detection system comprising: a readout electrode; a peroxide solution; and a metal catalyst.",
     "In some implementations, generation of bubbles displaces a dye present in the peroxide solution.",
     "The detection system of claim 1, wherein generation of bubbles displaces a dye present in the peroxide solution."),
]


def test_subjects_that_name_no_claimed_element_give_nothing():
    # a scrubber of another kind than the claimed one; an opening that names no element
    out = suggest("1. An ozone scrubber comprising a housing.",
                  [(0, "In one embodiment, the graphite scrubber is in the form of one or more graphite tubes."),
                   (1, "Most of the housing is steel."), (2, "The cells and contacting them with the housing is fine.")])
    assert out == []


def test_modal_adverbs():
    assert assertive("can only be used", plural=False) == "is only used"
    assert assertive("may also partially cover the hole", plural=False) == "partially covers the hole"
    assert assertive("can then be selected", plural=True) == "are selected"
    assert assertive("may apply to the arm", plural=False) == "applies to the arm"
    assert singular_verb("further include treating X") == "further includes treating X"
    assert singular_verb("are carried out") == "is carried out"


def test_a_participle_that_says_what_an_element_is_is_no_step():
    claims = "1. A method of making an electrode, comprising: printing an electrode structure on a substrate."
    for sentence in ("In some embodiments, the electrode structure is formed of nickel.",
                     "In some embodiments, the electrode structure is configured to carry a current.",
                     "In some embodiments, the electrode structure is selected from the group consisting of A, B, and C."):
        texts = [s.text for s in suggest(claims, [(0, sentence)])]
        assert not any("further comprising" in t for t in texts), (sentence, texts)
    # an apparatus claim gets the statement, never a step
    texts = [s.text for s in suggest("1. An electrode comprising an electrode structure on a substrate.",
                                     [(0, "In some embodiments, the electrode structure may be heated to 600 C.")])]
    assert texts and not any("heating" in t for t in texts), texts


def test_a_long_markush_group_is_kept_whole():
    members = [f"compound {name}" for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                                               "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho",
                                               "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega")] * 2
    group = ", ".join(members[:-1]) + ", and " + members[-1]
    sentence = f"In some embodiments, the additive is selected from the group consisting of {group}."
    assert len(sentence) > 600
    texts = [s.text for s in suggest("1. A composition comprising a binder and an additive.", [(0, sentence)])]
    assert f"The composition of claim 1, wherein the additive is selected from the group consisting of {group}." in texts


def test_what_the_claim_already_says_is_no_suggestion():
    claims = ("1. A method, comprising: generating a first graph based on volume data, wherein the first graph comprises "
              "nodes arranged in a Euclidean space; and determining a deformation field based on the volume data.")
    description = [(0, "In some embodiments, the first graph comprises nodes arranged in a Euclidean space."),
                   (1, "In some embodiments, the deformation field may be determined based on the volume data."),
                   (2, "In some embodiments, the first graph comprises nodes arranged in a spherical space.")]
    assert [s.text for s in suggest(claims, description)] == [
        "The method of claim 1, wherein the first graph comprises nodes arranged in a spherical space."]


def test_statements_of_purpose_are_no_claims():
    out = suggest("1. A recombinant microorganism comprising a vector and a promoter.",
                  [(0, "An object of the present invention is to provide a recombinant microorganism with a vector."),
                   (1, "The goal of the vector is to carry the promoter into the cell.")])
    assert out == []


def test_passive_steps_only_where_a_step_is_said():
    claims = "1. A method of treating a substrate, comprising: heating a substrate; and applying a coating to the substrate."
    for sentence in ("In some embodiments, heating the substrate may be performed at 50 C.",
                     "In some embodiments, the coating can be encapsulated silica particles.",
                     "In some embodiments, the coating is dried, and the substrate is then cooled.",
                     "In some embodiments, the coating is followed by a sealing layer."):
        texts = [s.text for s in suggest(claims, [(0, sentence)])]
        assert not any(re.search(r"further comprising (?:performing|encapsulating|drying|following)", t) for t in texts), (
            sentence, texts)
    texts = [s.text for s in suggest(claims, [(0, ("In some embodiments, the coating is freed from the substrate by "
                                                  "soaking."))])]
    assert "The method of claim 1, further comprising freeing the coating from the substrate by soaking." in texts


def test_a_device_gets_no_step_and_articles_follow_the_sound():
    device = "1. A device comprising: a housing; and a latch coupled to the housing."
    for sentence in ("Another embodiment further includes heating the housing.",
                     "In Example 7, the subject matter of Example 1 optionally includes heating the housing."):
        assert not [s.text for s in suggest(device, [(0, sentence)]) if "heating" in s.text], sentence
    texts = [s.text for s in suggest(device, [(0, ("In some embodiments, the user interface may be coupled to the "
                                                  "housing.")),
                                             (1, "In some embodiments, the housing includes the upper plate.")])]
    assert "The device of claim 1, further comprising a user interface coupled to the housing." in texts, texts
    assert "The device of claim 1, wherein the housing includes an upper plate." in texts, texts


def test_a_further_step_keeps_its_own_wherein_in_the_limitation():
    out = suggest("1. A method comprising: receiving a signal; and sampling the signal with a clock.",
                  [(0, ("In some embodiments, the method may further comprise: filtering the signal; and storing the "
                       "signal."))])
    further = next(s for s in out if s.text.startswith("The method of claim 1, further comprising"))
    assert further.limitation == further.text.split("claim 1, ", 1)[1].rstrip(".")


def test_conditions_are_not_dropped():
    """ "When the lid is open, the lamp is lit" does not disclose a lamp that is lit: no suggestion."""
    out = suggest("1. A lamp assembly comprising a lid and a lamp.",
                  [(0, "When the lid is open, the lamp is lit."), (1, "If the lid is closed, the lamp may be off.")])
    assert out == []


# US6530116B2 (corpus sample): claim 16 names a housing but no lid; the description's housing has a
# shoulder meeting "a mating shoulder of the lid", and says more of the lid
VACUUM_CLAIM = (
    "16. A vacuum cleaner comprising: a housing having a housing passage with a passage inlet; and a blower adapted "
    "to be used separately from the housing, the blower having a blower housing with a blower inlet, a blower "
    "outlet, and defining a blower passage between the blower inlet and the blower outlet, an impeller disposed in "
    "the blower passage to move air between the blower inlet and the blower outlet and a motor mounted to the "
    "blower housing and coupled to the impeller to move the impeller, the blower detachably secured to the housing "
    "with the blower outlet disposed in communication with the passage inlet such that air entering the passage "
    "inlet from the blower outlet moves in a first direction, the housing passage constructed to substantially "
    "limit the movement of the air in the first direction at least in a section of the passage adjacent the passage "
    "inlet.\n"
)
VACUUM_DESCRIPTION = [
    (21, ("The lid 30 also includes a lid passage 40 having a lid passage inlet 42 and lid passage outlets 44 (one "
          "shown in FIG. 2, both shown in FIG. 8).")),
    (35, ("The housing 114 further includes a shoulder 128 which cooperates with a mating shoulder 130 of the lid 30 "
          "to form a substantially air-tight seal 132 between the lid 30 and the blower 34.")),
]


def test_a_suggestion_about_an_element_another_suggestion_introduces_depends_on_it():
    out = suggest(VACUUM_CLAIM, VACUUM_DESCRIPTION)
    texts = [s.text for s in out]
    assert texts == [
        ("The vacuum cleaner of claim 16, wherein the housing includes a shoulder which cooperates with a mating "
         "shoulder of a lid to form a substantially air-tight seal between the lid and the blower."),
        ("The vacuum cleaner of claim 17, wherein the lid includes a lid passage having a lid passage inlet and lid "
         "passage outlets."),
    ], texts
    shoulder, lid = out
    assert (shoulder.number, shoulder.parent, shoulder.root) == (17, 16, 16)
    assert (lid.number, lid.parent, lid.root) == (18, 17, 16) and lid.element == "lid"
    assert lid.to_json()["root"] == 16 and shoulder.to_json()["root"] == 16
    # the new claim set passes the antecedent-basis and dependency checks through the chain
    result = check_text(VACUUM_CLAIM + "".join(f"{s.number}. {s.text}\n" for s in out),
                        select=("AB001", "AB003", "CD", "CF001", "CN"))
    assert result.findings == []


def test_suggestions_that_depend_on_a_suggestion_count_among_its_claims_ten():
    """A chained suggestion takes one of the `per_claim` places of its independent claim; the element
    it refines is told once (no "further comprising a cover that is hinged" next to "wherein the
    cover is hinged")."""
    description = [*DESCRIPTION, (5, "The cover 30 may be made of a transparent plastic."),
                   (6, "In some embodiments, the cover is hinged to the housing.")]
    out = suggest(CLAIMS, description, summary_paragraphs=[1])
    cover = next(s for s in out if s.text.endswith("further comprising a cover attached to the housing."))
    chained = [s for s in out if s.parent != s.root]
    assert {s.text for s in chained} == {
        f"The latch assembly of claim {cover.number}, wherein the cover is hinged to the housing.",
        f"The latch assembly of claim {cover.number}, wherein the cover is made of a transparent plastic.",
    }
    assert all(s.number > cover.number and s.root == 1 for s in chained)
    assert not any("further comprising a cover that" in s.text for s in out)
    result = check_text(CLAIMS + "".join(f"{s.number}. {s.text}\n" for s in out), select=("AB001", "AB003", "CD", "CN"))
    assert result.findings == []
    assert len(suggest(CLAIMS, description, summary_paragraphs=[1], per_claim=3)) == 3


def test_suggest_api_chained_suggestion(api):
    """A suggestion depending on another suggestion: `parent` is that suggestion's number, `root` the
    independent claim."""
    caller = api.caller()
    description = "\n".join(text for _, text in VACUUM_DESCRIPTION)
    response = api.client.post(SUGGEST, headers=caller.headers,
                               json={"claims": VACUUM_CLAIM, "description": description})
    assert response.status_code == 200, response.text
    got = [(s["number"], s["parent"], s["root"]) for s in response.json()["suggestions"]]
    assert got == [(17, 16, 16), (18, 17, 16)]
    assert response.json()["suggestions"][1]["claim"].startswith("18. The vacuum cleaner of claim 17, wherein the lid")


# openings and frames around what the description says: (claims, description sentence, the suggestion expected)
OPENINGS = [
    # a hedge naming the aspects it belongs to, their ordinals listed with commas
    ("1. A method comprising administering an inhibitor to a patient.",
     "In one embodiment of the first, second, third or fourth aspect, the patient is a mammal.",
     "The method of claim 1, wherein the patient is a mammal."),
    ("1. A kit comprising a plurality of antibodies and a buffer.",
     "In certain embodiments of the kit of the sixth, seventh and eighth aspects, the buffer is a phosphate buffer.",
     "The kit of claim 1, wherein the buffer is a phosphate buffer."),
    # no comma after the hedge
    ("1. A composition comprising a plurality of antibodies and a carrier.",
     "In certain embodiments the antibodies are visually detectable.",
     "The composition of claim 1, wherein the antibodies are visually detectable."),
    # two hedges joined ("additionally or alternatively"), a hedge that refers to the other features
    ("1. A method comprising: receiving a message; and encrypting the message.",
     "Additionally or alternatively, the message may be padded with zeros.",
     "The method of claim 1, wherein the message is padded with zeros."),
    ("1. A method comprising: obtaining a voice sample; and determining a location of a speaker.",
     "In addition to one or more of the features described herein, the speaker is a driver of a vehicle.",
     "The method of claim 1, wherein the speaker is a driver of a vehicle."),
    ("1. A titanium alloy comprising aluminum, tin and a balance of titanium.",
     ("In accordance with a tenth non-limiting aspect of the present disclosure, which may be used in combination with "
      "each or any of the above-mentioned aspects, the tin is present at 1.5 to 2.5 percent by weight."),
     "The titanium alloy of claim 1, wherein the tin is present at 1.5 to 2.5 percent by weight."),
    # numbered examples written like claims: "optionally include <step>" adds the step, "wherein X" says X
    ("1. A method comprising: receiving an image of a printed object; and identifying a defect in the image.",
     ("In Example 12, the subject matter of any one or more of Examples 1-11 optionally include comparing the defect "
      "to a compliance threshold."),
     "The method of claim 1, further comprising comparing the defect to a compliance threshold."),
    ("1. A method comprising: receiving an image of a printed object; and identifying a defect in the image.",
     ("In Example 2, the subject matter of Example 1 optionally includes wherein identifying the defect includes "
      "applying a threshold to the image."),
     "The method of claim 1, wherein identifying the defect comprises applying a threshold to the image."),
    ("1. A method comprising: receiving an image of a printed object; and identifying a defect in the image.",
     "Example 5 includes the method of Example 4, wherein the image is a thermal image.",
     "The method of claim 1, wherein the image is a thermal image."),
    ("1. A method comprising: receiving an image of a printed object; and identifying a defect in the image.",
     "Example 17 includes the method of any of Examples 12-16, further including storing the image in a memory.",
     "The method of claim 1, further comprising storing the image in a memory."),
    # "... to optionally include the catalyst system further comprising X" says "the catalyst system comprises X"
    ("1. A process comprising contacting a feed with a catalyst system.",
     ("EMBODIMENT 16 can include, or can optionally be combined with, the subject matter of one or any combination of "
      "EMBODIMENTS 1-15, to optionally include the catalyst system further comprising a hydrogenation component."),
     "The process of claim 1, wherein the catalyst system comprises a hydrogenation component."),
    ("1. A process comprising contacting a feed with a catalyst system.",
     ("EMBODIMENT 13 can include, or can optionally be combined with, the subject matter of one or any combination of "
      "EMBODIMENTS 1-12, to optionally include the contacting being performed at a pressure of 2 bar."),
     "The process of claim 1, wherein the contacting is performed at a pressure of 2 bar."),
    # a decimal value after a verb is no reference numeral ("includes 5.5")
    ("1. A composition comprising an alloy and a binder.",
     "In some embodiments, the binder includes 5.5 percent wax.",
     "The composition of claim 1, wherein the binder includes 5.5 percent wax."),
    # embodiments numbered like claims
    ("1. A battery comprising an anode material and an electrolyte composition.",
     "A battery according to any of the preceding embodiments where the anode material is Mg52Ni39Co6Mn3.",
     "The battery of claim 1, wherein the anode material is Mg52Ni39Co6Mn3."),
    ("1. A method comprising providing light-emitting particles to a sample.",
     "The method according to any of embodiments 17-18, further comprising functionalizing the light-emitting particles.",
     "The method of claim 1, further comprising functionalizing the light-emitting particles."),
    ("1. A method comprising providing light-emitting particles to a sample.",
     "Embodiments of the method include coating the light-emitting particles with a polymer.",
     "The method of claim 1, further comprising coating the light-emitting particles with a polymer."),
    # a summary's list of features ("Implementations may include one or more of the following features.")
    ("1. A system comprising a membrane and a sensing surface.",
     "The system where the membrane is a polymer matrix.",
     "The system of claim 1, wherein the membrane is a polymer matrix."),
    # "There is provided X"
    ("1. A kit comprising a buffer and a polymerase.",
     "There is also provided herein a kit further comprising a reverse transcriptase.",
     "The kit of claim 1, further comprising a reverse transcriptase."),
    # a leading "wherein"
    ("1. A method comprising: amplifying molecules; and purifying the fragments.",
     "Preferably, wherein the step of purifying the fragments comprises dissociating the fragments from the beads.",
     "The method of claim 1, wherein purifying the fragments comprises dissociating the fragments from beads."),
    # an opener without its comma
    ("1. A classifier comprising a discriminator function and a memory.",
     "In one embodiment the discriminator function comprises at least one trained classifier.",
     "The classifier of claim 1, wherein the discriminator function comprises at least one trained classifier."),
    ("1. A method comprising: seeding cells on a porous scaffold; and culturing the cells.",
     "In any of the embodiments described herein, the porous scaffold may comprise an extracellular matrix.",
     "The method of claim 1, wherein the porous scaffold comprises an extracellular matrix."),
    # summaries that restate the claims
    ("1. A method comprising: training a first neural network; and storing the first neural network.",
     ("In some aspects, the techniques described herein relate to a method, wherein training the first neural network "
      "includes optimizing a temporal classification objective function."),
     ("The method of claim 1, wherein training the first neural network comprises optimizing a temporal classification "
      "objective function.")),
    ("1. A method comprising: clustering tokens into cluster-token sequences; and storing the sequences.",
     ("In some aspects, the techniques described herein relate to a computer-implemented method, including performing "
      "a deduplication operation on the cluster-token sequences."),
     "The method of claim 1, further comprising performing a deduplication operation on the cluster-token sequences."),
    ("1. A method comprising: receiving a text; and simplifying the text.",
     ("Some examples of the method, apparatus, non-transitory computer readable medium, and system described above "
      "further include computing an entailment score for the text."),
     "The method of claim 1, further comprising computing an entailment score for the text."),
    ("1. A method comprising: heating an active element; and measuring a light output of the active element.",
     "The method of any preceding or following implementation, further comprising cooling the active element.",
     "The method of claim 1, further comprising cooling the active element."),
    ("1. A system comprising: a processor; and a display coupled to the processor.",
     "Some examples of the system described above further include a network interface coupled to the processor.",
     "The system of claim 1, further comprising a network interface coupled to the processor."),
    ("1. A device comprising: a housing; and a lid attached to the housing.",
     "In some embodiments of the device the lid is made of glass.",
     "The device of claim 1, wherein the lid is made of glass."),
]


def test_restated_claims_of_another_category_or_the_claim_itself_give_nothing():
    claims = "1. A method comprising: receiving a request; determining a response to the request; and transmitting the response."
    for sentence in [
        # another category than the one claimed
        "In some aspects, the techniques described herein relate to a system, further including a display configured to show the response.",
        "Some examples of the system described above further include a network interface coupled to the processor.",
        # a bare ", including" that restates the independent claim, not a step added to it
        ("In some aspects, the techniques described herein relate to a method, including receiving a request from a "
         "client device and transmitting a response to the client device."),
        "In some aspects, the techniques described herein relate to a method, including: receiving a request; and replying.",
    ]:
        assert suggest(claims, [(0, sentence)]) == [], sentence


def test_frames_that_are_not_claims_are_not_read_as_claims():
    claims = "1. A method comprising: receiving an image of a printed object; and identifying a defect in the image."
    for sentence in ("Example 1 is a method comprising receiving an image and identifying a defect.",
                     "Some embodiments include methods of identifying a defect in the image.",
                     "Embodiments further include a method of printing the object."):
        assert not [s.text for s in suggest(claims, [(0, sentence)])], sentence


IMPLANT_CLAIM = "1. An implantable system comprising an implant and a membrane surrounding the implant.\n"


def test_a_plural_element_the_claim_does_not_name():
    """ "In some embodiments, the cells can be encapsulated islet cells." adds cells ("a plurality of"); said of
    cells another suggestion introduces, it depends on that one, but not on one that introduces "a cell"."""
    out = suggest(IMPLANT_CLAIM, [(0, "In some embodiments, the cells can be encapsulated islet cells.")])
    assert [s.text for s in out] == [
        "The implantable system of claim 1, further comprising a plurality of cells that are encapsulated islet cells."]
    description = [(0, ("In some embodiments, the implantable system further comprises a plurality of cells within "
                        "the implant.")), (1, "The cells may be encapsulated islet cells.")]
    out = suggest(IMPLANT_CLAIM, description)
    assert [(s.number, s.parent, s.root, s.text) for s in out] == [
        (2, 1, 1, "The implantable system of claim 1, further comprising a plurality of cells within the implant."),
        (3, 2, 1, "The implantable system of claim 2, wherein the cells are encapsulated islet cells."),
    ]
    result = check_text(IMPLANT_CLAIM + "".join(f"{s.number}. {s.text}\n" for s in out), select=("AB001", "AB003", "CD"))
    assert result.findings == []
    single = [(0, "In some embodiments, the implantable system further comprises a cell within the implant."),
              (1, "The cells may be encapsulated islet cells.")]
    assert [s.parent for s in suggest(IMPLANT_CLAIM, single)] == [1]
    # a plural subject said without "in some embodiments" is no new element ("the inventors have found ...")
    assert suggest(IMPLANT_CLAIM, [(0, "The cells may be encapsulated islet cells.")]) == []


def test_words_that_only_look_like_symbols_or_steps_give_nothing():
    # an abbreviation before a noun, a function "A(t)" whose parenthetical goes, an adjective in "-ing"
    claims = ("1. A method comprising: acquiring MR data with a coil; computing A(t) and B(t); and integrating "
              "superconducting circuits on a substrate.")
    for sentence in ("MR images may be generated using magnitude data observed by the coil.",
                     "In some embodiments, A(t) and B(t) can change over time.",
                     "In some embodiments, superconducting circuits is integrated on top of the substrate."):
        texts = [s.text for s in suggest(claims, [(0, sentence)])]
        assert not any(re.search(r"wherein (?:MR|A and B|superconducting)\b", t) for t in texts), (sentence, texts)


def test_lexicon_tokens_and_file_format():
    tokens = list(candidate_tokens(element="housing", limitation="the housing is made of aluminium",
                                   sentence="In some embodiments, the housing 12 is made of aluminium.", kind="wherein"))
    assert {"u:housing", "b:made_of", "o:in_some_embodiments", "o1:in", "k:wherein", "e:housing", "p:is_made",
            "s:embodiments"} <= set(tokens)
    assert "s:housing" not in tokens  # (a word of the limitation is no "other word of the sentence")
    lexicon = DependentLexicon({"b:made_of": 1.25, "u:aluminium": 0.5}, bias=-1.0)
    assert DependentLexicon.from_json(lexicon.to_json()) == lexicon
    assert lexicon.score(element="housing", limitation="the housing is made of aluminium", sentence="x",
                         kind="wherein") == 0.75
    with pytest.raises(ValueError, match="not a dependent-claim lexicon"):
        DependentLexicon.from_json({"weights": {}})
    with pytest.raises(ValueError, match="not a finite number"):
        DependentLexicon.from_json({**lexicon.to_json(), "weights": {"u:steel": float("inf")}})


def test_the_lexicon_moves_the_ranking():
    plain = [s.limitation for s in suggest(CLAIMS, DESCRIPTION)]
    assert plain[0] != "the lever is made of plastic"
    lexicon = DependentLexicon({"u:plastic": 50.0})
    assert suggest(CLAIMS, DESCRIPTION, lexicon=lexicon)[0].limitation == "the lever is made of plastic"
    assert sorted(plain) == sorted(s.limitation for s in suggest(CLAIMS, DESCRIPTION, lexicon=lexicon))


def test_the_shipped_lexicon_reads_claim_language():
    lexicon = load_dependent_lexicon(DEFAULT_DEPENDENT_LEXICON)
    assert len(lexicon.weights) > 1_000

    def score(limitation: str, sentence: str, kind: str = "wherein") -> float:
        return lexicon.score(element="layer", limitation=limitation, sentence=sentence, kind=kind)

    # said of one embodiment and in claim words, against a remark on what the layer is good for
    assert score("the layer is selected from the group consisting of silica, alumina, and titania",
                 "In some embodiments, the layer is selected from the group consisting of silica, alumina, and titania.") > \
        score("the layer is a good choice for many users", "Thus the layer is a good choice for many users.")


def test_the_service_uses_the_configured_lexicon(tmp_path, caplog):
    description = "\n".join(text for _, text in DESCRIPTION)
    path = tmp_path / "lexicon.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(DependentLexicon({"u:plastic": 50.0}).to_json(), f)
    first = suggest_dependent(claims=CLAIMS, description=description,
                              settings=Settings(data_dir=tmp_path, assist_dependent_lexicon=path))["suggestions"][0]
    assert first["limitation"] == "the lever is made of plastic"
    # not gzip; gzip with a damaged body; truncated; a weight that is no number
    shipped = DEFAULT_DEPENDENT_LEXICON.read_bytes()
    damaged = shipped[:200] + bytes(b ^ 0x5A for b in shipped[200:260]) + shipped[260:]
    nan = gzip.compress(json.dumps({**DependentLexicon({"u:plastic": 1.0}).to_json(), "bias": "nan"}).encode())
    for name, content in [("not-gzip", b"not gzip"), ("damaged", damaged), ("truncated", shipped[: len(shipped) // 2]),
                          ("nan", nan)]:
        broken = tmp_path / f"{name}.json.gz"
        broken.write_bytes(content)
        caplog.clear()
        with caplog.at_level("WARNING", logger="patentpane.assistant"):
            suggestions = suggest_dependent(claims=CLAIMS, description=description,
                                            settings=Settings(data_dir=tmp_path, assist_dependent_lexicon=broken))
        assert suggestions["suggestions"] and "no dependent-claim lexicon" in caplog.text, name
