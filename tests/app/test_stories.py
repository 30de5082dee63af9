"""Family faculty stories through streamlit_app.py: write, check, consent and submit as family faculty;
request changes and approve as a lead; read and reflect as a trainee; and who may open which page."""

from html.parser import HTMLParser

import pytest

from carecoord import db as database
from carecoord.demo import stories as demo_stories
from carecoord.store import accounts, stories
from carecoord.content import load_library
from carecoord.content.render import render as content_render
from carecoord.ui.text import plain
from tests.app.conftest import new_app, page_links, page_text, sign_in_as, titles
from tests.streamlit_markdown import read

MY_STORIES = "carecoord/ui/app_pages/my_stories.py"
REVIEW = "carecoord/ui/app_pages/story_review.py"
VOICES = "carecoord/ui/app_pages/family_voices.py"
LESSON = "carecoord/ui/app_pages/lesson.py"
TRANSITIONS = load_library().module("school-and-adult-transitions")  # the story in review speaks to it

STORY = ("Our daughter came home from the NICU with a feeding pump, oxygen and eleven specialists. Nobody told us "
         "who to call first. Our coordinator sat with us and drew a care map, and asked who owned each line on it. "
         "She was born on 14 March 2016 and Dr Okafor looked after her then.")
FIXED = ("Our daughter came home from the NICU with a feeding pump, oxygen and eleven specialists. Nobody told us "
         "who to call first. Our coordinator sat with us and drew a care map, and asked who owned each line on it. "
         "She was born in the spring and Dr Okafor looked after her then.")


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def widget(items, label):
    return next(w for w in items if w.label == label)


def story_row(path, title):
    db = database.connect(path)
    return next(db.query("SELECT * FROM story WHERE title = ?", [title]), None)


def html(at) -> str:
    """The rendered Markdown on the page (not the app's own cookie script or styles)."""
    return "\n".join(h.value for h in at.get("html") if 'class="cc-md"' in h.value)


def open_story(at, path, title):
    """Choose a story in My stories by its title."""
    story_id = story_row(path, title)["id"]
    widget(at.selectbox, "Story").set_value(story_id)
    return at.run()


# ---------------------------------------------------------------- family faculty


def test_family_faculty_writes_checks_consents_and_submits(app_as, app_env, now):
    at = app_as("family_faculty").switch_page(MY_STORIES).run()
    assert titles(at) == ["My stories"]
    at = click(at, "Write a new story")
    widget(at.text_input, "Title").input("The map on the fridge")
    at.run()
    assert story_row(app_env, "The map on the fridge")["status"] == "draft"  # saved on change, no button
    assert "last saved" in page_text(at)

    widget(at.text_area, "Your story").input(STORY)
    at.run()
    assert story_row(app_env, "The map on the fridge")["body"] == STORY
    assert "2 details to resolve" in page_text(at)
    flagged = html(at)
    assert "14 March 2016" in flagged and "Date of birth" in flagged and "Okafor" in flagged

    # A reload (a new session) loses nothing that was committed.
    at = sign_in_as(new_app(), app_env, "demo-faculty", now).switch_page(MY_STORIES).run()
    assert widget(at.text_input, "Title").value == "The map on the fridge"
    assert widget(at.text_area, "Your story").value == STORY

    widget(at.text_area, "Your story").input(FIXED)  # edit the date out
    at.run()
    at = click(at, 'Keep "Okafor": it is intended')  # and keep the doctor's name on purpose
    assert "Every flagged detail is resolved." in page_text(at)
    widget(at.selectbox, "Stage of childhood it covers").set_value("infancy")
    at.run()
    widget(at.multiselect, "Competencies it speaks to").select("FP1")
    at.run()
    widget(at.multiselect, "Case phases it speaks to").select("nicu-2-first-weeks-home")
    at.run()
    widget(at.text_area, "Discussion questions for trainees (one a line)").input("Who owns each line?")
    at.run()

    widget(at.radio, "Who may read your story once it is published?").set_value("installation")
    widget(at.radio, "How should readers see you credited?").set_value("initials")
    at = click(at, "Record my consent")
    assert "Consent recorded." in page_text(at)

    at = click(at, "Send for review")
    assert "Sent for review" in page_text(at)
    row = story_row(app_env, "The map on the fridge")
    assert (row["status"], row["stage"], row["consent_scope"], row["consent_credit"]) == (
        "submitted", "infancy", "installation", "initials")
    assert row["questions"] == '["Who owns each line?"]'


