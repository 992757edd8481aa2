"""History of everything that matters (issue 8, part 7): each page shows one line per save, saying who changed
which field from what to what; rows saved together (attendance, ratings, rectification items, scores) join that
line; bulk service paths still write history; out of scope is 404."""
import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessment.models import AssessmentRule, PracticalTask, TaskStatus, TestRound, TestSitting
from assessment.services import round_create, round_scores_enter
from committees.models import Member, Role, RoleKind
from committees.services import member_bulk_create, user_create_with_role
from sessions_app.models import Activity, Attendance
from sessions_app.testing import record_post
from supervision.models import ChecklistItem, Filing, Rating, Rectification, RectificationStatus, Visit
from supervision.services import visit_save

from .factories import ActivityFactory, MemberFactory
from .supervision_factories import make_assignment, make_auditor, make_filing, make_session

TODAY = timezone.localdate
YESTERDAY = lambda: TODAY() - datetime.timedelta(days=1)  # noqa: E731


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def history(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    return response.context["history"], response.content.decode()


def changes(entry):
    return {(c.label, c.old, c.new) for c in entry.changes}


def label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def status(user, url):
    return client_for(user).get(url).status_code


# ---------------------------------------------------------------- records: one line per save


def test_it_shows_one_line_for_a_record_edit_that_changes_three_attendance_rows(tree, members_a, people):
    alice = client_for(people.secretary_a)
    assert alice.post("/records/new/collective/", record_post("collective", members=members_a)).status_code == 302
    activity = Activity.objects.get()
    data = record_post("collective", members=members_a, held_on=activity.held_on, title=activity.title)
    data.update({"att-0-status": "excused", "att-0-reason": "出差", "att-1-status": "absent", "att-1-reason": "无故缺席", "att-2-status": "late"})
    assert alice.post(f"/records/{activity.pk}/edit/", data).status_code == 302
    assert Attendance.history.filter(activity_id=activity.pk, history_type="~").count() == 3

    with translation.override("zh-hans"):
        entries, html = history(people.leader_city, f"/records/{activity.pk}/")
        edit, created = entries  # two saves, two lines: not one per attendance row
        assert (edit.who, created.who) == (people.secretary_a, people.secretary_a)
        [group] = edit.groups
        assert {c.label for c in group.changes} == {m.name for m in members_a[:3]}
        excused = next(c for c in group.changes if c.label == members_a[0].name)
        assert (excused.old, excused.new) == ("出席", "请假（出差）")
        assert html.count('class="sg-history-group"') == 2  # the edit's attendance, the creation's count
        assert "4" in created.groups[0].summary  # the rows entered with the record are counted, not listed


# ---------------------------------------------------------------- filings


def test_it_shows_who_filed_and_who_linked_a_filing(tree, people):
    planned = TODAY() + datetime.timedelta(days=5)
    data = {"committee": tree.county_a.pk, "kind": "collective", "place": "三楼会议室", "topic": "学习六中全会精神",
            "planned_on": planned.isoformat()}
    assert client_for(people.secretary_a).post(reverse("supervision:filing_create"), data).status_code == 302
    filing = Filing.objects.get()
    session = ActivityFactory(committee=tree.county_a, held_on=YESTERDAY())
    url = reverse("supervision:filing_link", args=[filing.pk])
    assert client_for(people.secretary_a).post(url, {"activity": session.pk}).status_code == 302

    page = reverse("supervision:filing", args=[filing.pk])
    entries, html = history(people.leader_a, page)
    linked, filed = entries
    assert filed.who == people.secretary_a and filed.action == str(translation.gettext("created"))
    assert linked.who == people.secretary_a
    assert changes(linked) == {(label(Filing, "activity"), "—", str(session))}
    assert people.secretary_a.full_name in html
    for outsider in (people.secretary_b, people.leader_b, people.outsider):
        assert status(outsider, page) == 404


def test_it_names_the_secretary_whose_session_matched_a_filing(tree, members_a, people):
    filing = make_filing(tree.county_a, planned_on=YESTERDAY())
    alice = client_for(people.secretary_a)
    post = record_post("collective", members=members_a, held_on=YESTERDAY())
    assert alice.post("/records/new/collective/", post).status_code == 302
    entries, _html = history(people.secretary_a, reverse("supervision:filing", args=[filing.pk]))
    assert entries[0].who == people.secretary_a
    assert label(Filing, "activity") in {c.label for c in entries[0].changes}


# ---------------------------------------------------------------- visits, ratings, rectification items


@pytest.fixture
def assignment(tree, people):
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a)
    make_session(tree.county_a, present=5, absent=1)
    filing.refresh_from_db()
    return make_assignment(filing, auditor)


