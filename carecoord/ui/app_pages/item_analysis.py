import streamlit as st

from carecoord import export, item_analysis as items, review
from carecoord.people import ADMIN, LEAD
from carecoord.store import accounts, learning
from carecoord.ui import content, session
from carecoord.ui.text import plain, table_rows

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
        st.dataframe(table_rows({"Module": f"{r.module.order}. {r.module.title}", "Review answers": r.answered,
                                 "Right": r.right, "Share right": f"{r.share:.0%}"} for r in retention),
                     hide_index=True, width="stretch")

st.header("Item analysis")
stats = items.analyse(library, learning.first_answers(run.db, me, library))
st.caption(f"Every knowledge check, from first answers only (the one that counts), across the installation and "
           f"earlier cohorts, with no names. **Right first time** is the share right at the first try. "
           f"**Separates** is how far being right on this check goes with doing well on the others (from -1 to 1; "
           f"below {items.WEAK_DISCRIMINATION} it tells little about who knows the material). A check answered by "
           f"fewer than {items.MIN_GROUP} people shows no figures.")
modules = {m.id: f"{m.order}. {m.title}" for m in library.modules}
chosen_module = st.selectbox("Module", ["", *modules], format_func=lambda m: modules.get(m, "Every module"))
only_flagged = st.toggle("Only checks worth a look")
shown = [s for s in stats if (not chosen_module or s.module.id == chosen_module) and (not only_flagged or s.flags())]
st.dataframe(table_rows(items.rows(shown)), hide_index=True, width="stretch",
             column_config={"Check": None, "Wrong choices picked": None,
                            "Question": st.column_config.TextColumn(width="large")})
st.download_button("Download item analysis (CSV)", export.to_csv(items.rows(shown)), file_name="item-analysis.csv",
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
st.dataframe(table_rows({"Choice": choice.text, "Right": "yes" if choice.correct else "no",
                         "Picked by": "–" if choice.correct else items.shown_count(picks.get(choice.id, 0))}
                        for choice in picked.check.choices),
             hide_index=True, width="stretch", column_config={"Choice": st.column_config.TextColumn(width="large")})
