"""Reflection articles as entries (issue 8, part 4): each article has an author, a title and a text or file;
many are entered at once; a record's article_count is the number of its articles (a record without any keeps
its typed count), and the stored figure reflection_articles follows."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from reports import rollup
from reports.figures import figures_for
from sessions_app.models import Activity, Article, Correction
from sessions_app.services import activity_create, activity_update
from sessions_app.testing import pdf_upload, png_upload, record_post

from .factories import ActivityFactory

TODAY = timezone.localdate()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(people):
    return client_for(people.secretary_a)


def zh(msgid, **params):
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def docx_upload(name="心得.docx"):
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("学习党史的体会")
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def article_rows(rows, *, initial=0):
    """POST data of the article rows (prefix "art"): each row a dict of author, title, text, upload, id, DELETE."""
    data = {"art-TOTAL_FORMS": str(len(rows)), "art-INITIAL_FORMS": str(initial), "art-MIN_NUM_FORMS": "0",
            "art-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"art-{i}-{key}"] = value
    return data


def reflection_post(*, pasted="", rows=(), initial=0, **fields):
    data = record_post("reflection", author="", article_count="", title="弘扬伟大建党精神心得体会")
    data.update(article_rows(list(rows), initial=initial))
    data["articles_list"] = pasted
    data.update(fields)
    return data


def create(client, data):
    return client.post("/records/new/reflection/", data)


PASTED = "张三 — 学习党史的体会\n李四——重温入党誓词\n\n王五：我的初心\n赵六\t传承红色基因\n钱七 | 读《论党的自我革命》有感\n"


def counts():
    return Activity.objects.count(), Article.objects.count()


# ------------------------------------------------------------------ batch entry


def test_it_enters_a_pasted_list_of_articles_and_counts_them(alice):
    response = create(alice, reflection_post(pasted=PASTED))
    assert response.status_code == 302
    record = Activity.objects.get()
    assert record.article_count == 5
    assert list(record.articles.values_list("author", "title")) == [
        ("张三", "学习党史的体会"), ("李四", "重温入党誓词"), ("王五", "我的初心"), ("赵六", "传承红色基因"),
        ("钱七", "读《论党的自我革命》有感"),
    ]


def test_it_enters_article_rows_with_text_or_a_file(alice):
    rows = [
        {"author": "张三", "title": "体会一", "text": "全文……"},
        {"author": "李四", "title": "体会二", "upload": pdf_upload("体会二.pdf")},
        {"author": "王五", "title": "体会三", "upload": docx_upload()},
        {"author": "赵六", "title": "体会四", "upload": png_upload("手写稿.png")},
    ]
    response = create(alice, reflection_post(rows=rows, pasted="钱七 — 体会五", article_count="99"))
    assert response.status_code == 302
    record = Activity.objects.get()
    assert record.article_count == 5  # counted from the articles; the typed 99 is not the count
    types = dict(record.articles.values_list("title", "content_type"))
    assert types == {"体会一": "", "体会二": "application/pdf",
                     "体会三": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "体会四": "image/png", "体会五": ""}
    assert record.articles.get(title="体会一").text == "全文……"


def test_it_skips_empty_rows(alice):
    rows = [{"author": "张三", "title": "体会一"}, {"author": "", "title": "", "text": ""}]
    assert create(alice, reflection_post(rows=rows)).status_code == 302
    assert Activity.objects.get().article_count == 1


def test_it_keeps_the_typed_count_of_a_batch_without_articles(alice):
    assert create(alice, reflection_post(article_count="12")).status_code == 302
    record = Activity.objects.get()
    assert record.article_count == 12 and not record.articles.exists()
    response = alice.post(f"/records/{record.pk}/edit/", reflection_post(article_count="13"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.article_count == 13


# ------------------------------------------------------------------ bad input


def test_it_names_the_bad_lines_of_a_pasted_list_and_saves_nothing(alice):
    pasted = "张三 — 体会一\n只有作者没有题目\n" + "长" * 61 + " — 体会三\n"
    response = create(alice, reflection_post(pasted=pasted))
    assert response.status_code == 200
    errors = response.context["entry"].article_list.errors["articles_list"]
    assert errors == [
        zh("Line %(line)s: give the author and the title, separated by “—”.", line=2),
        zh("Line %(line)s: the author's name is longer than 60 characters.", line=3),
    ]
    assert counts() == (0, 0)


def test_it_refuses_a_file_that_is_not_a_document_and_saves_nothing(alice):
    fake = SimpleUploadedFile("心得.docx", b"just text, renamed", content_type="application/msword")
    response = create(alice, reflection_post(rows=[{"author": "张三", "title": "体会", "upload": fake}]))
    assert response.status_code == 200
    errors = response.context["entry"].articles.forms[0].errors["upload"]
    assert errors == [zh("“%(name)s” is not a PDF, a Word document (DOCX) or a photo (JPEG, PNG, WebP, GIF).",
                         name="心得.docx")]
    assert counts() == (0, 0)


def test_it_needs_an_author_and_a_title_in_each_row(alice):
    response = create(alice, reflection_post(rows=[{"author": "", "title": "体会", "text": "全文"}]))
    assert response.status_code == 200
    assert response.context["entry"].articles.forms[0].errors["author"]
    assert counts() == (0, 0)


def test_it_needs_articles_or_a_count(alice):
    response = create(alice, reflection_post())
    assert response.status_code == 200
    assert response.context["form"].errors["article_count"] == [
        zh("Give the number of articles, or list the articles below.")]
    assert counts() == (0, 0)


# ------------------------------------------------------------------ editing


@pytest.fixture
def listed(alice):
    create(alice, reflection_post(pasted="张三 — 体会一\n李四 — 体会二\n王五 — 体会三"))
    return Activity.objects.get()


def existing_rows(record, **changes):
    """The record's article rows as its edit page posts them; `changes` maps a row index to its changes."""
    rows = []
    for i, article in enumerate(record.articles.order_by("id")):
        row = {"id": str(article.pk), "activity": str(record.pk), "author": article.author, "title": article.title,
               "text": article.text}
        row.update(changes.get(i, {}))
        rows.append(row)
    return rows


