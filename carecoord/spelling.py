"""British and American spellings folded to one form, so a search for either finds both.

FTS5's porter stemmer reduces "coordinating" and "coordinated" to one stem, but leaves
"authorisation" and "authorization" apart. `fold()` runs on every word before it is indexed and on
every word of a query, so it only has to be consistent, not to produce a real word: "organise" and
"organize" both become "organize"; "size" stays "size" (it is spelled so everywhere).

Rules, not a dictionary of every word: the -ise/-isation family (with a list of words that end in
-ise in both spellings), -yse, the Greek-Latin ae/oe of medicine, -our, -re, -ogue, doubled l
before a suffix, and a short list of single words. Each rule names the words it was written for.
"""

from __future__ import annotations

import re

# Words spelled -ise on both sides of the Atlantic: never folded to -ize.
_ISE_BOTH = frozenset("""
advise adviser advised advises advising advisory arise arises arising chastise circumcise comprise comprised
comprises comprising compromise compromised compromises compromising concise demise despise devise devised
devises devising disguise enterprise excise exercise exercised exercises exercising expertise franchise
improvise merchandise noise otherwise paradise poise praise precise premise premises promise promised promises
promising raise raised raises raising revise revised revises revising rise rises rising supervise supervised
supervises supervising supervisor supervisors surmise surprise surprised surprises surprising televise treatise
wise likewise clockwise precisely concisely advisable advisor advisors noises praises bruise cruise reprise
""".split())

# -ise/-isation and their forms: organise, organised, organises, organising, organisation(s), organiser(s).
_ISE = re.compile(r"(?<=[a-z]{2})is(e|ed|es|ing|ation|ations|er|ers|able)$")
_YSE = re.compile(r"(?<=[a-z]{2})ys(e|ed|es|ing|er|ers)$")  # analyse, paralysed, catalyse
# Medical ae/oe: paediatric, haemorrhage, anaemia, anaesthetic, orthopaedic, oedema, oesophagus, foetal,
# diarrhoea, gynaecology, leukaemia, haematology, oestrogen, caesarean, coeliac, (sleep) apnoea,
# hypoglycaemia.
_GREEK = (("paed", "ped"), ("haem", "hem"), ("anaem", "anem"), ("anaes", "anes"), ("orthopaed", "orthoped"),
          ("oedem", "edem"), ("oesoph", "esoph"), ("foet", "fet"), ("gynaec", "gynec"), ("leukaem", "leukem"),
          ("oestr", "estr"), ("caesar", "cesar"), ("coeliac", "celiac"), ("encyclopaed", "encycloped"), ("aetiolog", "etiolog"))
_GREEK_INSIDE = (("diarrhoea", "diarrhea"), ("noea", "nea"), ("aemi", "emi"), ("paed", "ped"), ("haem", "hem"))
# -our words (the others, like "four", "hour" or "your", keep their u): behaviour(al), colour, favour(ite),
# honour, labour, neighbour(hood), humour, rumour, tumour, vigour, odour, harbour, savour, endeavour,
# flavour, parlour, armour, candour, rigour, valour, vapour, clamour, splendour.
_OUR_STEMS = tuple("""behavio colo favo hono labo neighbo humo rumo tumo vigo odo harbo savo endeavo flavo parlo
armo cando rigo valo vapo clamo splendo""".split())
_OUR = re.compile(r"^(" + "|".join(_OUR_STEMS) + r")u(r.*)$")
# -re words: centre(s), metre, litre, theatre, fibre, calibre, spectre, sombre, lustre, manoeuvre.
_RE_WORDS = {"centre": "center", "centres": "centers", "centred": "centered", "metre": "meter", "metres": "meters",
             "litre": "liter", "litres": "liters", "theatre": "theater", "theatres": "theaters", "fibre": "fiber",
             "fibres": "fibers", "calibre": "caliber", "spectre": "specter", "sombre": "somber", "lustre": "luster",
             "manoeuvre": "maneuver", "manoeuvres": "maneuvers"}
# Single words and their families.
_WORDS = {
    "programme": "program", "programmes": "programs", "catalogue": "catalog", "catalogues": "catalogs",
    "dialogue": "dialog", "dialogues": "dialogs", "analogue": "analog", "licence": "license",
    "licences": "licenses", "defence": "defense", "offence": "offense", "offences": "offenses",
    "practise": "practice", "practised": "practiced", "practises": "practices", "practising": "practicing",
    "ageing": "aging", "judgement": "judgment", "judgements": "judgments",
    "acknowledgement": "acknowledgment", "acknowledgements": "acknowledgments", "enrol": "enroll",
    "enrols": "enrolls", "enrolment": "enrollment", "enrolments": "enrollments", "fulfil": "fulfill",
    "fulfils": "fulfills", "fulfilment": "fulfillment", "instalment": "installment", "skilful": "skillful",
    "wilful": "willful", "grey": "gray", "cheque": "check", "cheques": "checks", "tyre": "tire", "tyres": "tires",
    "mould": "mold", "plough": "plow", "aluminium": "aluminum", "sulphur": "sulfur", "mum": "mom", "mums": "moms",
    "pyjamas": "pajamas", "storey": "story", "kerb": "curb", "aeroplane": "airplane", "draught": "draft",
    "whilst": "while", "amongst": "among", "learnt": "learned", "spelt": "spelled", "towards": "toward",
    "afterwards": "afterward", "orientated": "oriented", "gaol": "jail",
}
# Doubled l before a suffix in British spelling: counselling, counsellor, travelled, labelled, modelling,
# cancelled, signalling, fuelled, levelled, totalled.
_DOUBLE_L = re.compile(r"^(counse|trave|labe|mode|cance|signa|fue|leve|tota|channe|dia|quarre|jewe|equa|tunne|"
                       r"initia)ll(ing|ed|er|ers|or|ors)$")


def fold(word: str) -> str:
    """One lower-case word in the form both spellings share."""
    word = word.casefold()
    if word in _WORDS:
        return _WORDS[word]
    if word in _RE_WORDS:
        return _RE_WORDS[word]
    for british, american in _GREEK:
        if word.startswith(british):
            word = american + word[len(british):]
            break
    for british, american in _GREEK_INSIDE:
        if british in word:
            word = word.replace(british, american)
    word = _OUR.sub(r"\1\2", word)
    word = _DOUBLE_L.sub(r"\1l\2", word)
    if word not in _ISE_BOTH:
        word = _ISE.sub(r"iz\1", word)
        word = _YSE.sub(r"yz\1", word)
    return word
