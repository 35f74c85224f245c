"""Sign-in: passwords, sessions, API and feed tokens, rate limiting, open mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progleton import make_progleton
from progleton.core import Progleton
from progleton.web import create_app
from progleton.web.accounts import (
    LoginLimiter,
    User,
    check_session,
    hash_password,
    safe_next,
    session_value,
    token,
    user_by_id,
    verify_password,
)

from .conftest import Seeded, csrf_token

PASSWORD = "correct horse battery staple"


@pytest.fixture
def locked(progleton: Progleton, seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(create_app(progleton, admin_password=PASSWORD), base_url="http://127.0.0.1:8000") as c:
        yield c


def sign_in(client: TestClient, password: str = PASSWORD, next: str = "/") -> object:
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "name": "admin",
                                       "password": password, "next": next}, follow_redirects=False)


def test_passwords() -> None:
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$16384$8$1$") and "s3cret" not in stored
    assert verify_password("s3cret", stored) and not verify_password("s3cre", stored)
    assert hash_password("s3cret") != stored  # salted
    assert not verify_password("x", "!") and not verify_password("x", "md5$abc")


def test_sessions_expire(progleton: Progleton) -> None:
    user_id = progleton.store.add_user("ana", hash_password("pw"))
    row = progleton.store.get_user(user_id=user_id)
    assert row is not None
    user = User(id=user_id, name="ana", is_admin=False, password_hash=str(row["password_hash"]))
    value = session_value("key", user, now=1000.0)
    assert check_session(progleton.store, "key", value, now=2000.0) == user
    assert check_session(progleton.store, "key", value, now=1000.0 + 31 * 86400) is None
    assert check_session(progleton.store, "other", value, now=2000.0) is None
    assert check_session(progleton.store, "key", "1.2.3", now=2000.0) is None
    assert check_session(progleton.store, "key", "garbage", now=2000.0) is None
    progleton.store.add_user("ana", hash_password("new password"))
    assert check_session(progleton.store, "key", value, now=2000.0) is None  # a new password ends sessions


def test_limiter() -> None:
    limiter = LoginLimiter(attempts=3, window=60)
    for t in range(3):
        assert limiter.retry_after(["ip:a"], now=float(t)) == 0
        limiter.failed(["ip:a"], now=float(t))
    assert limiter.retry_after(["ip:a"], now=3.0) == 58
    assert limiter.retry_after(["ip:b"], now=3.0) == 0
    assert limiter.retry_after(["ip:a"], now=61.0) == 0


def test_safe_next() -> None:
    assert safe_next("/stories/x?y=1") == "/stories/x?y=1"
    for bad in (None, "", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:x"):
        assert safe_next(bad) == "/"


def test_open_mode_needs_no_sign_in(client: TestClient, seeded: Seeded) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"
    assert "open mode" in client.get("/account").text


def test_everything_needs_sign_in_once_there_is_a_password(locked: TestClient) -> None:
    for url in ("/", "/stories/story-storm", "/articles/1", "/search?q=ferry", "/sources", "/starred",
                "/merge?story=story-storm"):
        answer = locked.get(url, follow_redirects=False)
        assert answer.status_code == 303, url
        assert answer.headers["location"].startswith("/login?next=")
    assert locked.get("/api/v1/stories/story-storm/related").status_code == 401
    api = locked.get("/api/v1/stories")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert "Sign-in required" in api.json()["detail"]
    assert locked.get("/feeds/top.atom").status_code == 401
    # corrections change every user's stories: never without a sign-in
    assert locked.put("/api/v1/articles/1/story", json={"story_id": None}).status_code == 401
    assert locked.post("/api/v1/stories/story-storm/merge", json={"other": "story-x"}).status_code == 401
    token = csrf_token(locked, "/login")
    assert locked.post("/sources/1/remove", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert locked.get("/static/style.css").status_code == 200
    assert locked.get("/openapi.json").status_code == 200
    # an outlet's image through the page: for signed-in readers (it was served to anyone)
    from progleton.web.images import image_path

    image = locked.get(image_path(locked.app.state.secret_key, "https://cdn.example/a.jpg"),  # type: ignore[attr-defined]
                       follow_redirects=False)
    assert image.status_code == 303 and image.headers["location"].startswith("/login?next=")


def test_sign_in_and_out(locked: TestClient) -> None:
    wrong = sign_in(locked, "nope")
    assert wrong.status_code == 303 and wrong.headers["location"] == "/login"  # type: ignore[attr-defined]
    answer = sign_in(locked, next="/stories/story-storm")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == "/stories/story-storm"  # type: ignore[attr-defined]
    cookie = answer.headers["set-cookie"]  # type: ignore[attr-defined]
    assert cookie.startswith("progleton_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert locked.get("/").status_code == 200
    assert '<a class="account" href="/account">admin</a>' in locked.get("/").text
    session = locked.cookies.get("progleton_session")
    locked.post("/logout", data={"csrf_token": csrf_token(locked)})
    assert locked.get("/", follow_redirects=False).status_code == 303
    # a copy of the old cookie (another device, a stolen one) is signed out too
    locked.cookies.set("progleton_session", session or "", domain="127.0.0.1", path="/")
    assert locked.get("/", follow_redirects=False).status_code == 303
    assert sign_in(locked).status_code == 303  # type: ignore[attr-defined]
    assert locked.get("/").status_code == 200


def test_a_form_sent_once_the_session_ended_leads_back_to_its_page(locked: TestClient, seeded: Seeded) -> None:
    """Signing in again after a form sent once the session had ended (signed out on another
    device, 30 days gone) led to the form's address, a 405 "Method Not Allowed" page."""
    sign_in(locked)
    token = csrf_token(locked, "/stories/story-storm")
    locked.cookies.delete("progleton_session")
    story = "http://127.0.0.1:8000/stories/story-storm"
    sent = locked.post(f"/articles/{seeded.articles['storm1']}/state", data={"csrf_token": token, "starred": "1"},
                       headers={"referer": story + "?look=x"}, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/login?next=%2Fstories%2Fstory-storm%3Flook%3Dx&again=1"
    page = locked.get(sent.headers["location"]).text
    assert "what you sent was not done: sign in, then do it again." in page
    assert 'name="next" value="/stories/story-storm?look=x"' in page
    assert sign_in(locked, next="/stories/story-storm?look=x").headers["location"] == "/stories/story-storm?look=x"  # type: ignore[attr-defined]
    locked.cookies.delete("progleton_session")
    for referer in ("", "https://elsewhere.example/stories/story-storm"):  # none, or not this site's: the front page
        elsewhere = locked.post("/story-actions/merge", data={"csrf_token": token}, headers={"referer": referer},
                                follow_redirects=False)
        assert elsewhere.headers["location"] == "/login?next=%2F&again=1"
    assert "not done" not in locked.get("/login").text
    # sent by the page's script (app.js): a 401, on which the script sends the form itself
    script = locked.post(f"/articles/{seeded.articles['storm1']}/state", data={"csrf_token": token, "starred": "1"},
                         headers={"sec-fetch-mode": "cors", "referer": story}, follow_redirects=False)
    assert script.status_code == 401


def test_a_wrong_password_leads_back_to_the_sign_in_page_which_says_so_once(locked: TestClient) -> None:
    """The answer to a wrong password was a page of its own (a 401 to the form): reloading it
    had the browser ask to send the form again. It leads back to the sign-in page (303), which
    says so once, keeping where to go next and the name typed; a name that is no account's is
    answered alike, and nothing of the password is in the address or the cookie."""
    wrong = sign_in(locked, "not the password", next="/stories/story-storm?look=x")
    assert wrong.status_code == 303  # type: ignore[attr-defined]
    location = wrong.headers["location"]  # type: ignore[attr-defined]
    assert location == "/login?next=%2Fstories%2Fstory-storm%3Flook%3Dx"
    assert "password" not in wrong.headers["set-cookie"]  # type: ignore[attr-defined]
    page = locked.get(location).text
    assert '<p class="error" role="alert">That name and password do not match.</p>' in page
    assert 'name="next" value="/stories/story-storm?look=x"' in page
    reloaded = locked.get(location).text  # a reload is a GET, and the failure was said already
    assert "do not match" not in reloaded and 'name="next" value="/stories/story-storm?look=x"' in reloaded
    nobody = locked.post("/login", data={"csrf_token": csrf_token(locked, "/login"), "name": "Nobody",
                                         "password": "not the password", "next": "/stories/story-storm?look=x"},
                         follow_redirects=False)
    assert (nobody.status_code, nobody.headers["location"]) == (303, location)
    page = locked.get(location).text
    assert "That name and password do not match." in page and 'value="Nobody"' in page
    locked.cookies.set("progleton_sign_in_failed", "QW5h.99999999999.forged", domain="127.0.0.1", path="/login")
    assert "do not match" not in locked.get("/login").text  # only this site says a sign-in failed
    assert sign_in(locked, next="/stories/story-storm?look=x").headers["location"] == "/stories/story-storm?look=x"  # type: ignore[attr-defined]


def test_login_needs_csrf(locked: TestClient) -> None:
    answer = locked.post("/login", data={"name": "admin", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403


def test_too_many_attempts_lead_back_to_the_sign_in_page_which_answers_429_while_they_count(
        locked: TestClient) -> None:
    """The 429 of too many failed attempts was the answer to the form itself: reloading it had
    the browser send the form, password and all, again. It leads back to the sign-in page
    (303), which answers 429 with Retry-After as long as the limit holds (a script following
    the redirect sees both), however often it is loaded, then the page as usual."""
    for _ in range(5):
        assert sign_in(locked, "wrong", next="/stories/story-storm").status_code == 303  # type: ignore[attr-defined]
    limited = sign_in(locked, next="/stories/story-storm")  # even the right password waits
    assert limited.status_code == 303  # type: ignore[attr-defined]
    location = limited.headers["location"]  # type: ignore[attr-defined]
    assert location == "/login?next=%2Fstories%2Fstory-storm" and "password" not in limited.headers["set-cookie"]  # type: ignore[attr-defined]
    for _ in range(2):  # the redirect followed, then a reload: a GET each, told the same
        page = locked.get(location)
        assert page.status_code == 429 and 0 < int(page.headers["retry-after"]) <= 900
        assert '<p class="error" role="alert">Too many failed attempts; try again in 15 minutes.</p>' in page.text
        assert 'name="next" value="/stories/story-storm"' in page.text
    followed = locked.post("/login", data={"csrf_token": csrf_token(locked, "/login"), "name": "admin",
                                           "password": PASSWORD, "next": "/"})
    assert followed.status_code == 429 and int(followed.headers["retry-after"]) > 0
    assert [r.status_code for r in followed.history] == [303]
    assert locked.post("/login", data={"name": "admin", "password": PASSWORD}).status_code == 403  # CSRF first
    locked.app.state.login_limiter = LoginLimiter()  # type: ignore[attr-defined]  # the 15 minutes gone by
    calm = locked.get(location)
    assert calm.status_code == 200 and "Too many" not in calm.text and "retry-after" not in calm.headers
    assert sign_in(locked, next="/stories/story-storm").headers["location"] == "/stories/story-storm"  # type: ignore[attr-defined]


def test_a_name_guessed_from_many_addresses_waits_wherever_it_is_typed(progleton: Progleton, seeded: Seeded) -> None:
    """The limit on a name (across addresses) is told where that name was typed: the sign-in
    page answers 429 there while it holds, not to an address that has typed no name."""
    app = create_app(progleton, admin_password=PASSWORD)
    app.state.name_limiter = LoginLimiter(attempts=2)
    for address in ("10.0.0.2", "10.0.0.3"):
        with TestClient(app, base_url="http://127.0.0.1:8000", client=(address, 5000)) as guesser:
            assert sign_in(guesser, "wrong").status_code == 303  # type: ignore[attr-defined]
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("10.0.0.4", 5000)) as admin:
        assert admin.get("/login").status_code == 200
        limited = sign_in(admin)
        assert limited.headers["location"] == "/login"  # type: ignore[attr-defined]
        for _ in range(2):
            page = admin.get("/login")
            assert page.status_code == 429 and "try again in 15 minutes." in page.text and 'value="admin"' in page.text
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("10.0.0.5", 5000)) as other:
        assert other.get("/login").status_code == 200


def test_one_address_guessing_does_not_lock_the_admin_out_elsewhere(progleton: Progleton, seeded: Seeded) -> None:
    """Five wrong passwords lock out the address that sent them, not the account: the admin
    signs in from another address; " admin" is the same name for the limit as for the account.
    The page after the fifth says both: the password was wrong, and no more tries for now."""
    app = create_app(progleton, admin_password=PASSWORD)
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("10.0.0.2", 5000)) as guesser:
        for n, name in enumerate(("admin", " admin", "admin ", "ADMIN", "admin")):
            answer = guesser.post("/login", data={"csrf_token": csrf_token(guesser, "/login"), "name": name,
                                                  "password": "wrong", "next": "/"})
            assert "do not match" in answer.text  # the sign-in page, saying so
            assert answer.status_code == (429 if n == 4 else 200) and ("Too many" in answer.text) == (n == 4)
        assert sign_in(guesser).headers["location"] == "/login"  # type: ignore[attr-defined]
        assert guesser.get("/login").status_code == 429
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("10.0.0.3", 5000)) as admin:
        assert sign_in(admin).headers["location"] == "/"  # type: ignore[attr-defined]
    assert app.state.name_limiter.retry_after(["user:admin"]) == 0  # 5 of the name's 50


