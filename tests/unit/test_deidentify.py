"""The de-identification check against a corpus of what must and must not be flagged.

Measured on this corpus: every identifying example caught (all 12 kinds, 37 examples), and 2 of 57
harmless sentences flagged (3.5%; the limit is 1 in 5). docs/decisions.md records the figure.
"""

import subprocess
import sys

import pytest

from carecoord import deidentify
from carecoord.deidentify import KINDS, check, unresolved

# (text, {(span, kind), ...}): each span must be flagged, as that kind.
IDENTIFYING = [
    # dates of birth and full dates
    ("She was born on March 14, 2016 and came home in June.", {("March 14, 2016", "birth_date")}),
    ("Her DOB is 03/14/2016, which I must have written a thousand times.", {("03/14/2016", "birth_date")}),
    ("Her birthday is 3rd of May, so we always celebrate in the ward.", {("3rd of May", "birth_date")}),
    ("Date of birth: 2016-03-14.", {("2016-03-14", "birth_date")}),
    ("We finally came home on 2 June 2017.", {("2 June 2017", "date")}),
    ("She came home on 12/06/2018, three days before Christmas.", {("12/06/2018", "date")}),
    ("On October 3rd she had her first seizure at breakfast.", {("October 3rd", "date")}),
    # phone numbers
    ("Call me on (555) 123-4567 or on 555-1234 at work.", {("(555) 123-4567", "phone"), ("555-1234", "phone")}),
    ("Her mum's mobile is 07700 900123 if the school needs her.", {("07700 900123", "phone")}),
    ("Call the ward on +44 20 7405 9200 and ask for the charge nurse.", {("+44 20 7405 9200", "phone")}),
    # e-mail and web addresses
    ("Write to maria.lopez@gmail.com any time.", {("maria.lopez@gmail.com", "email")}),
    ("Email the team at complexcare@stlukes.org if she gets worse.", {("complexcare@stlukes.org", "email")}),
    ("Our blog is https://www.ourlittlewarrior.org/posts and the fundraiser is gofundme.com/f/help-maria.",
     {("https://www.ourlittlewarrior.org/posts", "web"), ("gofundme.com/f/help-maria", "web")}),
    ("I posted updates on www.caringbridge.org every night.", {("www.caringbridge.org", "web")}),
    # street addresses and postcodes
    ("We live at 12 Maple Street, two doors from the bus stop.", {("12 Maple Street", "address")}),
    ("Back then we were on Elm Avenue, up three flights of stairs.", {("Elm Avenue", "address")}),
    ("The equipment went to Apt 4B instead of our house.", {("Apt 4B", "address")}),
    ("Our postcode was SW1A 1AA back then.", {("SW1A 1AA", "postcode")}),
    ("The pharmacy only delivered to ZIP code 62704.", {("62704", "postcode")}),
    ("Our Canadian address ended in K1A 0B1.", {("K1A 0B1", "postcode")}),
    # record, insurance and ID numbers
    ("Her MRN is 00482913 and I know it by heart.", {("00482913", "record")}),
    ("Her Medicaid ID: XJH123456789 was wrong on every form.", {("XJH123456789", "record")}),
    ("His social security number 123-45-6789 was on the form.", {("123-45-6789", "record")}),
    ("Her insurance member ID is BCX 448812 on the card.", {("BCX 448812", "record")}),
    # personal names
    ("We finally got an appointment with Dr. Patel at the clinic.", {("Patel", "name")}),
    ("My husband Carlos stayed with Maria Lopez overnight.", {("Carlos", "name"), ("Maria Lopez", "name")}),
    ("I still remember Dr Hannah Kowalski sitting on the floor with us.", {("Hannah Kowalski", "name")}),
    ("Aunt Rosa drove us to every appointment that winter.", {("Rosa", "name")}),
    ("Maria loves music. Every morning I sing to Maria before school.", {("Maria", "name")}),
    ("Ms Okafor, the school nurse, changed everything for us.", {("Okafor", "name")}),
    # named schools, hospitals and towns
    ("She started kindergarten at Lincoln Elementary School that fall.", {("Lincoln Elementary School", "school")}),
    ("The teacher at Oakwood Academy learned to use her suction machine.", {("Oakwood Academy", "school")}),
    ("She was transferred to Mercy Children's Hospital at midnight.", {("Mercy Children's Hospital", "hospital")}),
    ("St Mary's Hospital was our second home for a year.", {("St Mary's Hospital", "hospital")}),
    ("We drove three hours to Boston Children's Hospital every month.",
     {("Boston Children's Hospital", "hospital")}),
    ("We moved from Springfield when she was two.", {("Springfield", "place")}),
    ("Our flat in Leeds had no lift, so we carried her chair up four floors.", {("Leeds", "place")}),
]

