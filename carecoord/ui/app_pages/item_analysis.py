import streamlit as st

from carecoord import export, item_analysis as items, review
from carecoord.db import database_path, database_url
from carecoord.people import ADMIN, LEAD
from carecoord.store import accounts, learning
from carecoord.ui import content, session
from carecoord.ui.text import plain, table_rows


@st.cache_resource(show_spinner=False, max_entries=2)
def item_stats(database: str, answers_version: tuple, library_id: int, _library, _db, _me) -> list[items.ItemStats]:
    """Every check's statistics over every first answer (about 1 s at scale L): worked out again only when a
    first answer is added or removed, or the content changes; the figures name no one, so leads share them."""
    return items.analyse(_library, learning.first_answers(_db, _me, _library))


run = session.page(LEAD, ADMIN)
me = run.person
library = content.library()

st.title("Checks and review")

led = [p for p in accounts.practices_for(run.db, me) if p.id in me.practice_ids(LEAD)]
if led:
    st.header("Remembered on review")
    practice = led[0] if len(led) == 1 else st.selectbox("Practice", led, format_func=lambda p: p.name)
    retention = review.retention(library, learning.review_answers(run.db, me, practice.id))
    if not retention:
        st.caption(f"No one in {plain(practice.name)} has answered a review question yet. Questions a coordinator "
                   "gets wrong come back on My learning after 1, 3, 7, 21 and 60 days.")
    else:
        st.caption(f"Questions the coordinators of {plain(practice.name)} got wrong come back on My learning after 1, 3, "
                   "7, 21 and 60 days. The share right on review is how much of what was once missed was then "
                   "remembered.")
        # A table that wraps: on a phone every column stays in view.
        st.table(table_rows({"Module": f"{r.module.order}. {r.module.title}", "Review answers": r.answered,
                             "Share right": f"{r.share:.0%}"} for r in retention))

st.header("Item analysis")
if not led:
    st.caption("How much each team remembered on review is shown to its practice leads.")
stats = item_stats(database_url() or str(database_path()), learning.first_answers_version(run.db), id(library),
                   library, run.db, me)
st.caption(f"How every knowledge check was answered at the first try, by everyone using this app and by earlier "
           f"groups of trainees, with no names. **Right first time**: the share who chose right. **Separates**: "
           f"whether people who do well on the other checks get this one right more often (1 strongly, 0 not at "
           f"all; under {items.WEAK_DISCRIMINATION} the check says little about who knows the material). A check "
           f"answered by fewer than {items.MIN_GROUP} people shows no figures.")
modules = {m.id: f"{m.order}. {m.title}" for m in library.modules}
chosen_module = st.selectbox("Module", ["", *modules], format_func=lambda m: modules.get(m, "Every module"))
only_flagged = st.toggle("Only checks worth a look")
shown = [s for s in stats if (not chosen_module or s.module.id == chosen_module) and (not only_flagged or s.flags())]
# The question first and the figures beside it, so a phone shows them without scrolling sideways.
rows = items.rows(shown)
st.dataframe(table_rows(rows), hide_index=True, width="stretch",
             column_order=("Question", "Right first time", "Separates", "Worth a look", "Answered", "Module", "Lesson"),
             column_config={"Question": st.column_config.TextColumn(width="medium"),
                            "Right first time": st.column_config.TextColumn("Right first", width="small"),
                            "Separates": st.column_config.TextColumn(width="small")})
st.download_button("Download item analysis (CSV)", lambda: export.to_csv(rows), file_name="item-analysis.csv",
                   icon=":material/download:", mime="text/csv")

st.subheader("Look closer at one check")
ready = [s for s in shown if s.shown]
if not ready:
    st.caption(f"No check here has been answered by {items.MIN_GROUP} or more people yet.")
    st.stop()
picked = st.selectbox("Check", ready, format_func=lambda s: f"{s.module.order}. {s.check.prompt[:90]}")
picks = dict(picked.wrong_picks)
st.markdown(f"**{plain(picked.check.prompt)}**")
st.caption(f"From “{plain(picked.lesson.title)}”. Answered by {picked.answered}; right first time "
           f"{picked.facility:.0%}. {'Worth a look: ' + '; '.join(picked.flags()) + '.' if picked.flags() else ''}")
st.table(table_rows({"Choice": choice.text, "Right": "yes" if choice.correct else "no",
                     "Picked by": "–" if choice.correct else items.shown_count(picks.get(choice.id, 0))}
                    for choice in picked.check.choices))