def test_new_tokens_revoke_the_old_and_forged_ids_are_no_one(locked: TestClient) -> None:
    sign_in(locked)
    account = locked.get("/account").text
    old_api = re.search(r"Authorization: Bearer ([\w.]+)", account).group(1)  # type: ignore[union-attr]
    old_feed = re.search(r'href="(/feeds/top.atom\?token=[\w.]+)"', account).group(1)  # type: ignore[union-attr]
    assert locked.get(old_feed).status_code == 200
    made = locked.post("/account/tokens", data={"csrf_token": csrf_token(locked, "/account")})
    assert "the old ones no longer work" in made.text
    new_api = re.search(r"Authorization: Bearer ([\w.]+)", made.text).group(1)  # type: ignore[union-attr]
    assert new_api != old_api
    locked.cookies.clear()
    assert locked.get("/api/v1/stories", headers={"authorization": f"Bearer {old_api}"}).status_code == 401
    assert locked.get("/api/v1/stories", headers={"authorization": f"Bearer {new_api}"}).status_code == 200
    assert locked.get(old_feed).status_code == 401
    huge = "99999999999999999999999"
    locked.cookies.set("progleton_session", f"{huge}.9999999999.abc", domain="127.0.0.1", path="/")
    assert locked.get("/", follow_redirects=False).status_code == 303  # to sign-in, not a 500
    locked.cookies.clear()
    assert locked.get(f"/feeds/top.atom?token={huge}.x").status_code == 401
    assert locked.get("/api/v1/stories", headers={"authorization": f"Bearer {huge}.abc"}).status_code == 401