def test_submission_with_unresolved_flags_is_refused_with_the_list(app_as, app_env):
    at = app_as("family_faculty").switch_page(MY_STORIES).run()
    at = open_story(at, app_env, demo_stories.DRAFT_TITLE)
    widget(at.radio, "Who may read your story once it is published?").set_value("practice")
    widget(at.radio, "How should readers see you credited?").set_value("anonymous")
    at = click(at, "Record my consent")
    at = click(at, "Send for review")
    refusal = " ".join(read(e.value).text for e in at.error)  # the flagged spans are the author's text, escaped
    assert "Resolve these 5 possible identifying details first" in refusal
    assert '"14 March 2016" (date of birth)' in refusal and '"Alder Road" (street address)' in refusal
    assert story_row(app_env, demo_stories.DRAFT_TITLE)["status"] == "draft"


def test_consent_needs_an_answer_at_the_field(app_as, app_env):
    at = open_story(app_as("family_faculty").switch_page(MY_STORIES).run(), app_env, demo_stories.DRAFT_TITLE)
    at = click(at, "Record my consent")
    assert "Choose who may read your story." in [e.value for e in at.error]
    assert story_row(app_env, demo_stories.DRAFT_TITLE)["consented_at"] is None


def test_an_oversized_story_is_refused_at_the_field_and_the_saved_text_kept(app_as, app_env):
    at = open_story(app_as("family_faculty").switch_page(MY_STORIES).run(), app_env, demo_stories.DRAFT_TITLE)
    widget(at.text_area, "Your story").input("x" * 20_001)
    at.run()
    assert any("20,001 characters; the limit is 20,000" in e.value for e in at.error)
    assert "20,001 of 20,000 characters" in page_text(at)
    assert story_row(app_env, demo_stories.DRAFT_TITLE)["body"] == demo_stories.DRAFT_BODY.strip()


def test_family_faculty_withdraws_a_published_story_and_trainees_lose_it_at_once(app_as, app_env):
    at = open_story(app_as("family_faculty").switch_page(MY_STORIES).run(), app_env, demo_stories.PUBLISHED_TITLE)
    assert "Published on" in page_text(at)
    widget(at.checkbox, "Yes, withdraw this story").check()
    at = click(at.run(), "Withdraw story")
    assert "Story withdrawn." in page_text(at)
    assert "will be deleted on" in page_text(at)
    at = app_as("trainee").switch_page(VOICES).run()
    assert "No stories have been published for you yet." in page_text(at)


# ---------------------------------------------------------------- lead


def test_lead_requests_changes_with_comments_the_author_then_sees(app_as, app_env):
    at = app_as("lead").switch_page(REVIEW).run()
    assert titles(at) == ["Story review"]
    assert demo_stories.IN_REVIEW_TITLE in widget(at.selectbox, "Story waiting for review").options[0]
    at = click(at, "Request changes")
    assert "Say what the author should change; they will see your comments." in [e.value for e in at.error]
    assert story_row(app_env, demo_stories.IN_REVIEW_TITLE)["status"] == "submitted"

    widget(at.text_area, "Comments for the author (they see these)").input(
        "Could you say more about **the bus**?")
    at = click(at, "Request changes")
    assert "Sent back to Marisol Vega" in page_text(at)
    assert "No stories are waiting for review." in page_text(at)
    assert story_row(app_env, demo_stories.IN_REVIEW_TITLE)["status"] == "changes_requested"

    at = open_story(app_as("family_faculty").switch_page(MY_STORIES).run(), app_env, demo_stories.IN_REVIEW_TITLE)
    assert "Priya Raman asked for changes" in page_text(at)
    assert "<strong>the bus</strong>" in html(at)