def visit_post(*, observed="9", rating="4", rects=("补齐学习记录",), submit=False, first_rating=None):
    due = (YESTERDAY() + datetime.timedelta(days=14)).isoformat()
    data = {"visited_on": YESTERDAY().isoformat(), "observed_count": observed, "findings": "研讨不够深入",
            "rect-TOTAL_FORMS": str(len(rects)), "rect-INITIAL_FORMS": "0", "rect-MIN_NUM_FORMS": "0",
            "rect-MAX_NUM_FORMS": "20"}
    for i, description in enumerate(rects):
        data |= {f"rect-{i}-description": description, f"rect-{i}-owner": "李秘书", f"rect-{i}-due_on": due}
    items = list(ChecklistItem.objects.filter(active=True))
    data |= {f"rating_{item.pk}": rating for item in items}
    if first_rating:
        data[f"rating_{items[0].pk}"] = first_rating
    if submit:
        data["submit"] = "1"
    return data


def test_it_shows_a_visits_saves_with_their_ratings_and_items_and_the_closing(tree, people, assignment):
    fred = client_for(people.auditor)
    assert fred.post(reverse("supervision:visit_start", args=[assignment.pk]), visit_post()).status_code == 302
    visit = Visit.objects.get()
    edit = reverse("supervision:visit_edit", args=[visit.pk])
    assert fred.post(edit, visit_post()).status_code == 302  # saved again unchanged: no line
    assert fred.post(edit, visit_post(observed="7", first_rating="5", rects=("补齐学习记录", "补充研讨发言"))).status_code == 302
    submit = visit_post(observed="7", first_rating="5", rects=("补齐学习记录", "补充研讨发言"), submit=True)
    assert fred.post(edit, submit).status_code == 302
    first_item = ChecklistItem.objects.filter(active=True).first()
    assert Rating.history.filter(visit_id=visit.pk).count() == ChecklistItem.objects.filter(active=True).count() + 1
    rect = Rectification.objects.get(description="补齐学习记录")
    close = reverse("supervision:rectification_close", args=[rect.pk])
    assert client_for(people.secretary_a).post(close, {"evidence_note": "已补齐记录"}).status_code == 302

    with translation.override("zh-hans"):
        entries, html = history(people.leader_city, reverse("supervision:visit", args=[visit.pk]))
        closed, submitted, edited, created = entries
        assert [e.who for e in (submitted, edited, created)] == [people.auditor] * 3
        assert changes(submitted) == {(label(Visit, "status"), "草稿", "已提交")}
        assert changes(edited) == {(label(Visit, "observed_count"), "9", "7")}
        ratings, items = edited.groups
        assert [(c.label, c.old, c.new) for c in ratings.changes] == [(str(first_item), "4", "5")]
        assert [(c.label, c.old) for c in items.changes] == [("补充研讨发言", "—")]
        assert closed.who == people.secretary_a and closed.version is None
        [closing] = closed.groups[0].changes
        assert closing.label == "补齐学习记录" and "已补齐记录" in closing.new
        assert str(RectificationStatus.DONE.label) in closing.new

        entries, _html = history(people.secretary_a, reverse("supervision:rectification", args=[rect.pk]))
        closing, raised = entries
        assert raised.who == people.auditor and closing.who == people.secretary_a
        open_, done = str(RectificationStatus.OPEN.label), str(RectificationStatus.DONE.label)
        assert (label(Rectification, "status"), open_, done) in changes(closing)
    assert people.auditor.full_name in html and people.secretary_a.full_name in html
    for outsider in (people.secretary_b, people.leader_b, people.outsider):
        assert status(outsider, reverse("supervision:visit", args=[visit.pk])) == 404
        assert status(outsider, reverse("supervision:rectification", args=[rect.pk])) == 404