HARMLESS = [
    "She was born at 24 weeks and weighed 650 grams.",
    "By the time she was two, we had eleven specialists, three therapists and a home nurse.",
    "The neurologist at the children's hospital changed her Keppra dose twice in March.",
    "Her IEP team met in May and agreed to a one-to-one aide.",
    "The NICU nurses taught us to change the trach ties.",
    "Early Intervention came to the house twice a week until she turned three.",
    "EI ended the week she turned three, and preschool had not started.",
    "She started Onfi when she was 18 months old.",
    "The prior authorization for Epidiolex took six weeks and four phone calls.",
    "Medicaid covered most of the cost, but the Katie Beckett waiver took a year.",
    "Her weight went from 2.1 kg to 9.8 kg in her first year.",
    "By Christmas we were home, with oxygen, a feeding pump and a pulse oximeter.",
    "When she turned 18, she signed her own consent forms for the first time.",
    "We used MyChart to message the team, but nobody read it on Fridays.",
    "In 2019 she had her fundoplication and a G-tube.",
    "Her sats dropped to 82% on room air, so we went to the ED.",
    "Our GP had never looked after a child on a ventilator.",
    "I learned to say \"I am her mother and I know her best\".",
    "Her Spanish-speaking grandmother came to every IEP meeting with us.",
    "The Complex Care team finally gave us one number to call.",
    "She has Lennox-Gastaut syndrome and uses a wheelchair.",
    "Dravet syndrome means every fever is an emergency for us.",
    "We kept a binder with her medication list, the seizure action plan and every discharge summary.",
    "## The day we came home",
    "The Ronald McDonald House kept us going for four months.",
    "On Tuesday the physical therapist came at 3:30 and stayed an hour.",
    "Our care coordinator, who had a son with cerebral palsy herself, understood.",
    "We had 14 appointments in 6 weeks across 3 hospitals.",
    "\"We can do this,\" my husband said, and we did.",
    "I called the insurance company 27 times about the wheelchair.",
    "Then the school nurse said: Nobody told us about her seizure plan.",
    "Down syndrome was the least of our worries that first year.",
    "The Family Voices chapter connected us with another mother.",
    "Respite nurses came 40 hours a week, when they came at all.",
    "Her blood pressure was 120/80 and her temperature 38.5 degrees for three days.",
    "We drove 45 minutes each way to physical therapy, three times a week.",
    "Her PICU stay lasted 19 days and she came out on BiPAP at night.",
    "The SLP and the OT finally met in the same room in September.",
    "The school wrote an EHCP with her, and the SENCO read every word of it.",
    "Our son asked why the Ativan made her so sleepy after a cluster.",
    # Written after the rules above were tuned, and kept whatever the result (two are still flagged).
    "After her Occupational Therapist left, nobody updated the plan.",
    "We met the Head of Nursing to talk about night staffing.",
    "The Parent Advisory Council asked me to speak about respite.",
    "She watched Frozen every single night in the PICU.",  # flagged: a film title looks like a name
    "My mother flew in from Nigeria to help for the first month.",
    "We used a Tobii eye-gaze device to help her say yes and no.",
    "Her Trilogy ventilator alarms sounded like a smoke detector.",
    "Her Grandad taught her to wave before she could sit up.",
    "The Wheelchair Services assessment took nine months to arrange.",
    "We spent Thanksgiving in the step-down unit, with paper turkeys on the door.",
    "The Continuing Care nurse assessed her at home in the end.",
    "Every Friday the dietitian phoned to check her weight and feeds.",
    "She loved Peppa Pig and the sound of the suction machine, in that order.",  # flagged, as above
    "Our coordinator sent the updated plan to the school, the GP and the pharmacy.",
    "I kept a seizure diary on my phone and printed it for every clinic.",
    "Night nursing was cancelled at short notice more often than not.",
    "The Blue Badge finally arrived the week she got her new chair.",
]


def flagged(text: str) -> set[tuple[str, str]]:
    return {(flag.text, flag.kind) for flag in check(text)}


@pytest.mark.parametrize(("text", "expected"), IDENTIFYING, ids=[t[:40] for t, _ in IDENTIFYING])
def test_identifying_details_are_flagged_as_their_kind(text, expected):
    assert expected <= flagged(text)


def test_the_corpus_covers_every_identifier_class_and_each_is_caught():
    covered = {kind for _, expected in IDENTIFYING for _, kind in expected}
    assert covered == set(KINDS)
    caught = {kind for text, expected in IDENTIFYING for span, kind in expected if (span, kind) in flagged(text)}
    assert caught == set(KINDS)
    assert len(IDENTIFYING) + len(HARMLESS) >= 40


def test_harmless_sentences_false_positive_rate_is_at_most_one_in_five():
    false_positives = [text for text in HARMLESS if check(text)]
    rate = len(false_positives) / len(HARMLESS)
    print(f"\nde-identification false-positive rate: {len(false_positives)}/{len(HARMLESS)} = {rate:.1%}: "
          f"{false_positives}")
    assert len(HARMLESS) >= 20
    assert rate <= 0.2, false_positives
    assert len(false_positives) <= 2  # what we measured (2 of 57); more means a rule or the allow-list regressed


def test_care_acronyms_services_and_medicines_are_allow_listed():
    assert check("At the NICU follow-up the IEP, EI and Medicaid paperwork came up, and her Keppra dose.") == []