def test_lead_approves_and_a_trainee_reads_and_reflects(app_as, app_env):
    at = app_as("lead").switch_page(REVIEW).run()
    assert "The check found nothing that looks identifying." in page_text(at)
    assert "Credited as:** M. V." in page_text(at)
    at = click(at, "Approve and publish")
    assert f'Published "{demo_stories.IN_REVIEW_TITLE}"' in page_text(at)
    assert story_row(app_env, demo_stories.IN_REVIEW_TITLE)["status"] == "published"

    at = app_as("trainee").switch_page(VOICES).run()
    assert titles(at) == ["Family voices"]
    assert {demo_stories.IN_REVIEW_TITLE, demo_stories.PUBLISHED_TITLE} <= {s.value for s in at.header}
    widget(at.selectbox, "Stage of childhood").set_value("early-childhood")
    at.run()
    assert [s.value for s in at.header] == [demo_stories.IN_REVIEW_TITLE]
    assert "Nobody had asked me that in the meeting." in html(at)
    assert "Who on your team asks a family" in html(at)

    box = next(t for t in at.text_area if t.label.startswith("Reflect on this story"))
    box.input("I will phone a week after every transition meeting.")
    at = click(at, "Save reflection")
    assert "Reflection saved." in page_text(at)
    assert "I will phone a week after every transition meeting." in html(at)


def test_a_story_shows_on_the_lessons_of_the_module_it_speaks_to(app_as):
    at = app_as("trainee").switch_page(LESSON)
    at.query_params["lesson"] = "families-as-experts"
    at.run()
    assert "Family voices" in [s.value for s in at.subheader]
    assert any(demo_stories.PUBLISHED_TITLE in e.label for e in at.expander)
    assert "eleven specialists" in html(at)


def test_a_lesson_of_an_unlinked_module_shows_no_stories(app_as):
    at = app_as("trainee").switch_page(LESSON)
    at.query_params["lesson"] = "care-coordination-defined"
    at.run()
    assert at.title[0].value != "Lesson not found"
    assert "Family voices" not in [s.value for s in at.subheader]


def test_a_trainee_in_another_practice_does_not_see_a_practice_only_story(app_as, app_env, now):
    db = database.connect(app_env)
    lead = accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])
    story_id = story_row(app_env, demo_stories.IN_REVIEW_TITLE)["id"]
    stories.approve(db, lead, story_id, now)  # consent: this practice only
    other = accounts.create_practice(db, accounts.SYSTEM, "Elsewhere", now)
    accounts.add_person_to_practice(db, accounts.SYSTEM, other, "trainee", now, username="outsider",
                                    display_name="Out Sider", password="long enough pw")
    db.execute("UPDATE person SET must_change_password = 0 WHERE username = 'outsider'")
    at = app_as("outsider").switch_page(VOICES).run()
    assert [s.value for s in at.header] == [demo_stories.PUBLISHED_TITLE]  # the installation-wide one only
    at = app_as("trainee").switch_page(VOICES).run()
    assert demo_stories.IN_REVIEW_TITLE in [s.value for s in at.header]


# ---------------------------------------------------------------- what people write cannot run


ATTACKS = ('<script>alert("x")</script> <img src=x onerror="alert(1)"> <a href="#" onclick="alert(2)">a</a> '
           "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) "
           "![img](javascript:alert(4))")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.unsafe = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "embed", "style", "svg"):
            self.unsafe.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and
                                         (value or "").strip().lower().startswith(("javascript:", "data:"))):
                self.unsafe.append(f"{tag} {name}={value}")