def test_a_feed_without_its_token_says_in_plain_text_how_to_get_one(locked: TestClient) -> None:
    for url, why in (("/feeds/top.atom", "needs a feed token"), ("/feeds/story.rss?id=story-storm", "needs a feed token"),
                     ("/feeds/top.json?token=1.forged", "no longer works")):
        answer = locked.get(url)
        assert answer.status_code == 401, url
        assert answer.headers["content-type"].startswith("text/plain"), url  # a feed reader shows no HTML page
        assert why in answer.text and "/account" in answer.text and "<" not in answer.text, answer.text
    sign_in(locked)
    missing = locked.get("/feeds/story.atom?id=no-such-story")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/plain")


def test_api_and_feed_tokens(locked: TestClient) -> None:
    sign_in(locked)
    account = locked.get("/account").text
    api_token = re.search(r"Authorization: Bearer ([\w.]+)", account).group(1)  # type: ignore[union-attr]
    feed_url = re.search(r'href="(/feeds/top.atom\?token=[\w.]+)"', account).group(1)  # type: ignore[union-attr]
    assert "token=" in locked.get("/").text  # the page's feed links carry it
    locked.cookies.clear()
    assert locked.get("/api/v1/stories", headers={"authorization": f"Bearer {api_token}"}).status_code == 200
    assert locked.get("/api/v1/stories", headers={"authorization": "Bearer 1.forged"}).status_code == 401
    # a saved search's feed, as the API gives it, opens in a feed reader that has nothing else
    saved = locked.post("/api/v1/searches", json={"query": "ferry"}, headers={"authorization": f"Bearer {api_token}"})
    assert "token=" in saved.json()["feed"] and locked.get(saved.json()["feed"]).status_code == 200
    atom = locked.get(feed_url)
    assert atom.status_code == 200
    feed_id = re.search(r"<(?:\w+:)?id>([^<]+)</(?:\w+:)?id>", atom.text).group(1)  # type: ignore[union-attr]
    assert feed_id.startswith("urn:progleton:") and feed_id.endswith(":feed:top")  # no token in the id
    assert locked.get(feed_url.replace("top.atom", "top.json")).status_code == 200
    # a feed token opens feeds only, an API token the API only
    assert locked.get("/?token=" + feed_url.split("token=")[1], follow_redirects=False).status_code == 303
    assert locked.get("/feeds/top.atom", headers={"authorization": f"Bearer {api_token}"}).status_code == 401