def edit(client, record, rows, **fields):
    data = reflection_post(rows=rows, initial=record.articles.count(), held_on=record.held_on.isoformat(), **fields)
    return client.post(f"/records/{record.pk}/edit/", data)


def test_removing_an_article_updates_the_count(alice, listed):
    rows = existing_rows(listed)
    rows[1]["DELETE"] = "on"
    assert edit(alice, listed, rows).status_code == 302
    listed.refresh_from_db()
    assert listed.article_count == 2
    assert list(listed.articles.values_list("title", flat=True)) == ["体会一", "体会三"]


def test_adding_and_changing_articles_updates_the_count(alice, listed):
    rows = existing_rows(listed)
    rows[0]["title"] = "体会一（修订）"
    rows.append({"author": "赵六", "title": "体会四"})
    response = edit(alice, listed, rows, articles_list="钱七 — 体会五\n孙八 — 体会六")
    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.article_count == 6
    assert listed.articles.filter(title="体会一（修订）").exists()


def test_it_keeps_at_least_one_article_and_saves_nothing_otherwise(alice, listed):
    rows = [{**row, "DELETE": "on"} for row in existing_rows(listed)]
    response = edit(alice, listed, rows)
    assert response.status_code == 200
    assert response.context["entry"].article_list.errors["articles_list"] == [zh(
        "A record that lists its articles keeps at least one. To remove them all, delete the record.")]
    listed.refresh_from_db()
    assert listed.article_count == 3 and listed.articles.count() == 3