def unsafe_markup(rendered: str) -> list[str]:
    """Elements and attributes that could run script, in the HTML the browser would build."""
    parser = _Tags()
    parser.feed(rendered)
    return parser.unsafe


def test_story_reflection_and_comment_markdown_come_out_inert(app_as, app_env, now):
    db = database.connect(app_env)

    def person(username):
        return accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0])

    faculty, lead, trainee = person("demo-faculty"), person("demo-lead"), person("demo-trainee")
    story = stories.create_draft(db, faculty, now)
    stories.save_draft(db, faculty, story.id, now, title="Attack <b>title</b> [x](javascript:alert(5))",
                       body="A long enough story to send, with words in it. " * 3 + ATTACKS, stage="infancy",
                       questions=[ATTACKS[:200]], modules=["partnering-with-families"])
    stories.record_consent(db, faculty, story.id, "practice", "name", False, now)
    stories.set_intended(db, faculty, story.id, "PHNjcmlwdD4", True, now)  # base64 looks like a name to the check
    stories.submit(db, faculty, story.id, now)
    stories.request_changes(db, lead, story.id, "Comment " + ATTACKS, now)
    stories.submit(db, faculty, story.id, now)
    stories.approve(db, lead, story.id, now)
    stories.save_reflection(db, trainee, story.id, "Reflection " + ATTACKS, now)

    # The trainee sees the story, its questions and their reflection; the author sees it and the comment.
    for who, page, shown in (("trainee", VOICES, "<p>Reflection &lt;script&gt;"),
                             ("family_faculty", MY_STORIES, "<p>Comment &lt;script&gt;")):
        at = app_as(who).switch_page(page)
        at.query_params["story"] = str(story.id)
        at.run()
        rendered = html(at)
        assert shown in rendered and "<li>&lt;script&gt;" in rendered, who
        assert unsafe_markup(rendered) == [], who
        assert not at.exception
        labels = [e.label for e in at.expander] + [s.value for s in at.header] + [s.value for s in at.subheader]
        assert any(r"Attack \<b\>title\</b\> \[x\]" in label for label in labels)  # the title stays plain text


def test_the_inertness_check_itself_catches_live_markup():
    assert unsafe_markup('<p>ok</p><img src=x onerror="alert(1)"><a href="javascript:x">a</a>') == [
        "img", "img onerror=alert(1)", "a href=javascript:x"]


def test_oversized_markdown_is_refused_not_rendered(app_as, app_env, now):
    db = database.connect(app_env)
    def person(username):
        return accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0])

    with pytest.raises(ValueError, match="the limit is 20,000"):
        stories.save_draft(db, person("demo-faculty"), story_row(app_env, demo_stories.DRAFT_TITLE)["id"], now,
                           body="y" * 30_000)
    published = story_row(app_env, demo_stories.PUBLISHED_TITLE)["id"]
    with pytest.raises(ValueError, match="4,000 characters"):
        stories.save_reflection(db, person("demo-trainee"), published, "z" * 5_000, now)
    with pytest.raises(ValueError, match="too long to show"):
        content_render("<script>" * 40_000)


# ---------------------------------------------------------------- who may open which page


def test_family_faculty_open_my_stories(app_as):
    assert titles(app_as("family_faculty").switch_page(MY_STORIES).run()) == ["My stories"]


@pytest.mark.parametrize("asked", ["²", "99999999999999999999999", "-1"])
def test_my_stories_opens_the_newest_story_when_the_link_names_none_of_yours(app_as, asked):
    at = app_as("family_faculty").switch_page(MY_STORIES)
    at.query_params["story"] = asked
    at.run()
    assert titles(at) == ["My stories"]
    assert widget(at.selectbox, "Story").index == 0  # "²" passed isdigit() and then failed int()


