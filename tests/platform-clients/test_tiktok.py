"""TikTok's Content Posting API (Direct Post, FILE_UPLOAD) against the sandbox,
step by step as TikTok documents it: creator_info -> init -> PUT chunks with
Content-Range (media transfer guide) -> status/fetch, then the Display API's
video/query. Plain `requests`: no maintained Python client for the Content
Posting API was found on PyPI (the TikTok packages there are scrapers,
unofficial web-app wrappers or the Business/Marketing API, none among the
most downloaded), so this follows the documented protocol itself.

The token comes from a real OAuth code exchange with the sandbox (consent
with auto=1, then /v2/oauth/token/). The sandbox's record must show the
clip's SHA-256 and every post_info / source_info field as sent."""

import os
import time
from urllib.parse import parse_qs, urlparse

import requests

from sandbox import CLIP, MOCK_URL, check, clip_sha256, record

API = MOCK_URL  # open.tiktokapis.com and open-upload.tiktokapis.com alike
REDIRECT = "https://newsroom.example/tiktok/callback"


def oauth_token() -> str:
    r = requests.get(
        f"{API}/v2/auth/authorize/",
        params={"client_key": "client-tests", "redirect_uri": REDIRECT,
                "response_type": "code", "scope": "user.info.basic,video.publish",
                "state": "s1", "auto": "1"},
        allow_redirects=False, timeout=10)
    check(r.status_code in (302, 303, 307), "consent redirects back with a code")
    code = parse_qs(urlparse(r.headers["location"]).query)["code"][0]
    r = requests.post(
        f"{API}/v2/oauth/token/",
        data={"client_key": "client-tests", "client_secret": "secret", "code": code,
              "grant_type": "authorization_code", "redirect_uri": REDIRECT},
        timeout=10)
    r.raise_for_status()
    token = r.json()["access_token"]
    check(token.startswith("act."), "the code exchange gives an access token")
    return token


def call(token: str, path: str, body: dict) -> requests.Response:
    return requests.post(
        f"{API}{path}", json=body, timeout=30,
        headers={"Authorization": f"Bearer {token}",
                 "Content-Type": "application/json; charset=UTF-8"})


def data(r: requests.Response) -> dict:
    v = r.json()
    if v["error"]["code"] != "ok":
        raise SystemExit(f"FAILED: {r.request.url}: {v['error']}")
    return v["data"]


def main() -> None:
    token = oauth_token()
    # This creator's account is private: no PUBLIC_TO_EVERYONE on offer.
    requests.post(f"{MOCK_URL}/__admin/config", timeout=10, json={"tiktok_creators": {token: {
        "privacy_level_options": ["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
        "max_video_post_duration_sec": 120, "creator_nickname": "Tòa soạn thử",
        "creator_username": "toasoanthu"}}}).raise_for_status()

    info = data(call(token, "/v2/post/publish/creator_info/query/", {}))
    check(info["creator_nickname"] == "Tòa soạn thử", "creator_info gives the nickname")
    options = info["privacy_level_options"]
    check("PUBLIC_TO_EVERYONE" not in options, "a private account is not offered public")
    check(info["max_video_post_duration_sec"] >= 3, "the 3 s clip is within the creator's limit")
    # The person's choice, among the options shown (never a default).
    privacy = "MUTUAL_FOLLOW_FRIENDS"

    size = os.path.getsize(CLIP)
    # Under 5 MB: one chunk, chunk_size = video_size (media transfer guide).
    post_info = {"title": "Lễ ra quân #tinhnha @baotinh", "privacy_level": privacy,
                 "disable_duet": False, "disable_comment": True, "disable_stitch": False,
                 "video_cover_timestamp_ms": 1000, "brand_content_toggle": False,
                 "brand_organic_toggle": False, "is_aigc": False}
    source_info = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": size,
                   "total_chunk_count": 1}

    bad = call(token, "/v2/post/publish/video/init/",
               {"post_info": {**post_info, "privacy_level": "PUBLIC_TO_EVERYONE"},
                "source_info": source_info})
    check(bad.status_code == 403
          and bad.json()["error"]["code"] == "privacy_level_option_mismatch",
          "a level outside the creator's options is refused")

    init = data(call(token, "/v2/post/publish/video/init/",
                     {"post_info": post_info, "source_info": source_info}))
    publish_id, upload_url = init["publish_id"], init["upload_url"]
    check(len(publish_id) <= 64, "publish_id is at most 64 characters")

    with open(CLIP, "rb") as f:
        clip = f.read()
    r = requests.put(upload_url, data=clip, timeout=60, headers={
        "Content-Type": "video/mp4", "Content-Length": str(size),
        "Content-Range": f"bytes 0-{size - 1}/{size}"})
    check(r.status_code == 201, "the last (only) chunk is answered 201")
    check(r.headers.get("content-range", "").endswith(f"/{size}"),
          "the answer carries the upload's progress")

    post_id = None
    for _ in range(20):  # TikTok allows 30 status fetches a minute per token
        st = data(call(token, "/v2/post/publish/status/fetch/", {"publish_id": publish_id}))
        if st["status"] == "PUBLISH_COMPLETE" and st["publicaly_available_post_id"]:
            post_id = st["publicaly_available_post_id"][0]
            break
        check(st["status"] == "PROCESSING_UPLOAD", f"still processing ({st['status']})")
        time.sleep(2.1)
    check(isinstance(post_id, int), "the post id comes as a JSON number")

    q = call(token, "/v2/video/query/?fields=id,create_time,duration",
             {"filters": {"video_ids": [str(post_id)]}})
    videos = data(q)["videos"]
    check(len(videos) == 1 and sorted(videos[0]) == ["create_time", "duration", "id"],
          "video/query gives exactly the fields asked for")
    check(call(token, "/v2/video/query/", {"filters": {"video_ids": [str(post_id)]}})
          .json()["error"]["code"] == "invalid_params", "video/query without fields is refused")

    rec = record("tiktok", str(post_id))
    check(rec["sha256"] == clip_sha256() and rec["bytes"] == size, "the exact bytes arrived")
    check(rec["fields"]["post_info"] == post_info, "every post_info field arrived as sent")
    check(rec["fields"]["source_info"] == source_info, "every source_info field arrived as sent")
    check(rec["fields"]["content_type"] == "video/mp4", "the chunk's Content-Type arrived")


if __name__ == "__main__":
    main()