def test_the_services_derive_the_count_in_the_same_transaction(people, tree):
    record = activity_create(
        user=people.secretary_a, committee=tree.county_a, kind="reflection",
        data={"held_on": TODAY, "title": "心得", "article_count": 40},
        articles=[{"author": f"作者{i}", "title": f"题目{i}"} for i in range(7)],
    )
    assert Activity.objects.get(pk=record.pk).article_count == 7
    first, second = record.articles.order_by("id")[:2]
    activity_update(user=people.secretary_a, activity=record, data={}, remove_articles=[first, second],
                    articles=[{"author": "新", "title": "新题目"}])
    assert Activity.objects.get(pk=record.pk).article_count == 6
    history = Activity.history.filter(id=record.pk).order_by("-history_id").first()
    assert history.article_count == 6  # the count is saved with the record, so its history says so


def test_changing_a_closed_months_articles_is_a_correction(people, tree):
    record = ActivityFactory(committee=tree.county_a, kind="reflection", held_on=datetime.date(2021, 10, 20),
                             title="十月心得", article_count=1, author="张三")
    activity_update(user=people.secretary_a, activity=record, data={}, articles=[{"author": "李四", "title": "补录"}],
                    reason="补录漏报的心得")
    article = record.articles.get()
    assert Correction.objects.get().changes == {f"article:{article.pk}": [None, "李四：补录"]}


# ------------------------------------------------------------------ the record page, the file, the figure


def test_it_shows_the_articles_on_the_record_page(alice, people):
    create(alice, reflection_post(rows=[{"author": "张三", "title": "体会一", "upload": pdf_upload("体会一.pdf")}],
                                  pasted="李四 — 体会二"))
    record = Activity.objects.get()
    html = alice.get(f"/records/{record.pk}/").content.decode()
    article = record.articles.get(title="体会一")
    assert 'id="articles"' in html and "体会一" in html and "李四" in html
    assert f'href="/articles/{article.pk}/file/"' in html
    assert alice.get(f"/articles/{article.pk}/file/").status_code == 200
    assert client_for(people.leader_city).get(f"/articles/{article.pk}/file/").status_code == 200
    for outsider in (people.leader_b, people.secretary_b, people.outsider):
        assert client_for(outsider).get(f"/articles/{article.pk}/file/").status_code == 404


def test_the_stored_figure_counts_the_articles(alice, tree):
    create(alice, reflection_post(pasted="\n".join(f"作者{i} — 题目{i}" for i in range(9))))
    ActivityFactory(committee=tree.county_a, kind="reflection", held_on=TODAY, article_count=4, author="")  # legacy
    rollup.rollup_dirty()
    figure = figures_for(tree.county_a, TODAY)["reflection_articles"]
    assert figure.month_value == 9 + 4 == Article.objects.count() + 4
    record = Activity.objects.filter(articles__isnull=False).distinct().get()
    activity_update(user=record.created_by, activity=record, data={},
                    remove_articles=list(record.articles.all()[:3]))
    rollup.rollup_dirty()
    assert figures_for(tree.county_a, TODAY)["reflection_articles"].month_value == 6 + 4


def test_it_survives_a_tampered_article_form(alice):
    response = create(alice, reflection_post(pasted="张三 — 体会一", **{"art-TOTAL_FORMS": "abc"}))
    assert response.status_code == 200 and response.context["entry"].articles.non_form_errors()
    assert counts() == (0, 0)
    for total in ("-1", "99999999"):  # no rows, or more rows than a form may have: never a server error
        assert create(alice, reflection_post(pasted="张三 — 体会一", **{"art-TOTAL_FORMS": total})).status_code < 500


def test_the_edit_page_shows_the_derived_count_and_ignores_a_typed_one(alice, listed):
    page = alice.get(f"/records/{listed.pk}/edit/")
    assert page.context["form"].fields["article_count"].disabled
    assert edit(alice, listed, existing_rows(listed), article_count="50").status_code == 302
    listed.refresh_from_db()
    assert listed.article_count == 3
