"""python manage.py screenshots [--base-url URL] [--month YYYY-MM]: the README's screenshots, rendered, not drawn.

Headless Chromium (Debian's, through Playwright) signs in as a leader and photographs the briefing on a phone
(375 px) and a desktop (1366 px), the bulletin and the big screen (1920×1080) into docs/screenshots/*.png.

Without --base-url it serves a portal of its own: a fresh SQLite database in a temporary directory (or
--data-dir, kept and reused on the next run) loaded with the 2021 scenario, `runserver` on a free local port
in a subprocess, stopped at the end. The current database is never touched. With --base-url it photographs a
running portal as it is (--username/--password of a leader there).

The images are reduced to 256 colours (Pillow) so that each stays small in the repository.
"""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_SECONDS = 90
SETTLE_MS = 1500  # charts animate in; the picture is taken after
PAGE_TIMEOUT_MS = 120_000  # a busy machine serving a city's dashboard from SQLite


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    width: int
    height: int
    scale: float = 1
    full_page: bool = True
    max_height: int = 2200  # CSS pixels of a long page kept (the top: what a reader sees first)
    follow: str = ""  # a link to click first, as a leader would (it carries the dashboard's month)


SHOTS = [
    Shot("briefing-phone", "/reports/", 375, 812, scale=2, max_height=1500),
    Shot("briefing-desktop", "/reports/", 1366, 900, max_height=1700),
    Shot("bulletin", "/reports/", 1366, 900, max_height=1500, follow="#sg-bulletin-link"),
    Shot("bigscreen", "/reports/bigscreen/", 1920, 1080, full_page=False),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"the portal stopped at start-up (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError(f"the portal did not answer {url} within {seconds} s")


class Command(BaseCommand):
    help = "Renders the README's screenshots (docs/screenshots/*.png) in headless Chromium."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="a running portal (default: serve the 2021 scenario on SQLite)")
        parser.add_argument("--username", default="city_leader", help="a leader to sign in as")
        parser.add_argument("--password", default="demo12345")
        parser.add_argument("--month", default="", help="YYYY-MM (default: the pages' own, the latest with figures)")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--data-dir", help="where the served portal keeps its database (kept and reused)")
        parser.add_argument("--scenario", default="qiqihar-2021")
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
                            or shutil.which("chromium-browser"))

    def handle(self, *args, base_url, username, password, month, output, data_dir, scenario, chromium, **options):
        if not chromium:
            raise CommandError("Chromium is not installed: apt-get install chromium (or give --chromium PATH).")
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            if not base_url:
                base_url = stack.enter_context(self.served_portal(data_dir, scenario))
            written = self.photograph(base_url.rstrip("/"), chromium, username, password, month, out)
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size // 1024} KB)")

    # ------------------------------------------------------------ a portal of its own

    @contextlib.contextmanager
    def served_portal(self, data_dir, scenario):
        with contextlib.ExitStack() as stack:
            folder = Path(data_dir) if data_dir else Path(stack.enter_context(tempfile.TemporaryDirectory()))
            folder.mkdir(parents=True, exist_ok=True)
            env = {
                **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
                "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "STUDYGROUP_VAR_DIR": str(folder),
                "STUDYGROUP_DEV": "1", "STATS_RECOMPUTE": "inline", "DEBUG": "0",
            }
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # a kept database: the new migrations
            if not (folder / "loaded").exists():
                self.stdout.write(f"Loading the {scenario} scenario into {folder} (a few minutes)…")
                subprocess.run([*manage, "load_demo", "--scenario", scenario, "--reset"], env=env, check=True,
                               stdout=subprocess.DEVNULL)
                (folder / "loaded").write_text(scenario)
            port = free_port()
            server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                url = f"http://127.0.0.1:{port}"
                wait_for(f"{url}/accounts/login/", server, SERVER_START_SECONDS)
                yield url
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()

    # ------------------------------------------------------------ the pictures

    def photograph(self, base_url, chromium, username, password, month, out):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop; no ORM is used here
        from playwright.sync_api import sync_playwright

        written = []
        query = f"?month={month}" if month else ""
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                for shot in SHOTS:
                    context = browser.new_context(viewport={"width": shot.width, "height": shot.height},
                                                  device_scale_factor=shot.scale, locale="zh-CN",
                                                  base_url=base_url)
                    try:
                        context.set_default_timeout(PAGE_TIMEOUT_MS)
                        page = context.new_page()
                        self.sign_in(page, username, password)
                        page.goto(shot.path + query)
                        if shot.follow:
                            page.click(shot.follow)
                        self.settle(page)
                        written.append(self.save(page, shot, out))
                    finally:
                        context.close()
            finally:
                browser.close()
        return written

    def settle(self, page):
        """Loaded, then quiet for a moment (charts drawn): a page that keeps polling is taken anyway."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page.wait_for_load_state("load")
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_load_state("networkidle", timeout=10_000)
        page.wait_for_timeout(SETTLE_MS)

    def sign_in(self, page, username, password):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise CommandError(f"could not sign in as {username!r} at {page.url}")

    def save(self, page, shot, out):
        from PIL import Image

        path = out / f"{shot.name}.png"
        options = {"path": str(path), "full_page": shot.full_page}
        if shot.full_page:
            height = min(page.evaluate("document.documentElement.scrollHeight"), shot.max_height)
            options["clip"] = {"x": 0, "y": 0, "width": shot.width, "height": height}
        page.screenshot(**options)
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        return path