def test_a_sentence_initial_word_is_a_name_only_when_also_capitalised_mid_sentence():
    assert check("Maria cried all night. Nobody slept.") == []
    flags = check("Maria cried all night. Nobody slept until I held Maria.")
    assert [(f.text, f.kind, f.count) for f in flags] == [("Maria", "name", 2)]


def test_words_in_headings_follow_the_sentence_initial_rule():
    assert check("## Coming Home With Oxygen\n\nIt was a long winter.") == []
    assert [f.text for f in check("## Meeting Gabriel\n\nThen Gabriel smiled.")] == ["Gabriel"]


def test_identical_spans_are_one_flag_resolved_once():
    text = "We saw Dr Okafor on Monday. Dr Okafor listened. Later Dr Okafor called back."
    flags = check(text)
    assert [(f.text, f.count) for f in flags] == [("Okafor", 3)]
    assert unresolved(flags, ["Okafor"]) == []
    assert unresolved(flags, ["Rosa"]) == flags


def test_a_flag_says_why_and_what_to_do_with_context():
    flag = check("She goes to Lincoln Elementary School now, on the bus.")[0]
    assert flag.label == "Named school"
    assert "small community" in flag.reason
    assert "her school" in flag.suggestion
    assert "Lincoln Elementary School now" in flag.context


def test_possessives_and_conditions_named_after_people():
    assert [f.text for f in check("We sat in Maria's kitchen.")] == ["Maria"]
    assert check("She has Hirschsprung's disease and Crohn's too.") == []
    assert check("We were told it was Sotos syndrome.") == []  # not on the list: the pattern decides


def test_numbers_that_are_measurements_are_not_identifiers():
    assert check("She needs 10000 steps, 2.5 mg twice daily, 1-2 L of oxygen and 24/7 care.") == []


def test_a_long_story_is_checked_in_reasonable_time():
    body = ("Rosa was home with Dr Okafor's plan and her Keppra; I told Rosa about it. " * 300)[:20_000]
    flags = deidentify.check(body)
    assert {f.text for f in flags} == {"Okafor", "Rosa"}


def test_the_worked_examples_are_flagged_exactly_as_they_were():
    # The patterns were rewritten to run in linear time (below); what they find in real text is unchanged.
    for text, expected in IDENTIFYING:
        assert flagged(text) == expected, text
    assert {text: flagged(text) for text in HARMLESS if check(text)} == {
        "She watched Frozen every single night in the PICU.": {("Frozen", "name")},
        "She loved Peppa Pig and the sound of the suction machine, in that order.": {("Peppa Pig", "name")},
    }


# ---------------------------------------------------------------- hostile text

HOSTILE_LENGTH = 20_000  # the story body's bound, about what My stories and Story review check on every run
HOSTILE_BOUND_S = 1.0  # each took 0.01 to 0.15 s when written; before, up to 16 s, or days (bench/README.md)


def hostile(unit: str, prefix: str = "", suffix: str = "") -> str:
    text = prefix + unit * (HOSTILE_LENGTH // len(unit) + 1)
    return text[: HOSTILE_LENGTH - len(suffix)] + suffix


HOSTILE = {
    "a. repeated": hostile("a."),  # the bare web-address pattern tried every start again
    "1. repeated": hostile("1."),
    "a- repeated": hostile("a-"),
    "-a. repeated": hostile("-a."),
    "long host labels": hostile("a-" * 31 + "a."),
    "one run of letters": hostile("a"),  # the e-mail pattern scanned the run from every letter
    "http:// then letters": hostile("a", prefix="http://"),
    "@ repeated": hostile("@"),
    "a@ repeated": hostile("a@"),
    "MRN then spaces": hostile(" ", prefix="MRN", suffix="x"),  # three \s* in a row: cubic
    "ID then spaces": hostile(" ", prefix="ID", suffix="x"),
    "born then spaces": hostile(" ", prefix="born", suffix="x"),
    "a:A repeated": hostile("a:A"),  # each name candidate walked back over the whole word
    "|A repeated": hostile("|A"),
    "digits then sentences": hostile(". Aa", prefix="1" * 10_000),  # the list-marker test re-read the line
    "( then a:A": hostile("a:A", prefix="(" * 10_000),
}

_TIMED = """
import sys, time
from carecoord.deidentify import check
text = sys.stdin.read()
start = time.perf_counter()
check(text)
print(time.perf_counter() - start)
"""


@pytest.mark.parametrize("shape", HOSTILE)
def test_the_check_stays_fast_on_hostile_text(shape):
    """Timed in a child process: the regex engine cannot be interrupted, so a pattern gone catastrophic
    would hang the suite instead of failing this test."""
    text = HOSTILE[shape]
    assert len(text) == HOSTILE_LENGTH
    try:
        done = subprocess.run([sys.executable, "-c", _TIMED], input=text, capture_output=True, text=True,
                              timeout=HOSTILE_BOUND_S + 10, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"checking {shape!r} did not finish in {HOSTILE_BOUND_S + 10:.0f} s")
    assert float(done.stdout) < HOSTILE_BOUND_S, f"checking {shape!r} took {float(done.stdout):.2f} s"
