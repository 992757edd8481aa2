"""The load scenario (make load): secretaries log sessions with attendance and a photo, leaders read dashboards,
drill-downs and bulletins, auditors work through their lists and visits. Run by bench/load/run.py, which starts
gunicorn, a Celery worker and this file headless, then counts the records the secretaries made."""
import io
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

RUN = os.environ.get("LOAD_RUN_ID", "local")
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo12345")
MADE = []  # titles of the records the server said it saved (a redirect to the record)


def _photo():
    from PIL import Image  # a real image: the upload path checks what a file is

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, format="PNG")
    return out.getvalue()


PHOTO = _photo()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MEMBERS = re.compile(r'name="att-(\d+)-member"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="att-(\d+)-member"')
LINKS = {
    "drill": re.compile(r'href="(/reports/drill/[^"]+)"'),
    "visit": re.compile(r'href="(/supervision/visits/\d+/)"'),
    "record": re.compile(r'href="(/records/\d+/)"'),
}


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = None

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post("/accounts/login/", {"username": self.username, "password": PASSWORD,
                                              "csrfmiddlewaretoken": token}, name="login")

    def follow(self, html, kind, name):
        found = LINKS[kind].findall(html)
        if found:
            self.client.get(random.choice(found[:20]).replace("&amp;", "&"), name=name)


class Secretary(PortalUser):
    weight = 2
    username = os.environ.get("LOAD_SECRETARY", "secretary")

    @task(3)
    def log_a_session(self):
        form = self.client.get("/records/new/collective/", name="record form")
        token = CSRF.search(form.text).group(1)
        members = sorted({(a or d, b or c) for a, b, c, d in MEMBERS.findall(form.text)})
        title = f"压测-{RUN}-{uuid.uuid4().hex[:12]}"
        data = {"csrfmiddlewaretoken": token, "title": title, "held_on": os.environ["LOAD_TODAY"],
                "submission_key": str(uuid.uuid4()), "att-TOTAL_FORMS": str(len(members)), "att-INITIAL_FORMS": "0",
                "att-MIN_NUM_FORMS": "0", "att-MAX_NUM_FORMS": "1000"}
        for index, member in members:
            data[f"att-{index}-member"] = member
            data[f"att-{index}-status"] = "present"
        files = {"attachments": ("sign-in.png", io.BytesIO(PHOTO), "image/png")}
        with self.client.post("/records/new/collective/", data=data, files=files, name="record save",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and "/records/" in response.headers.get("Location", ""):
                MADE.append(title)
                response.success()
            else:
                response.failure(f"not saved: {response.status_code}")

    @task(2)
    def archive(self):
        page = self.client.get("/records/", name="archive")
        self.follow(page.text, "record", "record page")

    @task(1)
    def home(self):
        self.client.get("/", name="home")


class Leader(PortalUser):
    weight = 2
    username = os.environ.get("LOAD_LEADER", "city_leader")

    @task(3)
    def dashboard(self):
        page = self.client.get("/reports/", name="dashboard")
        self.follow(page.text, "drill", "drill-down")

    @task(1)
    def bulletin(self):
        self.client.get("/reports/bulletin/", name="bulletin")

    @task(1)
    def bulletin_docx(self):
        self.client.get("/reports/bulletin/?format=docx", name="bulletin docx")


class Auditor(PortalUser):
    weight = 1
    username = os.environ.get("LOAD_AUDITOR", "auditor")

    @task(2)
    def supervision_home(self):
        self.client.get("/supervision/", name="supervision home")

    @task(2)
    def filings(self):
        self.client.get("/supervision/filings/", name="filings")

    @task(2)
    def visits(self):
        page = self.client.get("/supervision/visits/", name="visits")
        self.follow(page.text, "visit", "visit page")


@events.test_stop.add_listener
def _write_made(environment, **kwargs):
    path = os.environ.get("LOAD_MADE_FILE")
    if path:
        with open(path, "w") as out:
            json.dump(MADE, out, ensure_ascii=False)
