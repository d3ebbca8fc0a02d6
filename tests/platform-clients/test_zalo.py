"""Zalo OA's video article API against the sandbox, step by step as Zalo's
article API documentation describes it: upload_video/preparevideo (multipart
`file`) -> upload_video/verify until the video id -> article/create ->
article/verify until the article id -> article/getdetail. Plain `requests`:
no maintained Python client of Zalo's article API was found on PyPI (the
Zalo packages there are old SDK releases, 2017 and 2021, or bot/chat
wrappers), so this follows the documented protocol itself, with the token in
the `access_token` header as Zalo's clients send it.

The token comes from a real OAuth code exchange with PKCE (consent with
auto=1, then /v4/oa/access_token). The sandbox's record must show the clip's
SHA-256 and every field of the article as sent."""

import base64
import hashlib
import os
import time
from urllib.parse import parse_qs, urlparse

import requests

from sandbox import CLIP, MOCK_URL, check, clip_sha256, record

REDIRECT = "https://newsroom.example/zalo/callback"
POSTER = "https://cdn.newsroom.example/poster/le-ra-quan.jpg"


def oauth_token() -> str:
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    r = requests.get(f"{MOCK_URL}/v4/oa/permission", allow_redirects=False, timeout=10,
                     params={"app_id": "app-tests", "redirect_uri": REDIRECT,
                             "code_challenge": challenge, "state": "s1", "auto": "1"})
    check(r.status_code in (302, 303, 307), "consent redirects back with a code")
    code = parse_qs(urlparse(r.headers["location"]).query)["code"][0]
    r = requests.post(f"{MOCK_URL}/v4/oa/access_token", timeout=10,
                      headers={"secret_key": "app-secret"},
                      data={"app_id": "app-tests", "grant_type": "authorization_code",
                            "code": code, "code_verifier": verifier})
    r.raise_for_status()
    check("access_token" in r.json(), "the code exchange gives an access token")
    return r.json()["access_token"]


def ok(r: requests.Response) -> dict:
    v = r.json()
    if v.get("error") != 0:
        raise SystemExit(f"FAILED: {r.request.url}: {v}")
    return v["data"]


def main() -> None:
    token = oauth_token()
    h = {"access_token": token}
    api = f"{MOCK_URL}/v2.0/article"

    with open(CLIP, "rb") as f:
        bad = requests.post(f"{api}/upload_video/preparevideo", headers=h, timeout=30,
                            files={"file": ("clip.mov", f, "video/quicktime")}).json()
    check(bad["error"] != 0, "a .mov upload is refused (mp4/avi only)")

    with open(CLIP, "rb") as f:
        up = ok(requests.post(f"{api}/upload_video/preparevideo", headers=h, timeout=60,
                              files={"file": ("clip.mp4", f, "video/mp4")}))["token"]
    video_id = None
    for _ in range(60):
        v = ok(requests.get(f"{api}/upload_video/verify", headers=h,
                            params={"token": up}, timeout=10))
        if v["status"] == 1 and v.get("video_id"):
            video_id = v["video_id"]
            break
        check(v["status"] == 3, f"converting ({v.get('status_message')})")
        time.sleep(0.5)
    check(bool(video_id), "the conversion gives the video id")

    article = {"type": "video", "title": "Lễ ra quân", "description": "Sáng nay, lực lượng…",
               "video_id": video_id, "avatar": POSTER, "status": "show", "comment": "show"}
    created = ok(requests.post(f"{api}/create", headers=h, json=article, timeout=10))["token"]
    article_id = None
    for _ in range(60):
        d = ok(requests.post(f"{api}/verify", headers=h, json={"token": created}, timeout=10))
        if d.get("id"):
            article_id = d["id"]
            break
        time.sleep(0.5)
    check(bool(article_id), "verifying the create token gives the article id")

    detail = ok(requests.get(f"{api}/getdetail", headers=h, params={"id": article_id},
                             timeout=10))
    check(detail["status"] == "show", "getdetail says the article is shown")
    check(detail["avatar"] == POSTER, "getdetail gives the thumbnail sent")

    refused = requests.get(f"{api}/getdetail", params={"id": article_id}, timeout=10,
                           headers={"Authorization": f"Bearer {token}"}).json()
    check(refused["error"] == -216, "a token outside the access_token header is refused")

    rec = record("zalo", article_id)
    check(rec["sha256"] == clip_sha256() and rec["bytes"] == os.path.getsize(CLIP),
          "the exact bytes arrived")
    for k, v in article.items():
        check(rec["fields"].get(k) == v, f"the article's {k} arrived as sent")
    check(rec["fields"].get("content_type") == "video/mp4", "the upload's type arrived")


if __name__ == "__main__":
    main()