def test_it_keeps_another_visits_rows_out_of_a_visits_history(tree, people, assignment):
    auditor = assignment.auditor
    other = make_session(tree.county_b, present=3, absent=0)
    target = {"committee": tree.county_b, "kind": "collective", "filing": None, "activity": other, "assignment": None}
    visit_save(auditor=auditor, target=target, visited_on=YESTERDAY(), observed_count=3, findings="",
               ratings=dict.fromkeys(ChecklistItem.objects.values_list("pk", flat=True), 3),
               rectifications=[{"description": "乙县的整改", "owner": "王", "due_on": TODAY()}],
               submit=True)
    fred = client_for(people.auditor)
    fred.post(reverse("supervision:visit_start", args=[assignment.pk]), visit_post(submit=True))
    visit = Visit.objects.get(committee=tree.county_a)
    _entries, html = history(people.leader_a, reverse("supervision:visit", args=[visit.pk]))
    assert "补齐学习记录" in html and "乙县的整改" not in html


# ---------------------------------------------------------------- practical-matter tasks


def test_it_shows_a_tasks_creation_edits_and_completion(tree, people):
    alice = client_for(people.secretary_a)
    data = {"committee": tree.county_a.pk, "title": "修缮村史馆", "description": "", "status": "planned",
            "due_on": (TODAY() + datetime.timedelta(days=30)).isoformat(), "completed_on": ""}
    assert alice.post(reverse("assessment:task_create"), data).status_code == 302
    task = PracticalTask.objects.get()
    edit = reverse("assessment:task_edit", args=[task.pk])
    assert alice.post(edit, data | {"title": "修缮村史陈列馆", "status": "in_progress"}).status_code == 302
    done = data | {"title": "修缮村史陈列馆", "status": "done", "completed_on": YESTERDAY().isoformat()}
    assert alice.post(edit, done).status_code == 302

    page = reverse("assessment:task_detail", args=[task.pk])
    with translation.override("zh-hans"):
        entries, html = history(people.leader_city, page)
        completed, renamed, created = entries
        assert {e.who for e in entries} == {people.secretary_a}
        assert changes(renamed) == {
            (label(PracticalTask, "title"), "修缮村史馆", "修缮村史陈列馆"),
            (label(PracticalTask, "status"), str(TaskStatus.PLANNED.label), str(TaskStatus.IN_PROGRESS.label)),
        }
        assert changes(completed) == {
            (label(PracticalTask, "status"), str(TaskStatus.IN_PROGRESS.label), str(TaskStatus.DONE.label)),
            (label(PracticalTask, "completed_on"), "—", YESTERDAY().isoformat()),
        }
    assert 'id="edit-task"' not in html  # the city leader reads; only the secretary edits
    for outsider in (people.secretary_b, people.leader_b, people.outsider):
        assert status(outsider, page) == 404


# ---------------------------------------------------------------- test rounds and scores


def test_it_shows_a_rounds_draw_and_its_score_entry(tree, people):
    for _ in range(4):
        MemberFactory(committee=tree.county_a)
    admin = client_for(people.admin)
    data = {"name": "甲县抽考", "held_on": YESTERDAY().isoformat(), "committee": tree.county_a.pk, "strata": "none",
            "sample_size": "4", "pass_mark": "60", "max_score": "100", "seed": "h"}
    assert admin.post(reverse("assessment:round_create"), data).status_code == 302
    test_round = TestRound.objects.get()
    sittings = list(test_round.sittings.all())
    scores = reverse("assessment:round_scores", args=[test_round.pk])
    assert admin.post(scores, {f"score-{s.pk}": "80" for s in sittings}).status_code == 302

    page = reverse("assessment:round_detail", args=[test_round.pk])
    with translation.override("zh-hans"):
        entries, html = history(people.leader_a, page)
        entered, drawn = entries
        assert (entered.who, drawn.who) == (people.admin, people.admin)
        assert "4" in drawn.groups[0].summary and "4" in entered.groups[0].summary
    for outsider in (people.secretary_b, people.leader_b, people.outsider):
        assert status(outsider, page) == 404


def test_it_summarises_a_2000_sitting_score_entry_in_one_line(tree, people, django_assert_max_num_queries):
    member_bulk_create(committee=tree.county_a, people=[(f"党员{i}", "委员") for i in range(2000)], user=people.admin)
    test_round = round_create(name="全县抽考", held_on=YESTERDAY(), committee=tree.county_a, sample_size=2000, seed="s",
                              user=people.admin)
    ids = list(test_round.sittings.values_list("id", flat=True))
    assert round_scores_enter(test_round=test_round, scores={i: Decimal("75") for i in ids}, user=people.admin) == 2000
    assert TestSitting.history.filter(round_id=test_round.pk, history_type="~", history_user=people.admin).count() == 2000

    client = client_for(people.admin)
    url = reverse("assessment:round_detail", args=[test_round.pk])
    with django_assert_max_num_queries(40):
        response = client.get(url)
    entered, drawn = response.context["history"]
    assert "2000" in entered.groups[0].summary and not entered.groups[0].changes
    assert "2000" in drawn.groups[0].summary
    assert response.content.decode().count('class="sg-history-group"') == 2