def test_admin_password_is_kept_across_restarts(progleton: Progleton) -> None:
    create_app(progleton, admin_password=PASSWORD)
    first = progleton.store.get_user(name="admin")
    create_app(progleton, admin_password=PASSWORD)
    assert progleton.store.get_user(name="admin") == first  # same hash: sessions survive a restart
    create_app(progleton, admin_password="another one")
    assert progleton.store.get_user(name="admin") != first


def test_admin_password_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROGLETON_ADMIN_PASSWORD", "from env")
    with make_progleton(f"sqlite:///{tmp_path / 'env.db'}") as fresh, TestClient(create_app(fresh), base_url="http://127.0.0.1:8000") as client:
        assert client.get("/", follow_redirects=False).status_code == 303


def test_turning_sign_in_on_keeps_what_the_reader_read_starred_followed_and_saved(
        progleton: Progleton, seeded: Seeded) -> None:
    with TestClient(create_app(progleton, admin_password=""), base_url="http://127.0.0.1:8000") as open_mode:
        article = seeded.articles["storm1"]
        assert open_mode.put(f"/api/v1/articles/{article}/state", json={"starred": True}).status_code == 200
        assert open_mode.put(f"/api/v1/stories/{seeded.stories['storm']}/follow", json={"follow": True}).status_code == 200
        assert open_mode.post("/api/v1/searches", json={"name": "Ferries", "query": "ferry"}).status_code == 201
    with TestClient(create_app(progleton, admin_password=PASSWORD), base_url="http://127.0.0.1:8000") as locked:
        admin = user_by_id(progleton.store, int(progleton.store.get_user(name="admin")["id"]))  # type: ignore[index]
        assert admin is not None
        key = {"Authorization": f"Bearer {token(locked.app.state.secret_key, 'api', admin)}"}
        assert locked.get(f"/api/v1/articles/{article}/state", headers=key).json()["starred"] is True
        assert [s["id"] for s in locked.get("/api/v1/following", headers=key).json()] == [seeded.stories["storm"]]
        assert [s["query"] for s in locked.get("/api/v1/searches", headers=key).json()] == ["ferry"]


