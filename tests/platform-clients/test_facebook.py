"""Facebook Page Reels through Meta's own facebook-business SDK, pointed at the
sandbox: start (Page.create_video_reel), the bytes with requests exactly as
Meta's reels sample sends them (the SDK has no rupload helper) but to the
upload_url the start phase returned, finish with video_state=PUBLISHED and a
description, the status (AdVideo.api_get: a node path ending in "/"), and the
reel's insights (AdVideo.get_video_insights: `metric` as a JSON array).
The sandbox's record must hold the clip's SHA-256 and every field sent."""

import os

import requests
from facebook_business.adobjects.advideo import AdVideo
from facebook_business.adobjects.page import Page
from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

from sandbox import CLIP, MOCK_URL, check, clip_sha256, record

PAGE_ID = "104857600"
PAGE_TOKEN = "EAAGsandboxPageToken"
DESCRIPTION = "Lễ ra quân sáng nay #tinhnha"
TITLE = "Lễ ra quân"

# The SDK's real hook: every Graph URL is built from FacebookSession.GRAPH.
FacebookSession.GRAPH = MOCK_URL
api = FacebookAdsApi.init(access_token=PAGE_TOKEN, crash_log=False)

start = Page(PAGE_ID).create_video_reel(params={"upload_phase": AdVideo.UploadPhase.start})
video_id = start["video_id"]
upload_url = start["upload_url"]
check(bool(video_id) and upload_url.startswith(MOCK_URL), f"start gave {video_id} and {upload_url}")

size = os.path.getsize(CLIP)
with open(CLIP, "rb") as f:
    data = f.read()
# Headers as in fbsamples/reels_publishing_apis (Authorization: OAuth, offset, file_size).
r = requests.post(
    upload_url,
    data=data,
    headers={"Authorization": f"OAuth {PAGE_TOKEN}", "offset": "0", "file_size": str(size)},
    timeout=30,
)
check(r.status_code == 200 and r.json().get("success") is True, f"rupload answered {r.status_code} {r.text}")

finish = Page(PAGE_ID).create_video_reel(
    params={
        "upload_phase": AdVideo.UploadPhase.finish,
        "video_id": video_id,
        "video_state": AdVideo.VideoState.published,
        "description": DESCRIPTION,
        "title": TITLE,
    }
)
check(finish is not None, "finish accepted")

video = AdVideo(video_id).api_get(fields=["status", "published", "privacy"])
status = video["status"]
check(status["uploading_phase"]["bytes_transfered"] == size, "status reports every byte")
check(status["publishing_phase"]["status"] in ("complete", "completed"), f"published: {status}")
check(video["published"] is True and video["privacy"]["value"] == "EVERYONE", "the reel is public")

metrics = ["blue_reels_play_count", "post_video_avg_time_watched", "post_video_social_actions"]
insights = AdVideo(video_id).get_video_insights(params={"metric": metrics, "period": "lifetime"})
names = [i["name"] for i in insights]
check(names == metrics, f"insights answer the metrics asked for: {names}")

rec = record("facebook", video_id)
check(rec["sha256"] == clip_sha256() and rec["bytes"] == size, "the bytes arrived whole")
fields = rec["fields"]
for key, want in [
    ("upload_phase", "finish"),
    ("video_id", video_id),
    ("video_state", "PUBLISHED"),
    ("description", DESCRIPTION),
    ("title", TITLE),
]:
    check(fields.get(key) == want, f"field {key} arrived as sent")
check("content_type" in fields, "the upload's content type is recorded")
check("access_token" not in fields, "the token is not recorded")
print("facebook: ok")