# ---------------------------------------------------------------- assessment rules, roles, members


def test_it_shows_who_changed_an_assessment_rule(tree, people):
    admin = client_for(people.admin)
    admin.get(reverse("assessment:rules"))  # the default rules are made
    rules = list(AssessmentRule.objects.order_by("order", "id"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {f"form-{i}-id": rule.pk, f"form-{i}-label": rule.label, f"form-{i}-weight": str(rule.weight),
                 f"form-{i}-threshold": str(rule.threshold), f"form-{i}-params": json.dumps(rule.params), f"form-{i}-order": rule.order}
        if rule.active:
            data[f"form-{i}-active"] = "on"
    data["form-0-weight"] = "7.5"
    assert admin.post(reverse("assessment:rules"), data).status_code == 302
    entries, html = history(people.leader_b, reverse("assessment:rules"))
    changed = entries[0]
    assert changed.who == people.admin and changed.subject == str(rules[0].display_label)
    assert changes(changed) == {(label(AssessmentRule, "weight"), str(rules[0].weight), "7.50")}
    assert people.admin.full_name in html


def test_it_keeps_roles_and_members_history_in_the_admin(tree, people):
    member_bulk_create(committee=tree.county_a, people=[("张三", "书记"), ("李四", "委员")], user=people.admin)
    user = user_create_with_role(username="newbie", password="pw-12345678", full_name="新秘书", committee=tree.county_a,
                                 role=RoleKind.SECRETARY, by=people.admin)
    member = Member.objects.get(name="张三")
    people.admin.is_staff = True
    people.admin.save()
    role = Role.objects.get(user=user)
    assert Role.history.get(id=role.pk).history_user == people.admin
    admin = client_for(people.admin)
    for url in (f"/admin/committees/member/{member.pk}/history/", f"/admin/committees/role/{role.pk}/history/"):
        response = admin.get(url)
        assert response.status_code == 200 and str(people.admin) in response.content.decode()


# ---------------------------------------------------------------- bulk service paths


def test_it_writes_history_from_the_bulk_paths_with_one_time_and_user(tree, people, assignment):
    created = member_bulk_create(committee=tree.county_b, people=[(f"乙{i}", "") for i in range(5)], user=people.admin)
    rows = Member.history.filter(id__in=[m.pk for m in created])
    assert rows.count() == 5 and {(r.history_user_id, r.history_date) for r in rows} == {
        (people.admin.pk, rows[0].history_date)}

    target = {"committee": tree.county_a, "kind": "collective", "filing": assignment.filing,
              "activity": assignment.filing.activity, "assignment": assignment}
    items = list(ChecklistItem.objects.filter(active=True).values_list("pk", flat=True))
    rects = [{"description": f"整改{i}", "owner": "王", "due_on": TODAY()} for i in range(3)]
    visit = visit_save(auditor=assignment.auditor, target=target, visited_on=YESTERDAY(), observed_count=5,
                       findings="", ratings=dict.fromkeys(items, 3), rectifications=rects, submit=False)
    visit_rows = Visit.history.get(id=visit.pk)
    for model in (Rating, Rectification):
        saved = model.history.filter(visit_id=visit.pk)
        assert saved.count() == (len(items) if model is Rating else 3)
        assert {(r.history_user_id, r.history_date) for r in saved} == {
            (people.auditor.pk, visit_rows.history_date)}

    test_round = round_create(name="乙县", held_on=YESTERDAY(), committee=tree.county_b, sample_size=5, seed="b",
                              user=people.admin)
    assert TestSitting.history.filter(round_id=test_round.pk, history_type="+").count() == 5
    ids = list(test_round.sittings.values_list("id", flat=True))
    round_scores_enter(test_round=test_round, scores={i: Decimal("90") for i in ids}, user=people.admin)
    round_scores_enter(test_round=test_round, scores={i: Decimal("90") for i in ids}, user=people.admin)  # same again
    round_scores_enter(test_round=test_round, scores={ids[0]: None}, user=people.admin)  # one cleared
    changed = TestSitting.history.filter(round_id=test_round.pk, history_type="~")
    assert changed.count() == 6 and changed.filter(score__isnull=True).count() == 1