def test_a_feed_reader_can_send_the_feed_token_as_a_basic_password(locked: TestClient) -> None:
    """RFC 9110: a 401 names how to authenticate. A feed reader that keeps a user name and
    password for a feed sends them with Basic authentication; the password is the feed token."""
    sign_in(locked)
    account = locked.get("/account").text
    feed_token = re.search(r"/feeds/top.atom\?token=([\w.]+)", account).group(1)  # type: ignore[union-attr]
    assert f"<code>{feed_token}</code> as the password" in account
    locked.cookies.clear()
    refused = locked.get("/feeds/top.atom")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith('Basic realm="Progleton feeds"')
    assert "the feed token as the password" in refused.text
    assert locked.get("/feeds/top.atom", auth=("anyone", feed_token)).status_code == 200
    assert locked.get("/feeds/top.rss", auth=("admin", feed_token)).status_code == 200
    forged = locked.get("/feeds/top.atom", auth=("admin", "1.forged"))
    assert forged.status_code == 401 and "is not its feed token" in forged.text
    assert locked.get("/feeds/top.atom", headers={"authorization": "Basic !!!"}).status_code == 401
    # the feed token opens feeds only: not the API, not the pages
    assert locked.get("/api/v1/stories", auth=("admin", feed_token)).status_code == 401
    assert locked.get("/", auth=("admin", feed_token), follow_redirects=False).status_code == 303