@pytest.mark.parametrize("who", ["trainee", "lead", "admin"])
def test_others_cannot_open_my_stories(app_as, who):
    with pytest.raises(ValueError, match="navigation page"):
        app_as(who).switch_page(MY_STORIES).run()


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_leads_and_administrators_open_story_review(app_as, who):
    assert titles(app_as(who).switch_page(REVIEW).run()) == ["Story review"]


def test_administrator_reviews_a_module_linked_story_and_sees_the_module_by_name(app_as, app_env):
    # The story in review speaks to a module; an administrator has no Lesson page to link to.
    at = app_as("admin").switch_page(REVIEW).run()
    assert demo_stories.IN_REVIEW_TITLE in widget(at.selectbox, "Story waiting for review").options[0]
    assert f"**Modules:** {plain(TRANSITIONS.title)}" in page_text(at)
    assert not page_links(at)
    assert [s.value for s in at.header][-1] == "Your decision"  # the last thing the page draws
    at = click(at, "Approve and publish")
    assert f'Published "{demo_stories.IN_REVIEW_TITLE}"' in page_text(at)
    assert story_row(app_env, demo_stories.IN_REVIEW_TITLE)["status"] == "published"


def test_lead_reviewing_a_module_linked_story_gets_a_link_to_its_first_lesson(app_as):
    at = app_as("lead").switch_page(REVIEW).run()
    links = [link.proto for link in page_links(at)]
    assert [(link.label, link.query_string) for link in links] == [
        (TRANSITIONS.title, f"lesson={TRANSITIONS.lessons[0].id}")]
    assert [s.value for s in at.header][-1] == "Your decision"


@pytest.mark.parametrize("who", ["trainee", "family_faculty"])
def test_trainees_and_family_faculty_cannot_open_story_review(app_as, who):
    with pytest.raises(ValueError, match="navigation page"):
        app_as(who).switch_page(REVIEW).run()


@pytest.mark.parametrize("who", ["trainee", "lead", "family_faculty"])
def test_learners_open_family_voices(app_as, who):
    assert titles(app_as(who).switch_page(VOICES).run()) == ["Family voices"]


def test_an_administrator_has_no_family_voices_page(app_as):
    with pytest.raises(ValueError, match="navigation page"):
        app_as("admin").switch_page(VOICES).run()


def test_an_administrator_still_lands_on_home(app_as):
    assert titles(app_as("admin")) == ["Welcome, Dana Okafor"]


# ---------------------------------------------------------------- the widget the case player calls


def _phase_widget(db_path: str, username: str, phase_id: str) -> None:
    from carecoord import clock
    from carecoord import db as database
    from carecoord.store import accounts
    from carecoord.ui import session, stories_widget

    db = database.connect(db_path)
    person_id = db.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]
    run = session.Run(db=db, now=clock.utcnow(), person=accounts.load_person(db, person_id))
    stories_widget.for_phase(run, phase_id)


def test_for_phase_shows_the_stories_linked_to_a_case_phase(app_env, monkeypatch):
    import streamlit
    from streamlit.testing.v1 import AppTest

    # Outside streamlit_app.py there is no navigation for st.page_link to resolve; show the label instead.
    monkeypatch.setattr(streamlit, "page_link", lambda page, *, label, **kwargs: streamlit.markdown(f"link: {label}"))

    at = AppTest.from_function(_phase_widget, args=(str(app_env), "demo-trainee", "nicu-2-first-weeks-home"),
                               default_timeout=30).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Family voices"]
    assert [e.label for e in at.expander] == [f"{demo_stories.PUBLISHED_TITLE} · Marisol Vega"]
    assert "What would have to be on the one page" in html(at)  # its discussion questions
    assert "link: Partnering with families" in page_text(at)
    assert any(b.label == "Save reflection" for b in at.button)  # Sam has not reflected on it yet

    unlinked = AppTest.from_function(_phase_widget, args=(str(app_env), "demo-trainee", "nicu-1-discharge-planning"),
                                     default_timeout=30).run()
    assert not unlinked.exception
    assert not unlinked.subheader and not unlinked.expander