def test_sign_in_off_opens_the_reader_and_gives_back_what_the_admin_read(progleton: Progleton, seeded: Seeded) -> None:
    """Removing PROGLETON_ADMIN_PASSWORD leaves sign-in on (the password is in the database);
    `progleton sign-in off` turns it off, and the admin's state is the open reader's again."""
    from progleton.web.accounts import turn_sign_in_off

    article = seeded.articles["storm1"]
    with TestClient(create_app(progleton, admin_password=PASSWORD), base_url="http://127.0.0.1:8000") as locked:
        sign_in(locked)
        assert locked.put(f"/api/v1/articles/{article}/state", json={"starred": True}).status_code == 200
        assert locked.post("/api/v1/searches", json={"query": "ferry"}).status_code == 201
    with TestClient(create_app(progleton, admin_password=""), base_url="http://127.0.0.1:8000") as running:
        assert running.get("/", follow_redirects=False).status_code == 303  # no setting: still on
        assert turn_sign_in_off(progleton.store) == ["admin"]
        # a reader running meanwhile opens at its sign-in page, where everything led
        assert running.get("/login", follow_redirects=False).headers["location"] == "/"
        assert running.get("/").status_code == 200
        assert running.get(f"/api/v1/articles/{article}/state").json()["starred"] is True
        assert [s["query"] for s in running.get("/api/v1/searches").json()] == ["ferry"]
    assert turn_sign_in_off(progleton.store) == []
    with TestClient(create_app(progleton, admin_password="a new one"), base_url="http://127.0.0.1:8000") as again:
        assert sign_in(again).headers["location"] == "/login"  # type: ignore[attr-defined]  # the old password is gone
        assert sign_in(again, "a new one").status_code == 303  # type: ignore[attr-defined]
        assert again.get(f"/api/v1/articles/{article}/state").json()["starred"] is True  # back with the admin


def test_a_token_that_does_not_work_is_told_apart_from_one_missing(locked: TestClient) -> None:
    """The admin password typed into a feed reader's login box was answered "This feed
    address's token no longer works"; a revoked API token, "Sign-in required"."""
    sign_in(locked)
    api_token = re.search(r"Authorization: Bearer ([\w.]+)", locked.get("/account").text).group(1)  # type: ignore[union-attr]
    locked.post("/account/tokens", data={"csrf_token": csrf_token(locked, "/account")})
    locked.cookies.clear()
    password = locked.get("/feeds/top.atom", auth=("admin", PASSWORD))
    assert password.status_code == 401 and password.text.startswith(
        "The password sent for this feed is not its feed token. The password a feed reader sends is the feed "
        "token from your account page (/account), not the account's password"), password.text
    assert "no longer works (new tokens" not in password.text
    revoked = locked.get("/api/v1/stories", headers={"authorization": f"Bearer {api_token}"})
    assert revoked.status_code == 401 and revoked.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert revoked.json()["detail"].startswith("This API token is not valid any more: new tokens were made")
    assert "/account" in revoked.json()["detail"] and "Sign-in required" not in revoked.json()["detail"]
    missing = locked.get("/api/v1/stories")
    assert missing.status_code == 401 and missing.json()["detail"].startswith("Sign-in required")


def test_the_sign_in_page_says_the_name_is_admin(locked: TestClient) -> None:
    """Only a password is ever set (admin_password): the page asked for a name no one was told."""
    page = locked.get("/login").text
    assert re.search(r'<input id="login-name" name="name"[^>]* value="admin"', page), page
    assert "The name is <code>admin</code>" in page
    assert re.search(r'<input id="login-password"[^>]* autofocus>', page)  # the password is what to type
    failed = locked.post("/login", data={"csrf_token": csrf_token(locked, "/login"), "name": "Ana", "password": "x"})
    assert 'value="Ana"' in failed.text  # what was typed stays
